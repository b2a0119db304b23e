"""Browser tests: the whole platform on 127.0.0.1 (kernel-chosen ports) and Debian's headless
Chromium driven by Playwright. No browser is ever downloaded: without /usr/bin/chromium these
tests skip, or fail when MAILWRIGHT_TEST_STRICT=1 (CI)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from mailwright.bootstrap import prepare_data_dir
from mailwright.config import Settings
from mailwright.model.actors import Actor
from mailwright.model.admins import Role
from mailwright.platform import Platform, running_platform
from tests.conftest import STRICT, make_settings
from tests.values import STRONG

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous for a loaded CI machine; Playwright's waits return as soon as the condition holds.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


@dataclass(frozen=True)
class Site:
    """The running platform as a browser sees it, and who can sign in."""

    platform: Platform
    base_url: str
    admin: str = "admin@example.test"
    admin_password: str = STRONG
    mailbox: str = "alice@example.test"

    def url(self, path: str) -> str:
        """An absolute URL on the platform."""
        return self.base_url + path


@pytest.fixture
def e2e_settings(tmp_path: Path) -> Settings:
    """Settings over a fresh data directory with SQLite (the browser adds nothing to the
    database matrix the other tests cover)."""
    data_dir = tmp_path / "data"
    settings = make_settings(data_dir, f"sqlite+aiosqlite:///{tmp_path / 'mailwright.db'}")
    prepare_data_dir(settings, hostname="mail.example.test")
    return settings


@pytest.fixture
async def site(e2e_settings: Settings) -> AsyncIterator[Site]:
    """The platform running every listener, with a domain, a global admin and a mailbox."""
    async with running_platform(e2e_settings) as platform:
        services = platform.services
        operator = Actor.operator("e2e")
        await services.domains.add(operator, "example.test")
        await services.mailboxes.create(
            operator, "admin@example.test", STRONG, display_name="Ada Admin"
        )
        await services.admins.add(operator, "admin@example.test", Role.GLOBAL_ADMIN, [])
        await services.mailboxes.create(
            operator, "alice@example.test", STRONG, display_name="Alice Liddell"
        )
        await services.mailboxes.create(
            operator, "albert@example.test", STRONG, display_name="Albert Ross"
        )
        host, port = platform.listeners["http"]
        yield Site(platform, f"http://{host}:{port}")


@pytest.fixture
def chromium() -> Path:
    """The system's Chromium; skip without it (fail in strict CI)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    """Headless Chromium from the system (never a downloaded one)."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A fresh browser profile (no cookies) for one test."""
    created = await browser.new_context()
    created.set_default_timeout(TIMEOUT_MS)
    try:
        yield created
    finally:
        await created.close()


@pytest.fixture
async def page(context: BrowserContext) -> Page:
    """A tab in the test's browser profile."""
    return await context.new_page()
