"""/admins: role grants, global admins only."""

from __future__ import annotations

import httpx

from tests.integration.api.world import World, assert_problem


async def test_admin_lifecycle(client: httpx.AsyncClient, world: World) -> None:
    """Grant, list (filtered and paged), get and revoke a role."""
    headers = world.auth("root")
    created = await client.post(
        "/api/v1/admins",
        json={"address": "alice@example.test", "role": "helpdesk", "domains": ["example.test"]},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["role"] == "helpdesk" and created.json()["domains"] == ["example.test"]
    helpdesks = await client.get("/api/v1/admins?role=helpdesk", headers=headers)
    assert [a["address"] for a in helpdesks.json()["items"]] == [
        "alice@example.test",
        "help@example.test",
    ]
    first = await client.get("/api/v1/admins?limit=3", headers=headers)
    rest = await client.get(
        f"/api/v1/admins?limit=3&cursor={first.json()['next_cursor']}", headers=headers
    )
    addresses = [a["address"] for a in first.json()["items"] + rest.json()["items"]]
    assert addresses == sorted(addresses) and len(addresses) == 5
    shown = await client.get("/api/v1/admins/Alice@example.test", headers=headers)
    assert shown.json()["address"] == "alice@example.test"
    assert (
        await client.delete("/api/v1/admins/alice@example.test", headers=headers)
    ).status_code == 204
    gone = await client.get("/api/v1/admins/alice@example.test", headers=headers)
    assert_problem(gone, 404, "not-found")


async def test_admin_refusals(client: httpx.AsyncClient, world: World) -> None:
    """Non-global admins are forbidden; bad grants, duplicates and the last global admin
    are refused."""
    for key in ("dom", "help"):
        assert_problem(
            await client.get("/api/v1/admins", headers=world.auth(key)), 403, "permission-denied"
        )
    headers = world.auth("root")
    no_domains = await client.post(
        "/api/v1/admins",
        json={"address": "alice@example.test", "role": "domain-admin"},
        headers=headers,
    )
    assert_problem(no_domains, 422, "invalid-input")
    duplicate = await client.post(
        "/api/v1/admins", json={"address": "help@example.test", "role": "helpdesk"}, headers=headers
    )
    assert_problem(duplicate, 409, "conflict")
    unknown_role = await client.post(
        "/api/v1/admins", json={"address": "alice@example.test", "role": "king"}, headers=headers
    )
    assert_problem(unknown_role, 422, "validation")
    no_mailbox = await client.post(
        "/api/v1/admins",
        json={"address": "ghost@example.test", "role": "helpdesk"},
        headers=headers,
    )
    assert_problem(no_mailbox, 404, "not-found")
    last = await client.delete("/api/v1/admins/root@example.test", headers=headers)
    assert_problem(last, 409, "conflict")
