"""The forced change end to end on the running platform: IMAP and SMTP submission refuse a
password that must be changed, naming the account portal; the portal (over real HTTP) leads
straight to the change form; afterwards imaplib and smtplib log in with the new password."""

from __future__ import annotations

import imaplib
import re
import smtplib
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mailwright.config import Settings
from mailwright.model.actors import Actor
from mailwright.services.mailboxes import MailboxChanges
from mailwright.testing import certificates
from mailwright.testing.live import LivePlatform
from tests.integration.self_service.conftest import ALICE, ALICE_HOME, NEW, TEMPORARY
from tests.integration.web.conftest import csrf_from
from tests.mailreading import imap_inbox, with_subject
from tests.values import STRONG

HOST = "127.0.0.1"


@pytest.fixture(scope="module")
def authority() -> certificates.TestAuthority:
    """A test CA for this module's platforms."""
    return certificates.TestAuthority()


@pytest.fixture
def settings(settings: Settings, authority: certificates.TestAuthority) -> Settings:
    """The test settings with a server certificate the clients can verify."""
    authority.issue_server(
        settings.resolve(settings.tls.certificate), settings.resolve(settings.tls.private_key)
    )
    return settings


@pytest.fixture
def tls(tmp_path: Path, authority: certificates.TestAuthority) -> ssl.SSLContext:
    """Client TLS that verifies the platform's certificate, host name included."""
    return ssl.create_default_context(cafile=str(authority.write_ca(tmp_path / "ca.pem")))


@pytest.fixture
def must_change(live: LivePlatform) -> LivePlatform:
    """alice (recovery address alice@home.test) after an admin reset that requires a change."""
    operator = Actor.operator("tester")
    s = live.services

    async def setup() -> None:
        await s.domains.add(operator, "example.test")
        await s.domains.add(operator, "home.test")
        await s.mailboxes.create(operator, ALICE_HOME, STRONG)
        await s.mailboxes.create(operator, ALICE, STRONG)
        await s.mailboxes.update(operator, ALICE, MailboxChanges(recovery_address=ALICE_HOME))
        await s.passwords.reset_password(
            operator, ALICE, TEMPORARY, must_change=True, reason="ticket 7", notify=True
        )
        await s.web_sessions.settle()

    live.run(setup())
    return live


@pytest.fixture
def browser(must_change: LivePlatform) -> Iterator[httpx.Client]:
    """An HTTP client of the live platform that sends Origin like a browser."""
    base = must_change.platform.url("").rstrip("/")
    with httpx.Client(base_url=base, headers={"Origin": base}, timeout=10) as client:
        yield client


def imap_login(live: LivePlatform, tls: ssl.SSLContext, password: str) -> str:
    """LOGIN on the implicit-TLS IMAP port; the server's tagged answer."""
    client = imaplib.IMAP4_SSL(HOST, live.port("imaps"), ssl_context=tls, timeout=10)
    try:
        status, data = client.login(ALICE, password)
        return f"{status} {data[0].decode()}"
    except imaplib.IMAP4.error as refused:
        return f"NO {refused}"
    finally:
        client.logout()


def smtp_login(live: LivePlatform, tls: ssl.SSLContext, password: str) -> tuple[int, bytes]:
    """STARTTLS and AUTH on the submission port; the server's reply."""
    with smtplib.SMTP(HOST, live.port("submission"), timeout=10) as client:
        client.starttls(context=tls)
        try:
            return client.login(ALICE, password)
        except smtplib.SMTPAuthenticationError as refused:
            return refused.smtp_code, refused.smtp_error


def change_in_portal(browser: httpx.Client) -> None:
    """Sign in with the temporary password, land on the change form, change the password."""
    page = browser.get("/account/sign-in")
    signed = browser.post(
        "/account/sign-in",
        data={"csrf_token": csrf_from(page.text), "address": ALICE, "password": TEMPORARY},
    )
    assert (signed.status_code, signed.headers["location"]) == (303, "/account/password")
    form = browser.get("/account/password")
    assert "Change your password" in form.text
    assert browser.get("/account/").headers["location"] == "/account/password"
    changed = browser.post(
        "/account/password",
        data={
            "csrf_token": csrf_from(form.text),
            "current": TEMPORARY,
            "password": NEW,
            "confirm": NEW,
        },
    )
    assert changed.headers["location"] == "/account/?notice=password-changed"
    assert browser.get("/account/").status_code == 200


def test_must_change_is_refused_by_imap_and_smtp_with_the_portal_url(
    must_change: LivePlatform, tls: ssl.SSLContext, settings: Settings
) -> None:
    """IMAP answers NO [EXPIRED] and SMTP submission 535 5.7.8, both naming
    public_url + /account/."""
    portal = f"{settings.public_url}/account/"
    imap = imap_login(must_change, tls, TEMPORARY)
    assert re.search(r"\[EXPIRED\].*" + re.escape(portal), imap), imap
    code, reply = smtp_login(must_change, tls, TEMPORARY)
    assert code == 535
    assert reply.startswith(b"5.7.8") and portal.encode() in reply


def test_after_the_portal_change_every_protocol_accepts_the_new_password(
    must_change: LivePlatform, tls: ssl.SSLContext, browser: httpx.Client
) -> None:
    """After the change in the portal, IMAP LOGIN and SMTP AUTH accept the new password and
    refuse the temporary one; the recovery address heard of the reset and of the change."""
    change_in_portal(browser)

    assert imap_login(must_change, tls, NEW).startswith("OK")
    assert smtp_login(must_change, tls, NEW)[0] == 235
    assert "AUTHENTICATIONFAILED" in imap_login(must_change, tls, TEMPORARY)
    assert smtp_login(must_change, tls, TEMPORARY)[0] == 535
    with smtplib.SMTP_SSL(HOST, must_change.port("submissions"), context=tls, timeout=10) as c:
        c.login(ALICE, NEW)
        message = f"From: {ALICE}\r\nTo: {ALICE_HOME}\r\nSubject: It works\r\n\r\nHello\r\n"
        refused = c.sendmail(ALICE, [ALICE_HOME], message.encode())
        assert refused == {}
    messages = imap_inbox(HOST, must_change.port("imaps"), tls, ALICE_HOME, STRONG)
    assert len(with_subject(messages, f"Password reset for {ALICE}")) == 1
    assert len(with_subject(messages, f"Password changed for {ALICE}")) == 1
    assert len(with_subject(messages, "It works")) == 1
