"""API key material: ``mw_<prefix>_<secret>``.

The prefix (10 characters of lower-case letters and digits, about 51 bits) is the public lookup
id: it is stored in clear, shown in lists and audit records, and never contains ``_``, so the
first ``_`` after it ends it. The secret is 32 random bytes, URL-safe base64 (it may contain
``_`` and ``-``). Storage keeps only a keyed digest of the whole key (``tokens.token_digest``),
so a copy of the database cannot be used to call the API.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from mailwright.security.tokens import TOKEN_BYTES

KEY_PREFIX = "mw"
PREFIX_LENGTH = 10
_PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
# 32 bytes in unpadded URL-safe base64 are 43 characters.
_SECRET_LENGTH = 43
_KEY = re.compile(
    rf"^{KEY_PREFIX}_(?P<prefix>[a-z0-9]{{{PREFIX_LENGTH}}})_[A-Za-z0-9_-]{{{_SECRET_LENGTH}}}$"
)


@dataclass(frozen=True)
class NewApiKey:
    """A freshly generated key: show ``key`` once, store only its digest."""

    prefix: str
    key: str


def generate_api_key() -> NewApiKey:
    """A new random key and its prefix."""
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    secret = secrets.token_urlsafe(TOKEN_BYTES)
    return NewApiKey(prefix, f"{KEY_PREFIX}_{prefix}_{secret}")


def find_api_key_prefix(text: str) -> str | None:
    """The prefix of a well-formed key, or None for anything else (nothing is looked up for
    text that cannot be a key)."""
    match = _KEY.match(text)
    return match.group("prefix") if match else None


def check_prefix(text: str) -> bool:
    """True when ``text`` has the shape of a key prefix."""
    return len(text) == PREFIX_LENGTH and all(c in _PREFIX_ALPHABET for c in text)
