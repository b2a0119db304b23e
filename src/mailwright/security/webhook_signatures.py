"""Webhook secrets and request signatures.

Each request carries ``Mailwright-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`` over
``"<t>.<body>"`` with the webhook's secret as the key. Signing the timestamp with the body lets
receivers reject replays (an old request sent again) by refusing old timestamps; receivers
compare with a constant-time function (timing). See ``docs/webhooks.md`` for the recipe.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 (a label, not a secret)
SIGNATURE_HEADER = "Mailwright-Signature"
SCHEME = "v1"


def new_webhook_secret() -> str:
    """A signing secret: ``whsec_`` and 32 random bytes, URL-safe base64."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``"<timestamp>.<body>"`` under the secret (its UTF-8 bytes)."""
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Mailwright-Signature`` value: ``t=<timestamp>,v1=<signature>``."""
    return f"t={timestamp},{SCHEME}={signature(secret, timestamp, body)}"
