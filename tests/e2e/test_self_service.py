"""Self-service in a real browser: the forced change after an admin reset, a forgotten
password recovered through a link read over IMAP from the (hosted) recovery mailbox, link
reuse and expiry, a recovery-address change that needs the password again, and a domain admin
recovering their admin sign-in.

The platform runs on this test's event loop with a fake clock; blocking IMAP and SMTP clients
run in worker threads so the listeners keep answering.
"""

from __future__ import annotations

import asyncio
import imaplib
import smtplib
import socket
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from mailwright.bootstrap import prepare_data_dir
from mailwright.config import Settings
from mailwright.model.actors import Actor
from mailwright.model.admins import Role
from mailwright.platform import Platform, running_platform
from mailwright.services.mailboxes import MailboxChanges
from mailwright.testing import certificates
from mailwright.testing.clock import FakeClock
from tests.conftest import make_settings
from tests.e2e.conftest import TIMEOUT_MS
from tests.mailreading import imap_inbox, link_in, with_subject
from tests.values import STRONG

pytestmark = pytest.mark.browser

HOST = "127.0.0.1"
ADMIN = "admin@example.test"
ALICE = "alice@example.test"
ALICE_HOME = "alice@home.test"
ALICE_WORK = "alice.work@home.test"
DOM = "dom@example.test"
DOM_HOME = "dom@home.test"
TEMPORARY = "Temporary-Passphrase-2931"
NEW = "Copper-Lantern-Mosaic-58"
OPERATOR = Actor.operator("e2e")


@dataclass(frozen=True)
class Portal:
    """The running platform, its fake clock, and TLS that trusts its certificate."""

    platform: Platform
    base_url: str
    clock: FakeClock
    tls: ssl.SSLContext

    def url(self, path: str) -> str:
        """An absolute URL on the platform."""
        return self.base_url + path

    async def mails(self, address: str, subject: str, password: str = STRONG) -> list[EmailMessage]:
        """The mails with ``subject`` in a mailbox, read over IMAPS once every pending link
        mail is sent."""
        await self.platform.services.recovery.settle()
        port = self.platform.listeners["imaps"][1]
        found = await asyncio.to_thread(imap_inbox, HOST, port, self.tls, address, password)
        return with_subject(found, subject)

    async def imap_login(self, address: str, password: str) -> str:
        """The IMAP server's answer to LOGIN on the implicit-TLS port."""
        return await asyncio.to_thread(self._imap_login, address, password)

    def _imap_login(self, address: str, password: str) -> str:
        port = self.platform.listeners["imaps"][1]
        client = imaplib.IMAP4_SSL(HOST, port, ssl_context=self.tls, timeout=10)
        try:
            return "OK " + client.login(address, password)[1][0].decode()
        except imaplib.IMAP4.error as refused:
            return f"NO {refused}"
        finally:
            client.logout()

    async def smtp_login(self, address: str, password: str) -> int:
        """The SMTP reply code to AUTH on the submission port after STARTTLS."""
        return await asyncio.to_thread(self._smtp_login, address, password)

    def _smtp_login(self, address: str, password: str) -> int:
        with smtplib.SMTP(HOST, self.platform.listeners["submission"][1], timeout=10) as client:
            client.starttls(context=self.tls)
            try:
                return client.login(address, password)[0]
            except smtplib.SMTPAuthenticationError as refused:
                return refused.smtp_code


@pytest.fixture
def portal_settings(tmp_path: Path) -> Settings:
    """SQLite settings whose HTTP port is fixed before start, so that ``public_url`` (the base
    of mailed links) is the address the browser reaches."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port = int(probe.getsockname()[1])
    settings = make_settings(
        tmp_path / "data",
        f"sqlite+aiosqlite:///{tmp_path / 'mailwright.db'}",
        http={"port": port, "public_url": f"http://{HOST}:{port}"},
    )
    prepare_data_dir(settings, hostname="mail.example.test")
    return settings


@pytest.fixture
async def portal(portal_settings: Settings, tmp_path: Path) -> AsyncIterator[Portal]:
    """Every listener over a fake clock; example.test with a global admin, alice and a domain
    admin, whose recovery addresses are mailboxes of home.test."""
    authority = certificates.TestAuthority()
    authority.issue_server(
        portal_settings.resolve(portal_settings.tls.certificate),
        portal_settings.resolve(portal_settings.tls.private_key),
    )
    tls = ssl.create_default_context(cafile=str(authority.write_ca(tmp_path / "ca.pem")))
    clock = FakeClock()
    async with running_platform(portal_settings, clock=clock) as platform:
        s = platform.services
        await s.domains.add(OPERATOR, "example.test")
        await s.domains.add(OPERATOR, "home.test")
        for address in (ADMIN, ALICE_HOME, ALICE_WORK, DOM_HOME):
            await s.mailboxes.create(OPERATOR, address, STRONG)
        await s.admins.add(OPERATOR, ADMIN, Role.GLOBAL_ADMIN, [])
        for address, home, name in ((ALICE, ALICE_HOME, "Alice Liddell"), (DOM, DOM_HOME, "")):
            await s.mailboxes.create(OPERATOR, address, STRONG, display_name=name)
            await s.mailboxes.update(OPERATOR, address, MailboxChanges(recovery_address=home))
        await s.admins.add(OPERATOR, DOM, Role.DOMAIN_ADMIN, ["example.test"])
        host, port = platform.listeners["http"]
        yield Portal(platform, f"http://{host}:{port}", clock, tls)


async def new_page(browser: Browser) -> Page:
    """A tab in a fresh browser profile (its own cookies)."""
    context = await browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    return await context.new_page()


async def sign_in(page: Page, portal: Portal, address: str, password: str, area: str) -> None:
    """Open ``/<area>/`` signed out and submit its sign-in form."""
    await page.goto(portal.url(f"/{area}/"))
    await page.get_by_label("Email address", exact=True).fill(address)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_role("button", name="Sign in").click()


async def choose_password(page: Page, password: str) -> None:
    """Type a new password twice, waiting for the live policy check to pass."""
    await page.get_by_label("New password", exact=True).fill(password)
    await page.get_by_label("Confirm password", exact=True).fill(password)
    await expect(page.locator("#password-reasons")).to_have_text("The password meets the policy.")
    await expect(page.locator("#confirm-message")).to_have_text("The passwords match.")


async def request_reset_link(page: Page, portal: Portal, address: str, area: str) -> str:
    """From a sign-in page follow "Forgot your password?", ask for a link, and return the
    link as read from the recovery mailbox over IMAP."""
    await page.goto(portal.url(f"/{area}/sign-in"))
    await page.get_by_role("link", name="Forgot your password?").click()
    await expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    await page.get_by_label("Email address", exact=True).fill(address)
    await page.get_by_role("button", name="Send reset link").click()
    await expect(page.get_by_role("heading", name="Check your recovery address")).to_be_visible()
    home = {ALICE: ALICE_HOME, DOM: DOM_HOME}[address]
    (mail,) = await portal.mails(home, f"Reset the password of {address}")
    link = link_in(mail, "/recover/password")
    assert link.startswith(portal.url("/recover/password?token="))
    return link


async def test_forced_change_after_an_admin_reset(portal: Portal, browser: Browser) -> None:
    """The admin resets with "Require password change"; IMAP and SMTP refuse the temporary
    password naming the portal; the owner signs in to /account/, lands on the change form
    (nothing else opens), chooses a password, and IMAP and SMTP accept it."""
    admin = await new_page(browser)
    await sign_in(admin, portal, ADMIN, STRONG, "admin")
    await admin.goto(portal.url(f"/admin/mailboxes/{ALICE}"))
    await admin.get_by_role("button", name="Reset password").click()
    dialog = admin.get_by_role("dialog", name=f"Reset the password of {ALICE}")
    await dialog.get_by_label("New password", exact=True).fill(TEMPORARY)
    await dialog.get_by_label("Confirm password", exact=True).fill(TEMPORARY)
    await dialog.get_by_label("Require password change at next sign-in").check()
    await dialog.get_by_role("button", name="Save").click()
    await expect(admin.get_by_text("the expected outcome is that IMAP and SMTP")).to_be_visible()
    portal_url = f"{portal.platform.settings.public_url}/account/"
    refused = await portal.imap_login(ALICE, TEMPORARY)
    assert "[EXPIRED]" in refused and portal_url in refused
    assert await portal.smtp_login(ALICE, TEMPORARY) == 535

    owner = await new_page(browser)
    await sign_in(owner, portal, ALICE, TEMPORARY, "account")
    await expect(owner.get_by_role("heading", name="Change your password")).to_be_visible()
    await expect(owner.get_by_text("Your administrator requires a new password")).to_be_visible()
    await expect(owner.get_by_role("navigation", name="Account")).to_have_count(0)
    await owner.goto(portal.url("/account/sessions"))
    await expect(owner.get_by_role("heading", name="Change your password")).to_be_visible()
    await owner.get_by_label("Current password").fill(TEMPORARY)
    await owner.get_by_label("New password", exact=True).fill("alice2024")
    await expect(owner.locator("#password-reasons")).to_contain_text("shorter than 12")
    await expect(owner.locator("#password-strength-text")).to_contain_text("weak")
    await choose_password(owner, NEW)
    await owner.get_by_role("button", name="Change password").click()

    await expect(owner.get_by_role("heading", name="Your account")).to_be_visible()
    await expect(owner.get_by_text("Your password was changed.")).to_be_visible()
    assert NEW not in await owner.content()
    assert (await portal.imap_login(ALICE, NEW)).startswith("OK")
    assert await portal.smtp_login(ALICE, NEW) == 235
    assert await portal.smtp_login(ALICE, TEMPORARY) == 535


async def test_forgotten_password_through_the_recovery_mailbox(portal: Portal, page: Page) -> None:
    """Request a link, read it over IMAP in the recovery mailbox, follow it, set a password
    (the policy checked as typed); the new password opens IMAP; the link is then refused."""
    link = await request_reset_link(page, portal, ALICE, "account")
    await page.goto(link)
    await expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    await expect(page.get_by_text(ALICE)).to_be_visible()
    await page.get_by_label("New password", exact=True).fill("alice2024")
    await expect(page.locator("#password-reasons")).to_contain_text("shorter than 12")
    await choose_password(page, NEW)
    await page.get_by_role("button", name="Set password").click()
    await expect(page.get_by_role("heading", name="Your new password is set")).to_be_visible()
    assert NEW not in await page.content()
    assert (await portal.imap_login(ALICE, NEW)).startswith("OK")
    assert "AUTHENTICATIONFAILED" in await portal.imap_login(ALICE, STRONG)
    notices = await portal.mails(ALICE, f"Password recovered for {ALICE}", NEW)
    assert len(notices) == 1

    await page.goto(link)
    await expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    await expect(page.get_by_text("This link has been used already.")).to_be_visible()


async def test_expired_link_is_refused(portal: Portal, page: Page) -> None:
    """A link followed 31 minutes after it was sent is refused, and a new one is offered."""
    link = await request_reset_link(page, portal, ALICE, "account")
    portal.clock.advance(minutes=31)
    await page.goto(link)
    await expect(page.get_by_text("This link has expired.")).to_be_visible()
    await page.get_by_role("link", name="Ask for a new link").click()
    await expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    assert (await portal.imap_login(ALICE, STRONG)).startswith("OK")


async def test_recovery_address_change_needs_the_password_again(
    portal: Portal, page: Page, browser: Browser
) -> None:
    """A wrong password is refused; with the right one the old address is told, the new one
    gets a link, and the address changes only when the link's Confirm is pressed."""
    await sign_in(page, portal, ALICE, STRONG, "account")
    await (
        page.get_by_role("navigation", name="Account")
        .get_by_role("link", name="Recovery address")
        .click()
    )
    await page.get_by_label("New recovery address").fill(ALICE_WORK)
    await page.get_by_label("Current password").fill("Not-The-Password-1")
    await page.get_by_role("button", name="Send confirmation link").click()
    await expect(page.get_by_text("The current password is not correct.").first).to_be_visible()
    await page.get_by_label("Current password").fill(STRONG)
    await page.get_by_role("button", name="Send confirmation link").click()
    await expect(page.get_by_text(f"A confirmation link was sent to {ALICE_WORK}.")).to_be_visible()
    await expect(page.locator("#current-recovery-address")).to_have_text(ALICE_HOME)
    told = await portal.mails(ALICE_HOME, f"Recovery address change requested for {ALICE}")
    assert len(told) == 1
    (mail,) = await portal.mails(ALICE_WORK, f"Confirm the recovery address of {ALICE}")

    reader = await new_page(browser)
    await reader.goto(link_in(mail, "/account/recovery-address/confirm"))
    await reader.get_by_role("button", name="Confirm recovery address").click()
    await expect(reader.get_by_role("heading", name="Recovery address confirmed")).to_be_visible()

    await page.reload()
    await expect(page.locator("#current-recovery-address")).to_have_text(ALICE_WORK)


async def test_domain_admin_recovers_the_admin_sign_in(portal: Portal, page: Page) -> None:
    """From the admin sign-in page a domain admin recovers the password through the link
    and then signs in to /admin."""
    link = await request_reset_link(page, portal, DOM, "admin")
    await page.goto(link)
    await choose_password(page, NEW)
    await page.get_by_role("button", name="Set password").click()
    await expect(page.get_by_role("heading", name="Your new password is set")).to_be_visible()
    await sign_in(page, portal, DOM, NEW, "admin")
    await expect(page.get_by_role("heading", name="Admin center", level=1)).to_be_visible()
