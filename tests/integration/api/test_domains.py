"""/domains: list, create, get, patch, delete; global admins change, others only see."""

from __future__ import annotations

import httpx

from tests.integration.api.world import World, assert_problem, field_errors


async def test_create_get_and_list(client: httpx.AsyncClient, world: World) -> None:
    """A global admin adds a domain (201, Location); get and list show it with counts."""
    created = await client.post(
        "/api/v1/domains",
        json={"name": "New.Test", "it_notification_address": "it@example.test"},
        headers=world.auth("root"),
    )
    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/api/v1/domains/new.test"
    assert created.json()["it_notification_address"] == "it@example.test"
    shown = await client.get("/api/v1/domains/example.test", headers=world.auth("root"))
    body = shown.json()
    assert (body["name"], body["mailbox_count"], body["alias_count"]) == ("example.test", 4, 0)
    page = await client.get("/api/v1/domains?limit=2", headers=world.auth("root"))
    assert [d["name"] for d in page.json()["items"]] == ["example.test", "new.test"]
    rest = await client.get(
        f"/api/v1/domains?limit=2&cursor={page.json()['next_cursor']}", headers=world.auth("root")
    )
    assert [d["name"] for d in rest.json()["items"]] == ["other.test"]
    assert rest.json()["next_cursor"] is None


async def test_only_global_admins_change_domains(client: httpx.AsyncClient, world: World) -> None:
    """Domain and helpdesk admins get 403 on create, patch and delete, and on other domains."""
    for key in ("dom", "help"):
        headers = world.auth(key)
        create = await client.post("/api/v1/domains", json={"name": "x.test"}, headers=headers)
        assert_problem(create, 403, "permission-denied")
        patch = await client.patch(
            "/api/v1/domains/example.test", json={"password_min_length": 20}, headers=headers
        )
        assert_problem(patch, 403, "permission-denied")
        delete = await client.delete("/api/v1/domains/example.test", headers=headers)
        assert_problem(delete, 403, "permission-denied")
        foreign = await client.get("/api/v1/domains/other.test", headers=headers)
        assert_problem(foreign, 403, "permission-denied")


async def test_create_refusals(client: httpx.AsyncClient, world: World) -> None:
    """A duplicate is a conflict; a bad name or address is named per field."""
    duplicate = await client.post(
        "/api/v1/domains", json={"name": "example.test"}, headers=world.auth("root")
    )
    assert_problem(duplicate, 409, "conflict")
    bad = await client.post("/api/v1/domains", json={"name": "nodot"}, headers=world.auth("root"))
    assert "name" in field_errors(assert_problem(bad, 422, "invalid-input"))
    address = await client.post(
        "/api/v1/domains",
        json={"name": "y.test", "it_notification_address": "nope"},
        headers=world.auth("root"),
    )
    assert "it_notification_address" in field_errors(assert_problem(address, 422, "invalid-input"))


async def test_patch_sets_and_clears(client: httpx.AsyncClient, world: World) -> None:
    """Policy and quota change; null removes the IT address; omitted fields stay."""
    url = "/api/v1/domains/example.test"
    first = await client.patch(
        url,
        json={
            "it_notification_address": "it@example.test",
            "password_min_length": 20,
            "password_min_score": 4,
            "default_quota_bytes": 5000,
        },
        headers=world.auth("root"),
    )
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["password_min_length"], body["password_min_score"]) == (20, 4)
    assert body["default_quota_bytes"] == 5000
    second = await client.patch(
        url, json={"it_notification_address": None}, headers=world.auth("root")
    )
    assert second.json()["it_notification_address"] is None
    assert second.json()["password_min_length"] == 20
    bad = await client.patch(url, json={"password_min_score": 7}, headers=world.auth("root"))
    assert "password_min_score" in field_errors(assert_problem(bad, 422, "validation"))


async def test_delete_only_empty_domains(client: httpx.AsyncClient, world: World) -> None:
    """A domain with mailboxes is a conflict; an empty one goes (204), then 404."""
    busy = await client.delete("/api/v1/domains/example.test", headers=world.auth("root"))
    assert_problem(busy, 409, "conflict")
    await client.post("/api/v1/domains", json={"name": "empty.test"}, headers=world.auth("root"))
    gone = await client.delete("/api/v1/domains/empty.test", headers=world.auth("root"))
    assert gone.status_code == 204
    missing = await client.get("/api/v1/domains/empty.test", headers=world.auth("root"))
    assert_problem(missing, 404, "not-found")
