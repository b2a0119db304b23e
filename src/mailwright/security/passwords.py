"""Password hashing: argon2id in Dovecot's ``{ARGON2ID}`` string format.

The stored string carries its scheme and parameters, e.g.
``{ARGON2ID}$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>``, so Dovecot can read our hashes and we
can read Dovecot's, and a change of parameters is detected per hash (``needs_rehash``) and fixed
at the next successful login (Django's ``must_update``).

Unknown schemes fail closed: ``verify`` answers False, never "maybe".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

SCHEME_ARGON2ID = "{ARGON2ID}"
_KNOWN_PREFIXES = {SCHEME_ARGON2ID: "$argon2id$", "{ARGON2I}": "$argon2i$"}
# The whole PHC string: version, the three parameters, then salt and hash in unpadded base64.
_PHC_SHAPE = re.compile(
    r"\$argon2(?:id|i)\$v=\d{1,3}\$m=\d{1,10},t=\d{1,10},p=\d{1,3}"
    r"\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{11,}"
)


@dataclass(frozen=True)
class Argon2Parameters:
    """argon2id cost parameters; the defaults are OWASP's (m=19 MiB, t=2, p=1)."""

    memory_kib: int = 19456
    time_cost: int = 2
    parallelism: int = 1


class PasswordHasher:
    """Hashes and verifies passwords. Thread-safe; CPU-bound (call it off the event loop)."""

    def __init__(self, parameters: Argon2Parameters) -> None:
        self.parameters = parameters
        self._argon2 = argon2.PasswordHasher(
            time_cost=parameters.time_cost,
            memory_cost=parameters.memory_kib,
            parallelism=parameters.parallelism,
            hash_len=32,
            salt_len=16,
            type=argon2.Type.ID,
        )
        # Timing: a login for an unknown address verifies against this hash, so it costs the same
        # as a login for a real one and the answer time tells nothing about which addresses exist.
        self._dummy = self.hash("mailwright-dummy-password-for-timing")

    def hash(self, password: str) -> str:
        """Return the ``{ARGON2ID}...`` string for ``password`` with a fresh salt."""
        return SCHEME_ARGON2ID + self._argon2.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        """True when ``password`` matches ``stored``; False on mismatch or unknown scheme."""
        phc = _phc_string(stored)
        if phc is None:
            return False
        try:
            return self._argon2.verify(phc, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def verify_dummy(self, password: str) -> None:
        """Spend the time of one verification, for a login that cannot succeed."""
        self.verify(self._dummy, password)

    def needs_rehash(self, stored: str) -> bool:
        """True when ``stored`` uses another scheme or other parameters than the current ones."""
        if not stored.startswith(SCHEME_ARGON2ID):
            return True
        try:
            return self._argon2.check_needs_rehash(stored[len(SCHEME_ARGON2ID) :])
        except InvalidHashError:
            return True


def _phc_string(stored: str) -> str | None:
    for scheme, prefix in _KNOWN_PREFIXES.items():
        if stored.startswith(scheme) and stored[len(scheme) :].startswith(prefix):
            return stored[len(scheme) :]
    return None


def is_password_hash(value: str) -> bool:
    """True when ``value`` is a complete hash string this module can verify (scheme, version,
    parameters, salt and hash), not merely one that starts like one."""
    phc = _phc_string(value)
    return phc is not None and _PHC_SHAPE.fullmatch(phc) is not None
