"""Webhook secrets and signatures, checked against the verification recipe of
docs/webhooks.md."""

from __future__ import annotations

import re

from mailwright.security.webhook_signatures import (
    new_webhook_secret,
    signature,
    signature_header,
)
from tests.webhook_recipe import verify_signature

BODY = b'{"event":{"id":7,"kind":"delivered"},"test":false,"webhook_id":1}'


def test_secrets_are_random_and_labelled() -> None:
    """Secrets start with whsec_ and carry 256 random bits."""
    first, second = new_webhook_secret(), new_webhook_secret()
    assert first != second
    assert re.fullmatch(r"whsec_[A-Za-z0-9_-]{43}", first)


def test_header_verifies_with_the_documented_recipe() -> None:
    """The documented recipe accepts a fresh signature and refuses any change."""
    secret = new_webhook_secret()
    header = signature_header(secret, 1_767_600_000, BODY)
    assert header == f"t=1767600000,v1={signature(secret, 1_767_600_000, BODY)}"
    assert verify_signature(secret, header, BODY, now=1_767_600_010)
    assert not verify_signature(secret, header, BODY + b" ", now=1_767_600_010)
    assert not verify_signature(new_webhook_secret(), header, BODY, now=1_767_600_010)
    forged = header.replace("t=1767600000", "t=1767600001")
    assert not verify_signature(secret, forged, BODY, now=1_767_600_010)


def test_recipe_refuses_old_and_malformed_headers() -> None:
    """Signatures older than five minutes (replays) and malformed headers are refused."""
    secret = new_webhook_secret()
    header = signature_header(secret, 1_767_600_000, BODY)
    assert verify_signature(secret, header, BODY, now=1_767_600_300)
    assert not verify_signature(secret, header, BODY, now=1_767_600_301)
    for bad in ("", "t=x,v1=00", "v1=00", "t=1767600000", "garbage"):
        assert not verify_signature(secret, bad, BODY, now=1_767_600_000)
