"""/audit-events: filters, cursor pages, global admins only."""

from __future__ import annotations

import httpx

from mailwright.testing.clock import FakeClock
from tests.integration.api.world import World, assert_problem, field_errors

NEW = "Copper-Lantern-Mosaic-58"


async def test_filters_and_pages(client: httpx.AsyncClient, world: World, clock: FakeClock) -> None:
    """Events of the API's own calls are found by actor, target, action and time, in pages."""
    start = clock.now()
    clock.advance(60)
    for _ in range(3):
        response = await client.post(
            "/api/v1/mailboxes/alice@example.test/password",
            json={"generate": True},
            headers=world.auth("dom"),
        )
        assert response.status_code == 200
        clock.advance(1)
    actor = f"apikey:{world.prefixes['dom']}:dom@example.test"
    headers = world.auth("root")
    ids: list[int] = []
    cursor = ""
    while True:
        page = await client.get(
            f"/api/v1/audit-events?actor={actor}&target=alice@example.test"
            f"&action=mailbox.password&limit=2{cursor}",
            headers=headers,
        )
        assert page.status_code == 200, page.text
        body = page.json()
        ids += [e["id"] for e in body["items"]]
        assert all(e["action"] == "mailbox.password.reset" for e in body["items"])
        assert all(e["source"] == "127.0.0.1" for e in body["items"])
        if body["next_cursor"] is None:
            break
        cursor = f"&cursor={body['next_cursor']}"
    assert len(ids) == 3 and ids == sorted(ids, reverse=True)
    early = await client.get(
        f"/api/v1/audit-events?until={(start).isoformat().replace('+00:00', 'Z')}",
        headers=headers,
    )
    assert all(e["action"] != "mailbox.password.reset" for e in early.json()["items"])
    since = await client.get(
        "/api/v1/audit-events?action=mailbox.password&since=2026-01-05T09:01:01", headers=headers
    )
    assert len(since.json()["items"]) == 2


async def test_audit_refusals(client: httpx.AsyncClient, world: World) -> None:
    """Non-global admins are forbidden; bad cursors and times are named."""
    for key in ("dom", "help"):
        response = await client.get("/api/v1/audit-events", headers=world.auth(key))
        assert_problem(response, 403, "permission-denied")
    headers = world.auth("root")
    bad_cursor = await client.get("/api/v1/audit-events?cursor=WyJ4Il0", headers=headers)
    assert "cursor" in field_errors(assert_problem(bad_cursor, 422, "invalid-input"))
    bad_time = await client.get("/api/v1/audit-events?since=yesterday", headers=headers)
    assert "since" in field_errors(assert_problem(bad_time, 422, "validation"))
    far = await client.get(
        "/api/v1/audit-events?since=0001-01-01T00:00:00%2B01:00", headers=headers
    )
    assert "since" in field_errors(assert_problem(far, 422, "invalid-input"))
