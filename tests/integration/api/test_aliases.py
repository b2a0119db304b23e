"""/aliases: create, list, get, delete, catch-alls, by role."""

from __future__ import annotations

import httpx

from tests.integration.api.world import World, assert_problem, field_errors


async def test_alias_lifecycle(client: httpx.AsyncClient, world: World) -> None:
    """A domain admin creates, finds, lists and deletes aliases, catch-all included."""
    headers = world.auth("dom")
    created = await client.post(
        "/api/v1/aliases",
        json={"source": "Sales@example.test", "destinations": ["alice@example.test", "x@far.test"]},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/api/v1/aliases/sales@example.test"
    assert created.json()["destinations"] == ["alice@example.test", "x@far.test"]
    catch_all = await client.post(
        "/api/v1/aliases",
        json={"source": "@example.test", "destinations": ["alice@example.test"]},
        headers=headers,
    )
    assert catch_all.json()["catch_all"] is True
    shown = await client.get("/api/v1/aliases/@example.test", headers=headers)
    assert shown.json()["source"] == "@example.test"
    listed = await client.get("/api/v1/aliases?limit=1", headers=headers)
    assert [a["source"] for a in listed.json()["items"]] == ["@example.test"]
    cursor = listed.json()["next_cursor"]
    rest = await client.get(f"/api/v1/aliases?limit=1&cursor={cursor}", headers=headers)
    assert [a["source"] for a in rest.json()["items"]] == ["sales@example.test"]
    assert (await client.delete("/api/v1/aliases/sales@example.test", headers=headers)).status_code
    assert_problem(
        await client.get("/api/v1/aliases/sales@example.test", headers=headers), 404, "not-found"
    )


async def test_alias_refusals(client: httpx.AsyncClient, world: World) -> None:
    """Helpdesk and foreign domains are forbidden; mailbox clashes conflict; bad input named."""
    body = {"source": "team@example.test", "destinations": ["alice@example.test"]}
    helpdesk = await client.post("/api/v1/aliases", json=body, headers=world.auth("help"))
    assert_problem(helpdesk, 403, "permission-denied")
    foreign = await client.post("/api/v1/aliases", json=body, headers=world.auth("dom2"))
    assert_problem(foreign, 403, "permission-denied")
    clash = await client.post(
        "/api/v1/aliases",
        json={"source": "alice@example.test", "destinations": ["bob@other.test"]},
        headers=world.auth("root"),
    )
    assert_problem(clash, 409, "conflict")
    empty = await client.post(
        "/api/v1/aliases",
        json={"source": "t@example.test", "destinations": []},
        headers=world.auth("root"),
    )
    assert "destinations" in field_errors(assert_problem(empty, 422, "validation"))
    bad = await client.post(
        "/api/v1/aliases",
        json={"source": "t@example.test", "destinations": ["nope"]},
        headers=world.auth("root"),
    )
    assert "destinations" in field_errors(assert_problem(bad, 422, "invalid-input"))
    missing = await client.delete("/api/v1/aliases/none@example.test", headers=world.auth("root"))
    assert_problem(missing, 404, "not-found")


async def test_list_is_scoped(client: httpx.AsyncClient, world: World) -> None:
    """Each admin lists only aliases of its domains."""
    for source in ("a@example.test", "b@other.test"):
        await client.post(
            "/api/v1/aliases",
            json={"source": source, "destinations": ["alice@example.test"]},
            headers=world.auth("root"),
        )
    dom = await client.get("/api/v1/aliases", headers=world.auth("dom"))
    assert [a["source"] for a in dom.json()["items"]] == ["a@example.test"]
    dom2 = await client.get("/api/v1/aliases?domain=example.test", headers=world.auth("dom2"))
    assert dom2.json()["items"] == []
    root = await client.get("/api/v1/aliases?domain=other.test", headers=world.auth("root"))
    assert [a["source"] for a in root.json()["items"]] == ["b@other.test"]
