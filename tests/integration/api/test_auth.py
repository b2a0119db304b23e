"""Bearer keys on every call: missing, garbage, revoked, wrong scope, admin gone."""

from __future__ import annotations

import httpx
import pytest

from mailwright.model.actors import Actor
from mailwright.services.container import Services
from mailwright.testing.clock import FakeClock
from tests.integration.api.world import World, assert_problem


@pytest.mark.parametrize(
    ("headers", "challenge"),
    [
        ({}, 'Bearer realm="mailwright"'),
        ({"Authorization": "Basic cm9vdDpwdw=="}, 'Bearer realm="mailwright"'),
        ({"Authorization": "Bearer"}, 'Bearer realm="mailwright"'),
        ({"Authorization": "Bearer garbage"}, 'Bearer realm="mailwright", error="invalid_token"'),
        (
            {"Authorization": "Bearer mw_abcdefghij_" + "A" * 43},
            'Bearer realm="mailwright", error="invalid_token"',
        ),
    ],
    ids=["missing", "basic", "empty", "garbage", "unknown"],
)
async def test_calls_without_a_valid_key_are_unauthorized(
    client: httpx.AsyncClient, world: World, headers: dict[str, str], challenge: str
) -> None:
    """No key or an unusable one gets 401 with a Bearer challenge and a problem document."""
    response = await client.get("/api/v1/mailboxes", headers=headers)
    assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == challenge


async def test_wrong_secret_with_a_real_prefix_is_unauthorized(
    client: httpx.AsyncClient, world: World
) -> None:
    """A real prefix with another secret is refused like any unknown key."""
    forged = f"mw_{world.prefixes['root']}_" + "B" * 43
    response = await client.get("/api/v1/domains", headers={"Authorization": f"Bearer {forged}"})
    assert_problem(response, 401, "unauthorized")


async def test_send_key_is_forbidden_on_the_admin_api(
    client: httpx.AsyncClient, world: World
) -> None:
    """A valid send-scope key gets 403 on every admin endpoint, even reading."""
    for path in ("/api/v1/domains", "/api/v1/mailboxes", "/api/v1/audit-events"):
        response = await client.get(path, headers=world.auth("send"))
        body = assert_problem(response, 403, "permission-denied")
        assert "has the send scope" in str(body["detail"])


async def test_revoked_key_is_unauthorized_at_once(
    client: httpx.AsyncClient, world: World, services: Services, operator: Actor
) -> None:
    """The next call after revocation is refused."""
    assert (await client.get("/api/v1/domains", headers=world.auth("dom"))).status_code == 200
    await services.api_keys.revoke(operator, world.prefixes["dom"])
    response = await client.get("/api/v1/domains", headers=world.auth("dom"))
    assert_problem(response, 401, "unauthorized")


async def test_key_of_a_revoked_admin_is_unauthorized(
    client: httpx.AsyncClient, world: World, services: Services, operator: Actor
) -> None:
    """Revoking the admin's role ends its keys."""
    await services.admins.remove(operator, "help@example.test")
    response = await client.get("/api/v1/mailboxes", headers=world.auth("help"))
    assert_problem(response, 401, "unauthorized")


async def test_key_of_a_disabled_admin_mailbox_is_unauthorized(
    client: httpx.AsyncClient, world: World, services: Services, operator: Actor
) -> None:
    """Disabling the admin's mailbox suspends its keys."""
    await services.mailboxes.set_disabled(operator, "dom@example.test", True)
    response = await client.get("/api/v1/mailboxes", headers=world.auth("dom"))
    assert_problem(response, 401, "unauthorized")


async def test_key_follows_its_admins_current_scope(
    client: httpx.AsyncClient, world: World
) -> None:
    """A domain admin's key sees only its domain; a global admin's key sees all."""
    dom = await client.get("/api/v1/domains", headers=world.auth("dom"))
    root = await client.get("/api/v1/domains", headers=world.auth("root"))
    assert [d["name"] for d in dom.json()["items"]] == ["example.test"]
    assert [d["name"] for d in root.json()["items"]] == ["example.test", "other.test"]


async def test_last_use_is_shown_and_recorded_at_most_once_a_minute(
    client: httpx.AsyncClient, world: World, clock: FakeClock
) -> None:
    """``last_used_at`` is the first use, then moves only after a minute."""
    first = clock.now()
    await client.get("/api/v1/domains", headers=world.auth("dom"))
    clock.advance(30)
    await client.get("/api/v1/domains", headers=world.auth("dom"))
    url = f"/api/v1/api-keys/{world.prefixes['dom']}"
    shown = (await client.get(url, headers=world.auth("root"))).json()
    assert shown["last_used_at"] == first.isoformat().replace("+00:00", "Z")
