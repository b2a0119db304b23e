"""DKIM signatures (RFC 6376) made with OpenSSL: rsa-sha256, relaxed/relaxed.

``security.dkim.signature_field`` (dkimpy) computes RSA in pure Python: 8.6 ms a signature
with a 2048-bit key, holding the interpreter lock all the while, which caps one delivery
process at about 100 signed messages a second. This signer canonicalizes and hashes as RFC
6376 3.4.2 and 3.4.4 say and signs with ``cryptography`` (0.8 ms, the lock released), so a
worker can sign on several threads. Its output is checked with dkimpy's verifier in the tests.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import time
from collections.abc import Sequence
from email.utils import getaddresses

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from mailwright.model.addresses import find_address
from mailwright.security.dkim import SIGNED_HEADERS

_WSP_RUN = re.compile(rb"[ \t]+")
_FOLD = re.compile(rb"\r\n(?=[ \t])")
_B64_LINE = 70


def split_message(message: bytes) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The header fields as (name, raw value with folding) and the body of a CRLF message."""
    end = message.find(b"\r\n\r\n")
    if end < 0:
        header, body = message, b""
    else:
        header, body = message[: end + 2], message[end + 4 :]
    fields: list[tuple[bytes, bytes]] = []
    for line in header.split(b"\r\n"):
        if not line:
            continue
        if line[:1] in (b" ", b"\t") and fields:
            name, value = fields[-1]
            fields[-1] = (name, value + b"\r\n" + line)
            continue
        name, _, value = line.partition(b":")
        fields.append((name, value))
    return fields, body


def relaxed_header(name: bytes, value: bytes) -> bytes:
    """RFC 6376 3.4.2: lower-case name, unfolded value with whitespace runs as one space and
    none around the colon; with CRLF."""
    unfolded = _FOLD.sub(b"", value)
    value_text = _WSP_RUN.sub(b" ", unfolded).strip(b" \t\r\n")
    return name.strip().lower() + b":" + value_text + b"\r\n"


def relaxed_body(body: bytes) -> bytes:
    """RFC 6376 3.4.4: whitespace runs as one space, none at line ends, no empty lines at the
    end; a non-empty body ends with CRLF."""
    lines = [_WSP_RUN.sub(b" ", line).rstrip(b" \t") for line in body.split(b"\r\n")]
    while lines and not lines[-1]:
        lines.pop()
    return b"\r\n".join(lines) + b"\r\n" if lines else b""


def _select(fields: Sequence[tuple[bytes, bytes]], names: Sequence[bytes]) -> list[bytes]:
    """The canonical fields to sign, for each name the last one not taken yet (RFC 6376
    5.4.2: a name listed twice signs two instances, from the bottom up)."""
    taken: dict[bytes, int] = {}
    chosen = []
    for name in names:
        instances = [f for f in fields if f[0].strip().lower() == name]
        used = taken.get(name, 0)
        if used < len(instances):
            field_name, value = instances[len(instances) - 1 - used]
            chosen.append(relaxed_header(field_name, value))
        taken[name] = used + 1
    return chosen


class DkimSigner:
    """Signs with one domain's key."""

    def __init__(self, *, domain: str, selector: str, private_key_pem: bytes) -> None:
        key = serialization.load_pem_private_key(private_key_pem, password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("DKIM keys are RSA keys")
        self.domain = domain
        self.selector = selector
        self._key = key

    def signature_field(self, message: bytes, *, timestamp: int | None = None) -> bytes:
        """The ``DKIM-Signature`` field (with CRLF) to put in front of ``message``."""
        fields, body = split_message(message)
        present = {name.strip().lower() for name, _ in fields}
        names = [h for h in SIGNED_HEADERS if h in present] or [b"from"]
        body_hash = base64.b64encode(hashlib.sha256(relaxed_body(body)).digest())
        when = int(time.time()) if timestamp is None else timestamp
        value = (
            f" v=1; a=rsa-sha256; c=relaxed/relaxed; d={self.domain};\r\n"
            f" s={self.selector}; t={when};\r\n"
            f" h={':'.join(n.decode('ascii') for n in names)};\r\n"
            f" bh={body_hash.decode('ascii')};\r\n b="
        ).encode("ascii")
        signed = b"".join(_select(fields, names))
        # The signature field itself is hashed last, with an empty b= and no CRLF (3.7).
        signed += relaxed_header(b"DKIM-Signature", value)[:-2]
        signature = self._key.sign(signed, padding.PKCS1v15(), hashes.SHA256())
        encoded = base64.b64encode(signature)
        folded = b"\r\n ".join(
            encoded[i : i + _B64_LINE] for i in range(0, len(encoded), _B64_LINE)
        )
        return b"DKIM-Signature:" + value + folded + b"\r\n"

    def sign(self, message: bytes) -> bytes:
        """``message`` with its DKIM-Signature field in front, ending with CRLF.

        SMTP cannot send a last line without CRLF (DATA ends with CRLF.CRLF), so a message
        that lacks it reaches the verifier with it added. The signature is made over those
        bytes: verifiers differ in whether trailing white space of an unterminated last line
        is stripped (RFC 6376 3.4.4 leaves the order of its steps open; dkimpy keeps it).
        """
        if not message.endswith(b"\r\n"):
            message += b"\r\n"
        return self.signature_field(message) + message


def from_domain(message: bytes) -> str | None:
    """The domain of the (first) From address, normalised, or None."""
    fields, _ = split_message(message)
    values = [v for n, v in fields if n.strip().lower() == b"from"]
    return _domain_of(values[0]) if values else None


@functools.lru_cache(maxsize=1024)
def _domain_of(field: bytes) -> str | None:
    """The From field's address domain; remembered, because an application sends many
    messages from the same address."""
    addresses = getaddresses([_FOLD.sub(b"", field).decode("utf-8", "replace")])
    parsed = find_address(addresses[0][1]) if addresses else None
    return parsed.domain if parsed else None
