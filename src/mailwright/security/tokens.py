"""Random tokens (reset links, sessions, API keys) and the digests stored in their place.

Only a keyed digest of a token is ever stored, so a copy of the database does not let anyone use
the tokens in it. Digests are compared with ``hmac.compare_digest`` (timing).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


def new_token() -> str:
    """A URL-safe random token with 256 bits of entropy."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(key: bytes, token: str) -> str:
    """The hex HMAC-SHA256 of ``token`` under ``key``; what storage keeps."""
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def check_token(key: bytes, token: str, digest: str) -> bool:
    """True when ``token`` hashes to ``digest`` (constant time)."""
    return hmac.compare_digest(token_digest(key, token), digest)
