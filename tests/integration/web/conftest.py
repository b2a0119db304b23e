"""The admin center over HTTP, in process (httpx's ASGI transport): a browser-like client that
keeps cookies, reads CSRF tokens from pages, and sends Origin like a browser does."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest

from mailwright.config import Settings
from mailwright.model.actors import Actor
from mailwright.model.admins import Role
from mailwright.services.container import Services
from mailwright.web.app import create_app
from tests.values import STRONG

BASE = "http://testserver"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')

# Who is who in the two-domain world these tests share.
GLOBAL = "root@example.test"
DOMAIN_ADMIN = "dom@example.test"
HELPDESK = "help@example.test"
OTHER_DOMAIN_ADMIN = "dom2@other.test"
ALICE = "alice@example.test"
BOB = "bob@other.test"


def csrf_from(html: str) -> str:
    """The CSRF token a page carries (meta tag of a signed-in page, or a form's field)."""
    found = _CSRF_META.search(html) or _CSRF_FIELD.search(html)
    assert found, "the page carries no CSRF token"
    return found.group(1)


class AdminClient:
    """A browser stand-in: cookies, same-origin headers, and the session's CSRF token."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.http = client
        self.csrf = ""

    async def sign_in(self, address: str, password: str = STRONG) -> httpx.Response:
        """Open the sign-in page and submit it; remembers the session's CSRF token."""
        page = await self.http.get("/admin/sign-in")
        response = await self.http.post(
            "/admin/sign-in",
            data={"csrf_token": csrf_from(page.text), "address": address, "password": password},
        )
        if response.status_code == 303:
            home = await self.http.get("/admin/")
            self.csrf = csrf_from(home.text)
        return response

    async def post(
        self, path: str, data: dict[str, str] | None = None, *, csrf: bool = True, **kw: Any
    ) -> httpx.Response:
        """Submit a form of the admin center (with this session's token unless told not to)."""
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.csrf
        return await self.http.post(path, data=form, **kw)

    async def script(self, path: str, body: dict[str, str]) -> httpx.Response:
        """Call a JSON endpoint the way the page's script does."""
        headers = {"X-CSRF-Token": self.csrf, "Accept": "application/json"}
        return await self.http.post(path, json=body, headers=headers)


ClientFactory = Callable[..., AbstractAsyncContextManager[AdminClient]]


@pytest.fixture
async def world(services: Services, operator: Actor) -> Services:
    """Two domains; a global admin, a domain admin and a helpdesk admin of example.test, a
    domain admin of other.test; ordinary mailboxes in both."""
    await services.domains.add(operator, "example.test")
    await services.domains.add(operator, "other.test")
    for address in (GLOBAL, DOMAIN_ADMIN, HELPDESK, OTHER_DOMAIN_ADMIN, ALICE, BOB):
        await services.mailboxes.create(operator, address, STRONG)
    grants = {
        GLOBAL: (Role.GLOBAL_ADMIN, []),
        DOMAIN_ADMIN: (Role.DOMAIN_ADMIN, ["example.test"]),
        HELPDESK: (Role.HELPDESK, ["example.test"]),
        OTHER_DOMAIN_ADMIN: (Role.DOMAIN_ADMIN, ["other.test"]),
    }
    for address, (role, domains) in grants.items():
        await services.admins.add(operator, address, role, domains)
    return services


@pytest.fixture
def client_factory(world: Services, settings: Settings) -> ClientFactory:
    """Opens browser-like clients on one application (several may be signed in at once)."""
    app = create_app(world, settings)

    @asynccontextmanager
    async def open_client(
        base_url: str = BASE, origin: str | None = BASE
    ) -> AsyncIterator[AdminClient]:
        headers = {"Origin": origin} if origin else {}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url=base_url, headers=headers
        ) as client:
            yield AdminClient(client)

    return open_client


@pytest.fixture
async def client(client_factory: ClientFactory) -> AsyncIterator[AdminClient]:
    """One browser-like client, signed out."""
    async with client_factory() as opened:
        yield opened
