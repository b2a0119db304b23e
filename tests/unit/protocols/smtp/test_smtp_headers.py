"""Header section checks, the Received field, SASL payloads."""

from __future__ import annotations

import base64

import pytest

from mailwright.protocols.smtp import sasl
from mailwright.protocols.smtp.headers import has_field, header_problem, received_field
from mailwright.protocols.smtp.replies import Reply


def test_header_problems() -> None:
    """Valid headers pass; garbage lines, leading continuations and a missing From do not."""
    assert header_problem(b"From: a@x\r\nSubject: hi\r\n\tthere\r\n\r\nbody\r\n") is None
    assert "not a valid header field" in (header_problem(b"From: a\r\nnot a header\r\n\r\n") or "")
    assert "continuation" in (header_problem(b" folded\r\nFrom: a\r\n\r\n") or "")
    assert "no From" in (header_problem(b"Subject: x\r\n\r\nbody\r\n") or "")
    assert has_field(b"Date: now\r\nFrom: a\r\n\r\n", "DATE")


def test_received_field_names_protocol_and_recipient() -> None:
    """The Received field carries the RFC 3848 keyword, id and recipient, and no CRLF injection."""
    field = received_field(
        helo="evil\r\nX-Injected: 1",
        peer="192.0.2.1",
        hostname="mail.example.test",
        protocol="ESMTPSA",
        queue_id="abc",
        recipient="a@example.test",
        when="now",
    )
    assert field.startswith(b"Received: from evil??X-Injected:")
    assert b"with ESMTPSA id abc" in field and b"for <a@example.test>; now\r\n" in field


def test_reply_rendering() -> None:
    """Multi-line replies use '-' on all but the last line, each with the enhanced code."""
    assert Reply(250, "2.0.0", "one\ntwo").render() == b"250-2.0.0 one\r\n250 2.0.0 two\r\n"


def test_sasl_plain() -> None:
    """PLAIN gives (login, password); a different authorization identity is refused."""
    token = base64.b64encode(b"\0alice@example.test\0pw").decode()
    assert sasl.parse_plain(token) == ("alice@example.test", "pw")
    with pytest.raises(sasl.SaslError):
        sasl.parse_plain(base64.b64encode(b"bob\0alice\0pw").decode())
    with pytest.raises(sasl.SaslError):
        sasl.parse_plain("not base64!")
