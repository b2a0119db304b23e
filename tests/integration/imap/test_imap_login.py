"""Getting in: TLS on both ports, LOGINDISABLED before STARTTLS, LOGIN and AUTHENTICATE PLAIN,
the RFC 5530 refusals, pre-login limits and timeouts, and BYE after a password reset."""

from __future__ import annotations

import base64
import imaplib
import socket
import time

import pytest

from mailwright.model.actors import Actor
from tests.integration.imap.conftest import ALICE, HOST, Imap, raw, read_until
from tests.values import STRONG

NEW = "Copper-Lantern-Mosaic-58"


def test_starttls_port_disables_login_before_tls(imap: Imap) -> None:
    """Before STARTTLS the server offers LOGINDISABLED and refuses a password."""
    client = imap.plain()
    assert "LOGINDISABLED" in client.capabilities
    assert "STARTTLS" in client.capabilities
    assert "AUTH=PLAIN" not in client.capabilities
    answer = raw(client, "a1", f"LOGIN {ALICE} {STRONG}")[-1]
    assert answer.startswith(b"a1 NO [PRIVACYREQUIRED]")
    client.logout()


def test_starttls_then_login(imap: Imap) -> None:
    """STARTTLS verified against the test CA, then LOGIN works and AUTH=PLAIN appears."""
    client = imap.plain()
    client.starttls(imap.context())
    typ, data = client.capability()
    assert typ == "OK"
    assert b"AUTH=PLAIN" in data[0] and b"LOGINDISABLED" not in data[0]
    typ, data = client.login(ALICE, STRONG)
    assert typ == "OK" and b"[CAPABILITY IMAP4rev1" in data[0]
    assert client.logout()[0] == "BYE"


def test_starttls_twice_is_refused(imap: Imap) -> None:
    """A second STARTTLS is a protocol error."""
    client = imap.connect()
    assert raw(client, "a1", "STARTTLS")[-1] == b"a1 BAD TLS is active already\r\n"
    client.logout()


def test_plaintext_pipelined_after_starttls_is_dropped(imap: Imap) -> None:
    """A command sent in plaintext right behind STARTTLS is never executed under TLS."""
    sock = socket.create_connection((HOST, imap.live.port("imap")), timeout=10)
    sock.recv(4096)
    sock.sendall(b"a STARTTLS\r\nb LOGIN alice@example.test " + STRONG.encode() + b"\r\n")
    assert sock.recv(4096).startswith(b"a OK")
    tls = imap.context().wrap_socket(sock, server_hostname="localhost")
    tls.sendall(b"c NOOP\r\n")
    assert tls.recv(4096) == b"c OK NOOP completed\r\n"
    tls.close()


def test_login_wrong_password_is_authenticationfailed(imap: Imap) -> None:
    """A wrong password is answered NO [AUTHENTICATIONFAILED]."""
    client = imap.connect()
    with pytest.raises(imaplib.IMAP4.error, match=r"\[AUTHENTICATIONFAILED\]"):
        client.login(ALICE, "wrong password!")
    client.logout()


def test_login_must_change_is_expired_with_portal(imap: Imap) -> None:
    """A password that must be changed is refused NO [EXPIRED] naming the account portal."""
    operator = Actor.operator("tester")
    imap.live.run(
        imap.live.services.passwords.reset_password(
            operator, ALICE, NEW, must_change=True, reason="test", notify=False
        )
    )
    client = imap.connect()
    with pytest.raises(imaplib.IMAP4.error, match=r"\[EXPIRED\].*/account/"):
        client.login(ALICE, NEW)
    client.logout()


def test_login_disabled_mailbox_is_refused(imap: Imap) -> None:
    """A disabled mailbox is refused with AUTHENTICATIONFAILED and a clear text."""
    imap.live.run(imap.live.services.mailboxes.set_disabled(Actor.operator("t"), ALICE, True))
    client = imap.connect()
    with pytest.raises(imaplib.IMAP4.error, match=r"\[AUTHENTICATIONFAILED\].*disabled"):
        client.login(ALICE, STRONG)
    client.logout()


def test_login_throttled_is_unavailable(imap: Imap) -> None:
    """After too many failures even the right password gets NO [UNAVAILABLE]."""
    client = imap.connect()
    for _ in range(6):
        with pytest.raises(imaplib.IMAP4.error):
            client.login(ALICE, "wrong password!")
    with pytest.raises(imaplib.IMAP4.error, match=r"\[UNAVAILABLE\]"):
        client.login(ALICE, STRONG)
    client.logout()


def test_authenticate_plain_with_initial_response(imap: Imap) -> None:
    """AUTHENTICATE PLAIN with SASL-IR logs in in one round trip."""
    client = imap.connect()
    token = base64.b64encode(f"\0{ALICE}\0{STRONG}".encode()).decode()
    lines = raw(client, "a1", f"AUTHENTICATE PLAIN {token}")
    assert lines[-1].startswith(b"a1 OK [CAPABILITY")
    client.logout()


def test_authenticate_plain_after_continuation(imap: Imap) -> None:
    """AUTHENTICATE PLAIN without initial response asks with '+' and takes the next line."""
    client = imap.connect()
    typ, _ = client.authenticate("PLAIN", lambda _: f"\0{ALICE}\0{STRONG}".encode())
    assert typ == "OK"
    assert client.select("INBOX")[0] == "OK"
    client.logout()


def test_authenticate_cancel_and_foreign_authzid(imap: Imap) -> None:
    """'*' cancels AUTHENTICATE with BAD; acting as another mailbox is refused."""
    client = imap.connect()
    client.send(b"a1 AUTHENTICATE PLAIN\r\n")
    assert client.readline() == b"+ \r\n"
    client.send(b"*\r\n")
    assert client.readline().startswith(b"a1 BAD")
    token = base64.b64encode(f"bob@example.test\0{ALICE}\0{STRONG}".encode()).decode()
    assert raw(client, "a2", f"AUTHENTICATE PLAIN {token}")[-1].startswith(
        b"a2 NO [AUTHORIZATIONFAILED]"
    )
    client.logout()


def test_commands_need_login(imap: Imap) -> None:
    """Before login, commands of later states are BAD and change nothing."""
    client = imap.connect()
    assert raw(client, "a1", "SELECT INBOX")[-1].startswith(b"a1 BAD SELECT needs a login")
    assert raw(client, "a2", "ID NIL")[-1].startswith(b"a2 OK")
    client.logout()


def test_preauth_line_and_literal_limits(imap: Imap) -> None:
    """Before login a long line is BAD and a large literal is refused without buffering it."""
    client = imap.connect()
    client.send(b"a1 LOGIN " + b"x" * 20000 + b" y\r\n")
    assert read_until(client, lambda line: line.startswith(b"a1 "))[-1].startswith(b"a1 BAD")
    client.send(b"a2 LOGIN {100000}\r\n")
    assert client.readline().startswith(b"a2 BAD [TOOBIG]")
    assert raw(client, "a3", "NOOP")[-1] == b"a3 OK NOOP completed\r\n"
    client.logout()


def test_login_raises_limits(imap: Imap) -> None:
    """After login a literal far above the pre-login limit is accepted (APPEND)."""
    client = imap.login()
    body = b"Subject: big\r\n\r\n" + b"x" * 100_000 + b"\r\n"
    typ, data = client.append("INBOX", None, None, body)
    assert typ == "OK" and b"APPENDUID" in data[0]
    client.logout()


def test_login_timeout_ends_silent_connection(imap: Imap) -> None:
    """A client that says nothing before login is sent BYE once the login timeout passes."""
    imap.configure(login_timeout=0.3)
    client = imap.connect()
    started = time.monotonic()
    assert client.readline().startswith(b"* BYE Autologout")
    assert time.monotonic() - started < 5
    client.shutdown()


def test_connection_limit(imap: Imap) -> None:
    """Beyond the connection limit a new client is greeted with BYE [UNAVAILABLE]."""
    imap.configure(max_connections=2)
    first, second = imap.connect(), imap.connect()
    sock = socket.create_connection((HOST, imap.live.port("imaps")), timeout=10)
    tls = imap.context().wrap_socket(sock, server_hostname="localhost")
    assert tls.recv(4096).startswith(b"* BYE [UNAVAILABLE]")
    tls.close()
    first.logout()
    second.logout()


def test_password_reset_ends_sessions_within_a_second(imap: Imap) -> None:
    """When an admin resets the password, open sessions of that mailbox get BYE at once,
    others stay, and the old password stops working."""
    alice, bob = imap.login(), imap.login("bob@example.test")
    alice.select("INBOX")
    started = time.monotonic()
    imap.live.run(
        imap.live.services.passwords.reset_password(
            Actor.operator("tester"), ALICE, NEW, must_change=False, reason="test", notify=False
        )
    )
    line = alice.readline()
    assert line.startswith(b"* BYE") and b"password was reset" in line
    assert time.monotonic() - started < 1.0
    assert alice.readline() == b""
    alice.shutdown()
    assert bob.noop()[0] == "OK"
    again = imap.connect()
    with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
        again.login(ALICE, STRONG)
    again.logout()
    assert imap.login(ALICE, NEW).logout()[0] == "BYE"
    bob.logout()
