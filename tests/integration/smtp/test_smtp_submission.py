"""The submission listeners (STARTTLS on one port, implicit TLS on another) driven by smtplib."""

from __future__ import annotations

import contextlib
import smtplib
import socket

import pytest

from mailwright.model.actors import Actor
from mailwright.model.outbound import RecipientStatus
from mailwright.testing.live import LivePlatform
from tests.integration.smtp.conftest import client_tls, inbox
from tests.values import STRONG

FROM_ALICE = (
    b"From: Alice <alice@example.test>\r\nTo: bob@example.test\r\nSubject: Hi\r\n\r\nHi Bob\r\n"
)


def submission(mail: LivePlatform, *, tls: bool = True, login: bool = True) -> smtplib.SMTP:
    client = smtplib.SMTP("127.0.0.1", mail.port("submission"), timeout=10)
    client.ehlo("laptop.example.test")
    if tls:
        client.starttls(context=client_tls())
        client.ehlo("laptop.example.test")
    if login:
        client.login("alice@example.test", STRONG)
    return client


def test_starttls_auth_and_send_local_and_remote(mail: LivePlatform) -> None:
    """After STARTTLS and AUTH, local recipients get the message and remote ones are queued."""
    with submission(mail) as client:
        refused = client.sendmail(
            "alice@example.test", ["bob@example.test", "carol@remote.test"], FROM_ALICE
        )
    assert refused == {}
    (stored,) = inbox(mail, "bob@example.test")
    assert b"with ESMTPSA id" in stored
    assert b"\r\nDate: " in stored and b"\r\nMessage-ID: <" in stored

    async def queue() -> list[str]:
        # Waiting: queued, or deferred once the worker's MX lookup (no DNS in tests) failed.
        waiting = [RecipientStatus.QUEUED, RecipientStatus.DEFERRED]
        async with mail.services.database.snapshot() as tx:
            messages = await tx.outbound.list_messages(waiting)
        return [r.recipient for m in messages for r in m.recipients]

    assert mail.run(queue()) == ["carol@remote.test"]


def test_auth_only_after_tls(mail: LivePlatform) -> None:
    """Without TLS, AUTH is neither offered nor accepted, and MAIL needs TLS first."""
    with submission(mail, tls=False, login=False) as client:
        assert not client.has_extn("auth")
        assert client.has_extn("starttls")
        assert client.docmd("AUTH PLAIN AGEAYg==") == (
            530,
            b"5.7.0 Must issue a STARTTLS command first",
        )
        assert client.docmd("MAIL FROM:<alice@example.test>")[0] == 530


def test_mail_requires_auth(mail: LivePlatform) -> None:
    """After TLS but before AUTH, MAIL gets 530 5.7.0."""
    with submission(mail, login=False) as client:
        assert client.has_extn("auth")
        assert client.docmd("MAIL FROM:<alice@example.test>") == (
            530,
            b"5.7.0 Authentication required",
        )


def test_wrong_password(mail: LivePlatform) -> None:
    """A wrong password gets 535 5.7.8."""
    with (
        submission(mail, login=False) as client,
        pytest.raises(smtplib.SMTPAuthenticationError) as error,
    ):
        client.login("alice@example.test", "not-the-password")
    assert error.value.smtp_code == 535
    assert error.value.smtp_error == b"5.7.8 Authentication credentials invalid"


def test_must_change_points_to_the_portal(mail: LivePlatform) -> None:
    """A mailbox that must change its password is refused with the account portal's address."""
    mail.run(
        mail.services.passwords.reset_password(
            Actor.operator("t"),
            "alice@example.test",
            "Temporary-Passphrase-2931",
            must_change=True,
            reason="",
            notify=False,
        )
    )
    with (
        submission(mail, login=False) as client,
        pytest.raises(smtplib.SMTPAuthenticationError) as error,
    ):
        client.login("alice@example.test", "Temporary-Passphrase-2931")
    assert error.value.smtp_code == 535
    assert error.value.smtp_error.startswith(b"5.7.8 Password change required")
    assert b"/account/" in error.value.smtp_error


def test_forged_envelope_sender_and_from_header(mail: LivePlatform) -> None:
    """Another address in MAIL FROM or in From: gets 553 5.7.1; an own alias is fine."""
    with submission(mail) as client:
        assert client.docmd("MAIL FROM:<bob@example.test>") == (
            553,
            b"5.7.1 Sender address not owned by the authenticated mailbox",
        )
        with pytest.raises(smtplib.SMTPDataError) as error:
            client.sendmail(
                "alice@example.test",
                ["bob@example.test"],
                FROM_ALICE.replace(b"alice@example.test", b"ceo@example.test"),
            )
        assert error.value.smtp_code == 553
        alias_mail = FROM_ALICE.replace(b"alice@example.test", b"ali@example.test")
        assert client.sendmail("ali@example.test", ["bob@example.test"], alias_mail) == {}


def test_implicit_tls_port_and_login_mechanism(mail: LivePlatform) -> None:
    """Port 465-style implicit TLS works, with AUTH LOGIN."""
    with smtplib.SMTP_SSL(
        "127.0.0.1", mail.port("submissions"), context=client_tls(), timeout=10
    ) as client:
        client.ehlo("laptop.example.test")
        assert "LOGIN" in client.esmtp_features["auth"]
        client.user, client.password = "alice@example.test", STRONG
        assert client.auth("LOGIN", client.auth_login)[0] == 235
        assert client.sendmail("alice@example.test", ["bob@example.test"], FROM_ALICE) == {}
    assert len(inbox(mail, "bob@example.test")) == 1


def test_failed_logins_are_throttled_and_disconnect(mail: LivePlatform) -> None:
    """Three failures end the connection; further failures lock the address (454 4.7.0)."""
    for _ in range(2):
        with submission(mail, login=False) as client:
            for _ in range(3):
                with contextlib.suppress(
                    smtplib.SMTPAuthenticationError, smtplib.SMTPServerDisconnected
                ):
                    client.login("bob@example.test", "wrong")
    with (
        submission(mail, login=False) as client,
        pytest.raises(smtplib.SMTPAuthenticationError) as error,
    ):
        client.login("bob@example.test", STRONG)
    assert error.value.smtp_code == 454
    assert error.value.smtp_error.startswith(b"4.7.0 Too many failed logins")


def test_starttls_discards_pipelined_plaintext(mail: LivePlatform) -> None:
    """Commands pipelined after STARTTLS in plaintext are dropped (CVE-2011-0411)."""
    import ssl

    raw = socket.create_connection(("127.0.0.1", mail.port("submission")), timeout=10)
    raw.recv(1000)
    raw.sendall(b"EHLO x\r\n")
    while not raw.recv(4000).endswith(b"250 HELP\r\n"):
        pass
    raw.sendall(b"STARTTLS\r\nNOOP injected\r\n")
    assert raw.recv(1000).startswith(b"220 2.0.0")
    tls = client_tls().wrap_socket(raw, server_hostname="localhost")
    tls.sendall(b"NOOP\r\n")
    assert tls.recv(1000) == b"250 2.0.0 OK\r\n"
    tls.close()
    assert isinstance(tls, ssl.SSLSocket)
