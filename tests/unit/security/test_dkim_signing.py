"""The OpenSSL DKIM signer: its signatures verify with dkimpy, whatever the message."""

from __future__ import annotations

import dkim
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailwright.security.dkim import generate_key_pair
from mailwright.security.dkim_signing import (
    DkimSigner,
    from_domain,
    relaxed_body,
    relaxed_header,
)

PRIVATE, PUBLIC = generate_key_pair(1024)
SIGNER = DkimSigner(domain="example.test", selector="s1", private_key_pem=PRIVATE)


def dns(name: bytes, timeout: int = 5) -> bytes:
    assert name == b"s1._domainkey.example.test."
    return f"v=DKIM1; k=rsa; p={PUBLIC}".encode()


def test_relaxed_canonicalization_follows_rfc_6376() -> None:
    """The examples of RFC 6376 3.4.5."""
    assert relaxed_header(b"A", b" X\r\n") == b"a:X\r\n"
    assert relaxed_header(b"B ", b" Y\t\r\n\tZ  ") == b"b:Y Z\r\n"
    assert relaxed_body(b" C \r\nD \t E\r\n\r\n\r\n") == b" C\r\nD E\r\n"
    assert relaxed_body(b"") == b"" and relaxed_body(b"\r\n\r\n") == b""


def test_signature_verifies_and_covers_the_headers() -> None:
    """dkimpy verifies it; changing a signed header or the body breaks it."""
    message = (
        b"From: Alice <alice@example.test>\r\nTo: bob@remote.test,\r\n carol@remote.test\r\n"
        b"Subject:  Hello   there \r\nX-Other: not signed\r\n\r\nHi  Bob \r\n\r\n"
    )
    signed = SIGNER.sign(message)
    assert signed.startswith(b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;")
    assert b"h=from:to:subject;" in signed
    assert dkim.verify(signed, dnsfunc=dns)
    assert dkim.verify(signed.replace(b"X-Other: not", b"X-Other:  NOT"), dnsfunc=dns)
    assert not dkim.verify(signed.replace(b"Hello", b"Hullo"), dnsfunc=dns)
    assert not dkim.verify(signed.replace(b"Hi  Bob", b"Hi Rob"), dnsfunc=dns)


def test_unterminated_last_line_is_signed_as_sent() -> None:
    """A body whose last line has no CRLF (and trailing white space) is signed and returned
    with the CRLF that SMTP transport adds, so every verifier sees the same bytes."""
    signed = SIGNER.sign(b"From: a@example.test\r\nSubject: s\r\n\r\nlast line ")
    assert signed.endswith(b"\r\nlast line \r\n")
    assert dkim.verify(signed, dnsfunc=dns)


@settings(max_examples=60, deadline=None)
@given(
    subject=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=200),
    body=st.lists(st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=90)),
)
def test_any_message_verifies(subject: str, body: list[str]) -> None:
    """Any ASCII subject and body lines sign to a signature dkimpy accepts."""
    message = (f"From: a@example.test\r\nSubject: {subject}\r\n\r\n" + "\r\n".join(body)).encode()
    assert dkim.verify(SIGNER.sign(message), dnsfunc=dns)


@pytest.mark.parametrize(
    ("header", "domain"),
    [
        (b"From: Alice <Alice@Example.TEST>\r\n", "example.test"),
        (b"From: =?utf-8?q?Z=C3=B6e?=\r\n <zoe@example.test>\r\n", "example.test"),
        (b"Subject: no from\r\n", None),
        (b"From: not an address\r\n", None),
    ],
)
def test_from_domain(header: bytes, domain: str | None) -> None:
    """The signing domain is the From address's, normalised."""
    assert from_domain(header + b"\r\nbody") == domain
