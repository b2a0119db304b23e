"""The admin reset in a real browser: the ten steps of PRODUCT.md, a generated password, and
the browser-side protections (cookie flags, CSRF and cross-site refusals)."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import BrowserContext, Locator, Page, expect

from mailwright.model.actors import Actor
from mailwright.model.audit import AuditQuery
from mailwright.model.authentication import AuthOutcome, LoginProtocol
from tests.e2e.conftest import Site
from tests.values import (
    LOGIN_TEST_IMAP,
    LOGIN_TEST_MUST_CHANGE_IMAP,
    LOGIN_TEST_MUST_CHANGE_SMTP,
    LOGIN_TEST_SMTP,
    STRONG,
)

pytestmark = pytest.mark.browser

NEW = "Copper-Lantern-Mosaic-58"
OPERATOR = Actor.operator("e2e")


async def sign_in(page: Page, site: Site) -> None:
    """Open the admin center signed out and sign in as the global admin."""
    await page.goto(site.url("/admin/"))
    await page.get_by_label("Email address", exact=True).fill(site.admin)
    await page.get_by_label("Password", exact=True).fill(site.admin_password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Admin center", level=1)).to_be_visible()


async def open_reset_dialog(page: Page, site: Site) -> Locator:
    """From the front page: Recipients > Mailboxes, search, open the mailbox, Reset password."""
    navigation = page.get_by_role("navigation", name="Admin center")
    recipients = navigation.get_by_role("list", name="Recipients")
    await recipients.get_by_role("link", name="Mailboxes").click()
    await expect(page.get_by_role("heading", name="Mailboxes", level=1)).to_be_visible()
    search = page.get_by_label("Search mailboxes")
    await search.fill("alice")
    await search.press("Enter")
    await expect(page.get_by_role("link", name="albert@example.test")).to_have_count(0)
    await page.get_by_role("link", name=site.mailbox).click()
    await expect(page.get_by_role("heading", name=site.mailbox, level=1)).to_be_visible()
    await page.get_by_role("button", name="Reset password").click()
    dialog = page.get_by_role("dialog", name=f"Reset the password of {site.mailbox}")
    await expect(dialog).to_be_visible()
    return dialog


async def expect_login_tests(
    page: Page, imap: tuple[str, str] = LOGIN_TEST_IMAP, smtp: tuple[str, str] = LOGIN_TEST_SMTP
) -> None:
    """The result page shows both live login tests as the platform's listeners answer."""
    for name, (result, reply) in (("IMAP", imap), ("SMTP", smtp)):
        line = page.locator(f"#login-test-{name.lower()}")
        await expect(line).to_contain_text(f"{name}: {result}")
        await expect(line).to_contain_text(reply)


async def test_admin_resets_a_password_in_ten_steps(site: Site, page: Page) -> None:
    """Sign in, Recipients > Mailboxes, search, open, Reset password, see a weak password's
    reasons, type a strong one twice, Save, and see the IMAP and SMTP login tests."""
    await sign_in(page, site)
    dialog = await open_reset_dialog(page, site)

    new_password = dialog.get_by_label("New password", exact=True)
    confirm = dialog.get_by_label("Confirm password", exact=True)
    reasons = dialog.locator("#password-reasons")
    await new_password.fill("alice2024")
    await expect(reasons).to_contain_text("It is shorter than 12 characters.")
    await expect(reasons).to_contain_text("It contains the mailbox's name")
    await expect(dialog.locator("#password-strength-text")).to_contain_text("weak")

    await new_password.fill(NEW)
    await confirm.fill(NEW[:-1])
    await expect(dialog.locator("#confirm-message")).to_have_text("The passwords do not match.")
    await confirm.fill(NEW)
    await expect(dialog.locator("#confirm-message")).to_have_text("The passwords match.")
    await expect(reasons).to_have_text("The password meets the policy.")
    await dialog.get_by_label("Reason").fill("ticket 42")
    await dialog.get_by_role("button", name="Save").click()

    heading = page.get_by_role("heading", name=f"Password reset for {site.mailbox}")
    await expect(heading).to_be_visible()
    await expect_login_tests(page)
    assert NEW not in await page.content()
    services = site.platform.services
    auth = services.authenticator
    assert (await auth.authenticate(site.mailbox, NEW, LoginProtocol.IMAP, "e2e")).ok
    old = await auth.authenticate(site.mailbox, STRONG, LoginProtocol.IMAP, "e2e")
    assert old.outcome is AuthOutcome.BAD_CREDENTIALS


async def test_generated_password_fills_both_fields_and_must_change_is_expected(
    site: Site, page: Page
) -> None:
    """Generate password fills both fields and shows the password once; with a required
    change, the result page says the listeners are expected to refuse it."""
    await sign_in(page, site)
    dialog = await open_reset_dialog(page, site)
    await dialog.get_by_role("button", name="Generate password").click()
    generated = dialog.locator("#generated-value")
    await expect(generated).to_have_text(re.compile(r"^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$"))
    password = await generated.text_content()
    assert password
    await expect(dialog.get_by_label("New password", exact=True)).to_have_value(password)
    await expect(dialog.get_by_label("Confirm password", exact=True)).to_have_value(password)
    await expect(dialog.locator("#password-reasons")).to_have_text("The password meets the policy.")
    await dialog.get_by_label("Require password change at next sign-in").check()
    await dialog.get_by_role("button", name="Save").click()

    expected = page.get_by_text("the expected outcome is that IMAP and SMTP refuse")
    await expect(expected).to_be_visible()
    await expect_login_tests(page, LOGIN_TEST_MUST_CHANGE_IMAP, LOGIN_TEST_MUST_CHANGE_SMTP)
    assert password not in await page.content()
    mailbox = await site.platform.services.mailboxes.get(OPERATOR, site.mailbox)
    assert mailbox.must_change


async def test_session_cookie_is_http_only_strict_and_host_wide(
    site: Site, page: Page, context: BrowserContext
) -> None:
    """The session cookie is HttpOnly, SameSite=Strict, Path=/ and (over plain HTTP) not
    Secure; the sign-in form's own cookie is gone after sign-in."""
    await sign_in(page, site)
    cookies = {c["name"]: c for c in await context.cookies()}
    assert set(cookies) == {"mailwright-admin"}
    session = cookies["mailwright-admin"]
    assert (session["httpOnly"], session["sameSite"], session["path"], session["secure"]) == (
        True,
        "Strict",
        "/",
        False,
    )
    assert await page.evaluate("document.cookie") == ""


async def test_post_without_csrf_token_is_refused(site: Site, page: Page) -> None:
    """A signed-in browser's POST without the session's CSRF token gets 403 and changes
    nothing."""
    await sign_in(page, site)
    post_without_token = """async (url) =>
        (await fetch(url, {method: "POST", body: new URLSearchParams()})).status"""
    status = await page.evaluate(
        post_without_token, site.url(f"/admin/mailboxes/{site.mailbox}/disable")
    )
    assert status == 403
    assert not (await site.platform.services.mailboxes.get(OPERATOR, site.mailbox)).disabled


async def test_cross_site_form_is_refused(site: Site, page: Page) -> None:
    """A form on another site posting to the admin center (carrying a stolen CSRF token, even)
    is refused: the session cookie stays home and the origin is wrong."""
    await sign_in(page, site)
    await page.get_by_role("link", name="Mailboxes").click()
    token = await page.locator('meta[name="csrf-token"]').get_attribute("content")
    attacker = "http://attacker.example/"
    form = (
        f'<form method="post" action="{site.url(f"/admin/mailboxes/{site.mailbox}/disable")}">'
        f'<input type="hidden" name="csrf_token" value="{token}">'
        "<button>Win a prize</button></form>"
    )
    await page.route(attacker, lambda route: route.fulfill(content_type="text/html", body=form))
    await page.goto(attacker)
    async with page.expect_response(lambda r: r.url.endswith("/disable")) as answer:
        await page.get_by_role("button", name="Win a prize").click()
    assert (await answer.value).status == 403
    assert not (await site.platform.services.mailboxes.get(OPERATOR, site.mailbox)).disabled
    events = await site.platform.services.audit.list_events(
        OPERATOR, AuditQuery(action="mailbox.disable")
    )
    assert events == []


async def test_sign_out_ends_the_session(site: Site, page: Page) -> None:
    """After Sign out the admin center asks for a sign-in again."""
    await sign_in(page, site)
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    await page.goto(site.url("/admin/mailboxes"))
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
