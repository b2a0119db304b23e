"""The account portal, recovery and autoconfiguration over HTTP, in process (httpx's ASGI
transport): a browser-like client that keeps cookies, reads CSRF tokens from pages and sends
Origin like a browser does; and a world where recovery addresses are hosted mailboxes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest

from mailwright.config import Settings
from mailwright.model.actors import Actor
from mailwright.model.admins import Role
from mailwright.services.container import Services
from mailwright.services.mailboxes import MailboxChanges
from mailwright.web.app import create_app
from tests.integration.web.conftest import BASE, csrf_from
from tests.values import STRONG

ALICE = "alice@example.test"
ALICE_HOME = "alice@home.test"
BOB = "bob@example.test"
DOM = "dom@example.test"
DOM_HOME = "dom@home.test"
NEW = "Copper-Lantern-Mosaic-58"
TEMPORARY = "Temporary-Passphrase-2931"


class PortalClient:
    """A browser stand-in for the account portal and the recovery pages."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.http = client
        self.csrf = ""

    async def sign_in(self, address: str, password: str = STRONG) -> httpx.Response:
        """Submit the portal's sign-in form; on success follow to the landing page and keep
        the session's CSRF token."""
        page = await self.http.get("/account/sign-in")
        response = await self.http.post(
            "/account/sign-in",
            data={"csrf_token": csrf_from(page.text), "address": address, "password": password},
        )
        if response.status_code == 303:
            await self.land(response)
        return response

    async def land(self, response: httpx.Response) -> httpx.Response:
        """Follow a redirect and remember the CSRF token of the page it leads to."""
        page = await self.http.get(response.headers["location"])
        if page.status_code == 303:
            page = await self.http.get(page.headers["location"])
        self.csrf = csrf_from(page.text)
        return page

    async def post(
        self, path: str, data: dict[str, str] | None = None, *, csrf: bool = True, **kw: Any
    ) -> httpx.Response:
        """Submit a portal form (with this session's token unless told not to)."""
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.csrf
        return await self.http.post(path, data=form, **kw)

    async def script(self, path: str, body: dict[str, str], *, csrf: bool = True) -> httpx.Response:
        """Call a JSON endpoint the way the page's script does."""
        headers = {"Accept": "application/json"}
        if csrf:
            headers["X-CSRF-Token"] = self.csrf
        return await self.http.post(path, json=body, headers=headers)


ClientFactory = Callable[..., AbstractAsyncContextManager[PortalClient]]


@pytest.fixture
async def world(services: Services, operator: Actor) -> Services:
    """example.test with alice (recovery address alice@home.test), bob (none) and a domain
    admin dom (recovery address dom@home.test); home.test hosts the recovery mailboxes."""
    await services.domains.add(operator, "example.test")
    await services.domains.add(operator, "home.test")
    for address in (ALICE_HOME, DOM_HOME, BOB):
        await services.mailboxes.create(operator, address, STRONG)
    for address, home in ((ALICE, ALICE_HOME), (DOM, DOM_HOME)):
        await services.mailboxes.create(operator, address, STRONG)
        await services.mailboxes.update(operator, address, MailboxChanges(recovery_address=home))
    await services.admins.add(operator, DOM, Role.DOMAIN_ADMIN, ["example.test"])
    return services


@pytest.fixture
def client_factory(world: Services, settings: Settings) -> ClientFactory:
    """Opens browser-like clients on one application."""
    app = create_app(world, settings)

    @asynccontextmanager
    async def open_client(
        origin: str | None = BASE, client: tuple[str, int] = ("127.0.0.1", 123)
    ) -> AsyncIterator[PortalClient]:
        headers = {"Origin": origin} if origin else {}
        transport = httpx.ASGITransport(app=app, client=client)
        async with httpx.AsyncClient(transport=transport, base_url=BASE, headers=headers) as http:
            yield PortalClient(http)

    return open_client


@pytest.fixture
async def client(client_factory: ClientFactory) -> AsyncIterator[PortalClient]:
    """One browser-like client, signed out."""
    async with client_factory() as opened:
        yield opened
