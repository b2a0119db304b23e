"""Admin center sessions over HTTP: idle expiry, sign-out, and the events that end them."""

from __future__ import annotations

from mailwright.model.actors import Actor
from mailwright.model.sessions import SessionRealm
from mailwright.services.container import Services
from mailwright.testing.clock import FakeClock
from tests.integration.web.conftest import (
    DOMAIN_ADMIN,
    GLOBAL,
    AdminClient,
    ClientFactory,
)

OPERATOR = Actor.operator("t")
NEW = "Copper-Lantern-Mosaic-58"


async def test_idle_session_expires_and_activity_keeps_it(
    client: AdminClient, clock: FakeClock
) -> None:
    """Requests within 30 minutes keep the session; 31 idle minutes end it, and the browser
    is sent to sign in with the stale cookie deleted."""
    await client.sign_in(GLOBAL)
    for _ in range(3):
        clock.advance(minutes=20)
        assert (await client.http.get("/admin/")).status_code == 200
    clock.advance(minutes=31)
    response = await client.http.get("/admin/mailboxes")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/sign-in")
    assert 'mailwright-admin=""' in response.headers["set-cookie"]


async def test_session_ends_after_its_absolute_lifetime(
    client: AdminClient, clock: FakeClock
) -> None:
    """However busy, a session lasts at most 12 hours."""
    await client.sign_in(GLOBAL)
    for _ in range(24):
        clock.advance(minutes=29)
        assert (await client.http.get("/admin/")).status_code == 200
    clock.advance(minutes=29)
    assert (await client.http.get("/admin/")).status_code == 303


async def test_sign_out_revokes_the_session_server_side(
    client: AdminClient, world: Services
) -> None:
    """After Sign out the old cookie, replayed, opens nothing."""
    await client.sign_in(GLOBAL)
    cookie = client.http.cookies.get("mailwright-admin")
    assert cookie
    response = await client.post("/admin/sign-out")
    assert (response.status_code, response.headers["location"]) == (303, "/admin/sign-in")
    client.http.cookies.set("mailwright-admin", cookie)
    assert (await client.http.get("/admin/")).status_code == 303
    assert await world.web_sessions.list_live(GLOBAL, SessionRealm.ADMIN) == []


async def test_password_reset_ends_the_admins_sessions(
    client_factory: ClientFactory, world: Services
) -> None:
    """When another admin resets a signed-in admin's password, that admin's sessions end."""
    async with client_factory() as victim, client_factory() as root:
        await victim.sign_in(DOMAIN_ADMIN)
        await root.sign_in(GLOBAL)
        assert (await victim.http.get("/admin/")).status_code == 200
        reset = await root.post(
            f"/admin/mailboxes/{DOMAIN_ADMIN}/password", {"password": NEW, "confirm": NEW}
        )
        assert reset.status_code == 200
        assert (await victim.http.get("/admin/")).status_code == 303
        await world.web_sessions.settle()
        assert await world.web_sessions.list_live(DOMAIN_ADMIN, SessionRealm.ADMIN) == []
        assert (await root.http.get("/admin/")).status_code == 200


async def test_revoked_grant_ends_the_session(client: AdminClient, world: Services) -> None:
    """An admin whose role is revoked is signed out at the next request."""
    await client.sign_in(DOMAIN_ADMIN)
    await world.admins.remove(OPERATOR, DOMAIN_ADMIN)
    assert (await client.http.get("/admin/")).status_code == 303
    assert await world.web_sessions.list_live(DOMAIN_ADMIN, SessionRealm.ADMIN) == []


async def test_disabled_mailbox_ends_the_admins_session(
    client: AdminClient, world: Services
) -> None:
    """Disabling an admin's mailbox ends its admin center sessions."""
    await client.sign_in(DOMAIN_ADMIN)
    await world.mailboxes.set_disabled(OPERATOR, DOMAIN_ADMIN, True)
    assert (await client.http.get("/admin/")).status_code == 303
