"""A short-lived memory of successful logins, so a mail client that reconnects every few
seconds does not cost an argon2 verification each time.

An entry is keyed by an HMAC of the stored hash and the password under a per-process random key:
the cache never holds a password, and a password change (new stored hash) misses at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import OrderedDict


class LoginCache:
    """Remembers (stored hash, password) pairs that verified, for ``ttl`` seconds."""

    def __init__(self, *, ttl: float, max_entries: int = 10_000) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._key = secrets.token_bytes(32)
        self._entries: OrderedDict[bytes, float] = OrderedDict()

    def _fingerprint(self, stored_hash: str, password: str) -> bytes:
        message = stored_hash.encode() + b"\0" + password.encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def check(self, stored_hash: str, password: str) -> bool:
        """True when this pair verified within the last ``ttl`` seconds."""
        if self._ttl <= 0:
            return False
        fingerprint = self._fingerprint(stored_hash, password)
        expires = self._entries.get(fingerprint)
        if expires is None:
            return False
        if expires < time.monotonic():
            del self._entries[fingerprint]
            return False
        return True

    def remember(self, stored_hash: str, password: str) -> None:
        """Record a pair that just verified."""
        if self._ttl <= 0:
            return
        fingerprint = self._fingerprint(stored_hash, password)
        self._entries[fingerprint] = time.monotonic() + self._ttl
        self._entries.move_to_end(fingerprint)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
