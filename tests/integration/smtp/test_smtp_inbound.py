"""The inbound (MX) listener driven by smtplib."""

from __future__ import annotations

import smtplib
import socket

import pytest

from mailwright.testing.live import LivePlatform
from tests.integration.smtp.conftest import inbox

MESSAGE = (
    b"From: sender@remote.test\r\nTo: alice@example.test\r\nSubject: Hello\r\n\r\nHi Alice\r\n"
)


def smtp(mail: LivePlatform) -> smtplib.SMTP:
    client = smtplib.SMTP("127.0.0.1", mail.port("smtp"), timeout=10)
    client.ehlo("client.remote.test")
    return client


def test_delivers_to_mailbox_with_received_header(mail: LivePlatform) -> None:
    """A message for a hosted mailbox is stored with a Received header, after a 250."""
    with smtp(mail) as client:
        code, text = client.docmd("MAIL FROM:<sender@remote.test>")
        assert (code, text) == (250, b"2.1.0 Sender OK")
        assert client.docmd("RCPT TO:<Alice@Example.TEST>")[0] == 250
        client.docmd("DATA")
        client.send(MESSAGE + b".\r\n")
        code, text = client.getreply()
        assert code == 250 and text.startswith(b"2.0.0 Ok: queued as ")
    (stored,) = inbox(mail, "alice@example.test")
    assert stored.endswith(MESSAGE)
    assert stored.startswith(b"Received: from client.remote.test ([127.0.0.1])")
    assert b"with ESMTP id" in stored and b"for <alice@example.test>" in stored


def test_alias_reaches_every_destination(mail: LivePlatform) -> None:
    """Mail to an alias lands in each destination mailbox."""
    with smtp(mail) as client:
        assert client.sendmail("sender@remote.test", ["sales@example.test"], MESSAGE) == {}
    assert len(inbox(mail, "alice@example.test")) == 1
    assert len(inbox(mail, "bob@example.test")) == 1


@pytest.mark.parametrize(
    ("recipient", "code", "enhanced"),
    [
        ("nobody@example.test", 550, b"5.1.1"),
        ("someone@elsewhere.test", 554, b"5.7.1"),
        ("off@example.test", 550, b"5.2.1"),
    ],
)
def test_refused_recipients(mail: LivePlatform, recipient: str, code: int, enhanced: bytes) -> None:
    """Unknown users, relay attempts and disabled mailboxes are refused at RCPT."""
    with smtp(mail) as client:
        client.docmd("MAIL FROM:<sender@remote.test>")
        reply = client.docmd(f"RCPT TO:<{recipient}>")
        assert reply[0] == code and reply[1].startswith(enhanced)


def test_size_limits(mail: LivePlatform) -> None:
    """SIZE is advertised; a too-large declared or actual message gets 552 5.3.4."""
    with smtp(mail) as client:
        limit = int(client.esmtp_features["size"])
        assert client.docmd(f"MAIL FROM:<s@remote.test> SIZE={limit + 1}") == (
            552,
            b"5.3.4 Message size exceeds fixed maximum message size",
        )
        client.docmd("MAIL FROM:<s@remote.test>")
        client.docmd("RCPT TO:<alice@example.test>")
        client.docmd("DATA")
        line = b"x" * 900 + b"\r\n"
        client.send(MESSAGE + line * (limit // len(line) + 2) + b".\r\n")
        assert client.getreply()[0] == 552
        assert client.noop()[0] == 250
    assert inbox(mail, "alice@example.test") == []


def test_quota_refusal(mail: LivePlatform) -> None:
    """A message that does not fit the quota gets 552 5.2.2, at RCPT when SIZE declares it,
    else after DATA, and is not stored."""
    big = MESSAGE + b"y" * 400 + b"\r\n"
    with smtp(mail) as client:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            client.sendmail("s@remote.test", ["tiny@example.test"], big)
        assert refused.value.recipients["tiny@example.test"][0] == 552
        client.docmd("MAIL FROM:<s@remote.test>")
        client.docmd("RCPT TO:<tiny@example.test>")
        client.docmd("DATA")
        client.send(big + b".\r\n")
        code, text = client.getreply()
        assert code == 552 and text.startswith(b"5.2.2")
    assert inbox(mail, "tiny@example.test") == []


def test_malformed_and_out_of_order_commands(mail: LivePlatform) -> None:
    """Bad commands get 500/501/503 with enhanced codes and the session goes on."""
    with smtp(mail) as client:
        assert client.docmd("BOGUS")[0] == 500
        assert client.docmd("MAIL", "TO:<x@y.test>")[0] == 501
        assert client.docmd("RCPT TO:<alice@example.test>") == (
            503,
            b"5.5.1 Bad sequence of commands",
        )
        assert client.docmd("DATA")[0] == 503
        assert client.docmd("AUTH PLAIN AGEAYg==")[0] == 502
        assert client.docmd("VRFY alice")[0] == 252
        assert client.noop() == (250, b"2.0.0 OK")


def test_bad_header_is_refused(mail: LivePlatform) -> None:
    """A message without From, or with a garbage header line, gets 550 5.6.0."""
    with smtp(mail) as client:
        with pytest.raises(smtplib.SMTPDataError) as error:
            client.sendmail("s@remote.test", ["alice@example.test"], b"Subject: x\r\n\r\nbody\r\n")
        assert error.value.smtp_code == 550 and b"no From" in error.value.smtp_error


def test_pipelined_transaction(mail: LivePlatform) -> None:
    """A whole pipelined transaction in one write gets every reply in order."""
    with socket.create_connection(("127.0.0.1", mail.port("smtp")), timeout=10) as sock:
        reader = sock.makefile("rb")
        reader.readline()
        sock.sendall(
            b"EHLO c.test\r\nMAIL FROM:<s@remote.test>\r\nRCPT TO:<alice@example.test>\r\n"
            b"RCPT TO:<nobody@example.test>\r\nDATA\r\n"
        )
        lines = []
        while not (lines and lines[-1].startswith(b"354")):
            lines.append(reader.readline())
        sock.sendall(MESSAGE + b".\r\nQUIT\r\n")
        lines += [reader.readline(), reader.readline()]
    codes = [line[:4] for line in lines if line[3:4] == b" "]
    assert codes == [b"250 ", b"250 ", b"250 ", b"550 ", b"354 ", b"250 ", b"221 "]


def test_cut_off_data_leaves_no_trace(mail: LivePlatform) -> None:
    """A client that disconnects mid-DATA leaves nothing stored."""
    with socket.create_connection(("127.0.0.1", mail.port("smtp")), timeout=10) as sock:
        reader = sock.makefile("rb")
        reader.readline()
        sock.sendall(
            b"HELO c.test\r\nMAIL FROM:<s@remote.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n"
        )
        for _ in range(4):
            reader.readline()
        sock.sendall(MESSAGE + b"and then the line drops")
    with smtp(mail) as client:
        client.noop()
    assert inbox(mail, "alice@example.test") == []


def test_smuggling_attempt_is_refused(mail: LivePlatform) -> None:
    """A bare-LF end marker does not end the message; the whole message is refused."""
    with smtp(mail) as client:
        client.docmd("MAIL FROM:<s@remote.test>")
        client.docmd("RCPT TO:<alice@example.test>")
        client.docmd("DATA")
        client.send(MESSAGE + b"\n.\nMAIL FROM:<ceo@example.test>\r\n.\r\n")
        code, text = client.getreply()
    assert code == 550 and b"Bare CR or LF" in text
    assert inbox(mail, "alice@example.test") == []
