"""The server secret and the keys derived from it.

One random secret lives in the data directory (mode 0600). Every purpose (sessions, CSRF,
reset tokens, API keys, the login cache) gets its own key derived by a labelled HMAC, so a key
leaked or misused in one place says nothing about the others.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from mailwright.model.errors import ConfigurationError

SECRET_BYTES = 32
_PLACEHOLDERS = {"changeme", "change-me", "secret", "placeholder", "xxx", "todo", "insecure"}


def generate_secret_file(path: Path) -> None:
    """Write a fresh random secret to ``path`` with mode 0600 (never overwriting one)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(SECRET_BYTES) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


class ServerSecret:
    """The validated server secret."""

    def __init__(self, value: bytes) -> None:
        self._value = value

    @classmethod
    def load(cls, path: Path) -> ServerSecret:
        """Read and validate the secret file.

        Raises:
            ConfigurationError: the file is missing, readable by others, or holds a placeholder.
        """
        if not path.exists():
            raise ConfigurationError(
                f"The server secret {path} is missing. Run 'mailwright init' to create it."
            )
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise ConfigurationError(
                f"The server secret {path} is readable by other users (mode {mode:o}); "
                f"run 'chmod 600 {path}'."
            )
        return cls.parse(path.read_text().strip(), str(path))

    @classmethod
    def parse(cls, text: str, origin: str = "the server secret") -> ServerSecret:
        """Validate secret text. Raises: ConfigurationError for a placeholder or weak secret."""
        if text.lower() in _PLACEHOLDERS or len(set(text)) < 8 or len(text) < 2 * SECRET_BYTES:
            raise ConfigurationError(
                f"{origin} is a placeholder or too short; it must be {SECRET_BYTES} random bytes "
                "in hex. Delete it and run 'mailwright init' to generate a new one."
            )
        return cls(text.encode())

    def derive(self, purpose: str) -> bytes:
        """A 32-byte key for one purpose (labelled HMAC-SHA256 of the secret)."""
        return hmac.new(self._value, b"mailwright/" + purpose.encode(), hashlib.sha256).digest()
