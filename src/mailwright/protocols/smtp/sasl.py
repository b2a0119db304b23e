"""SASL PLAIN and LOGIN payloads (RFC 4616, draft-murchison-sasl-login)."""

from __future__ import annotations

import base64
import binascii


class SaslError(Exception):
    """The client's SASL data is malformed."""


def decode_base64(text: str) -> bytes:
    """Strict base64. Raises: SaslError."""
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SaslError("Invalid base64 data") from None


def parse_plain(text: str) -> tuple[str, str]:
    """``[authzid] NUL authcid NUL passwd`` -> (login, password).

    Raises:
        SaslError: malformed, or an authorization identity other than the login.
    """
    parts = decode_base64(text).split(b"\0")
    if len(parts) != 3:
        raise SaslError("PLAIN data must have three NUL-separated parts")
    try:
        authzid, login, password = (p.decode("utf-8") for p in parts)
    except UnicodeDecodeError:
        raise SaslError("PLAIN data is not UTF-8") from None
    if authzid and authzid.lower() != login.lower():
        raise SaslError("Acting for another identity is not allowed")
    if not login or not password:
        raise SaslError("Empty login or password")
    return login, password


def decode_text(text: str) -> str:
    """One LOGIN step's base64 answer as text. Raises: SaslError."""
    try:
        return decode_base64(text).decode("utf-8")
    except UnicodeDecodeError:
        raise SaslError("Not UTF-8") from None


def encode(text: str) -> str:
    """A server challenge in base64."""
    return base64.b64encode(text.encode()).decode("ascii")
