"""/api-keys: create (the key once), list, get, revoke; global admins only."""

from __future__ import annotations

import httpx

from mailwright.testing.clock import FakeClock
from tests.integration.api.world import World, assert_problem, field_errors


async def test_key_lifecycle(client: httpx.AsyncClient, world: World, clock: FakeClock) -> None:
    """A key made through the API works at once, is listed without its secret, and stops
    working when revoked."""
    headers = world.auth("root")
    clock.advance(1)
    created = await client.post(
        "/api/v1/api-keys",
        json={"admin": "dom@example.test", "scope": "admin", "name": "deploy"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert created.headers["cache-control"] == "no-store"
    body = created.json()
    key, prefix = body["key"], body["prefix"]
    assert key.startswith(f"mw_{prefix}_") and body["created_by"].startswith("apikey:")
    assert created.headers["location"] == f"/api/v1/api-keys/{prefix}"
    mine = {"Authorization": f"Bearer {key}"}
    assert (await client.get("/api/v1/mailboxes", headers=mine)).status_code == 200
    listed = await client.get("/api/v1/api-keys?admin=dom@example.test", headers=headers)
    items = listed.json()["items"]
    assert [k["prefix"] for k in items] == [prefix, world.prefixes["dom"]]
    assert key not in listed.text and "digest" not in listed.text
    shown = await client.get(f"/api/v1/api-keys/{prefix}", headers=headers)
    assert shown.json()["name"] == "deploy" and shown.json()["revoked_at"] is None
    assert (await client.delete(f"/api/v1/api-keys/{prefix}", headers=headers)).status_code == 204
    assert_problem(await client.get("/api/v1/mailboxes", headers=mine), 401, "unauthorized")
    again = await client.delete(f"/api/v1/api-keys/{prefix}", headers=headers)
    assert_problem(again, 409, "conflict")
    assert (await client.get(f"/api/v1/api-keys/{prefix}", headers=headers)).json()["revoked_at"]


async def test_send_key_with_domains_and_sandbox(client: httpx.AsyncClient, world: World) -> None:
    """Send keys take a sandbox flag and domains of the admin's scope; admin keys do not."""
    headers = world.auth("root")
    send = await client.post(
        "/api/v1/api-keys",
        json={
            "admin": "dom@example.test",
            "scope": "send",
            "sandbox": True,
            "domains": ["example.test"],
        },
        headers=headers,
    )
    assert send.status_code == 201, send.text
    assert send.json()["sandbox"] is True and send.json()["domains"] == ["example.test"]
    admin_sandbox = await client.post(
        "/api/v1/api-keys",
        json={"admin": "dom@example.test", "scope": "admin", "sandbox": True},
        headers=headers,
    )
    assert "sandbox" in field_errors(assert_problem(admin_sandbox, 422, "invalid-input"))
    outside = await client.post(
        "/api/v1/api-keys",
        json={"admin": "dom@example.test", "scope": "send", "domains": ["other.test"]},
        headers=headers,
    )
    assert "domains" in field_errors(assert_problem(outside, 422, "invalid-input"))


async def test_only_global_admins_manage_keys(client: httpx.AsyncClient, world: World) -> None:
    """Domain and helpdesk admins get 403 on every key operation; unknown keys are 404."""
    for key in ("dom", "help"):
        headers = world.auth(key)
        assert_problem(
            await client.get("/api/v1/api-keys", headers=headers), 403, "permission-denied"
        )
        create = await client.post(
            "/api/v1/api-keys",
            json={"admin": "dom@example.test", "scope": "admin"},
            headers=headers,
        )
        assert_problem(create, 403, "permission-denied")
        revoke = await client.delete(f"/api/v1/api-keys/{world.prefixes['root']}", headers=headers)
        assert_problem(revoke, 403, "permission-denied")
    missing = await client.get("/api/v1/api-keys/zzzzzzzzzz", headers=world.auth("root"))
    assert_problem(missing, 404, "not-found")
    no_admin = await client.post(
        "/api/v1/api-keys",
        json={"admin": "alice@example.test", "scope": "admin"},
        headers=world.auth("root"),
    )
    assert_problem(no_admin, 404, "not-found")


async def test_list_pages_newest_first(client: httpx.AsyncClient, world: World) -> None:
    """Keys page newest first without gaps."""
    headers = world.auth("root")
    seen: list[str] = []
    cursor = ""
    while True:
        response = await client.get(f"/api/v1/api-keys?limit=2{cursor}", headers=headers)
        body = response.json()
        seen += [k["prefix"] for k in body["items"]]
        if body["next_cursor"] is None:
            break
        cursor = f"&cursor={body['next_cursor']}"
    assert sorted(seen) == sorted(world.prefixes.values()) and len(seen) == 5
