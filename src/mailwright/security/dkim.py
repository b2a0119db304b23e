"""DKIM (RFC 6376): key pairs and signatures, relaxed/relaxed canonicalization, rsa-sha256."""

from __future__ import annotations

import base64

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

# Signed when present (RFC 6376 5.4.1's list, plus the MIME fields that change rendering).
SIGNED_HEADERS = [
    b"from",
    b"to",
    b"cc",
    b"subject",
    b"date",
    b"message-id",
    b"reply-to",
    b"in-reply-to",
    b"references",
    b"mime-version",
    b"content-type",
    b"content-transfer-encoding",
    b"list-unsubscribe",
    b"list-unsubscribe-post",
]


def generate_key_pair(bits: int = 2048) -> tuple[bytes, str]:
    """A new RSA key: (private key PEM, public key as base64 DER for the TXT record)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, base64.b64encode(public).decode("ascii")


def signature_field(message: bytes, *, domain: str, selector: str, private_key: bytes) -> bytes:
    """The ``DKIM-Signature`` field (with CRLF) to put in front of ``message``."""
    present = {line.split(b":", 1)[0].strip().lower() for line in _header_lines(message)}
    headers = [h for h in SIGNED_HEADERS if h in present] or [b"from"]
    field: bytes = dkim.sign(
        message,
        selector.encode("ascii"),
        domain.encode("ascii"),
        private_key,
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=headers,
    )
    return field


def _header_lines(message: bytes) -> list[bytes]:
    end = message.find(b"\r\n\r\n")
    header = message[: end if end >= 0 else len(message)]
    return [line for line in header.split(b"\r\n") if line and line[:1] not in (b" ", b"\t")]
