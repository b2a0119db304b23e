"""/events: filters, cursor pages, scope by role and by key, problems."""

from __future__ import annotations

import httpx

from mailwright.model.outbound import EventKind
from mailwright.services.container import Services
from mailwright.testing.clock import FakeClock
from tests.integration.api.world import World, assert_problem, field_errors
from tests.sending_data import add_api_message, add_event, add_smtp_message

API_ID = "a1" * 16
OTHER_API_ID = "b2" * 16
SMTP_ID = "c3" * 16
FOREIGN_ID = "d4" * 16


async def seed(services: Services, world: World, clock: FakeClock) -> None:
    """API mail of example.test (two keys) and other.test, SMTP mail of example.test and of an
    outside sender, each with events a minute apart."""
    await add_api_message(
        services,
        API_ID,
        key_prefix=world.prefixes["send"],
        sender="app@example.test",
        recipients=["bob@remote.test", "carol@remote.test"],
        tags=["welcome", "onboarding"],
        metadata={"user": "42"},
    )
    clock.advance(60)
    await add_event(services, API_ID, "bob@remote.test", EventKind.DELIVERED)
    await add_event(
        services, API_ID, "carol@remote.test", EventKind.BOUNCED, "550 5.1.1 No such user"
    )
    await add_api_message(
        services,
        OTHER_API_ID,
        key_prefix="otherkey01",
        sender="app@other.test",
        recipients=["bob@remote.test"],
        tags=["welcome-back"],
    )
    clock.advance(60)
    await add_smtp_message(
        services, SMTP_ID, sender="alice@example.test", recipients=["dave@remote.test"]
    )
    await add_event(services, SMTP_ID, "dave@remote.test", EventKind.DEFERRED, "451 Later")
    await add_smtp_message(
        services, FOREIGN_ID, sender="someone@elsewhere.test", recipients=["x@remote.test"]
    )
    await add_event(services, FOREIGN_ID, "x@remote.test", EventKind.DELIVERED)


async def ids(client: httpx.AsyncClient, world: World, key: str, query: str = "") -> list[str]:
    response = await client.get(f"/api/v1/events?limit=500{query}", headers=world.auth(key))
    assert response.status_code == 200, response.text
    return [f"{e['message_id'][:2]}:{e['recipient']}:{e['kind']}" for e in response.json()["items"]]


async def test_events_filter_and_page_newest_first(
    client: httpx.AsyncClient, world: World, services: Services, clock: FakeClock
) -> None:
    """Global admins find events by recipient, message, kinds, tag and time, in pages."""
    await seed(services, world, clock)
    everything = await ids(client, world, "root")
    assert len(everything) == 7
    assert everything[0] == "d4:x@remote.test:delivered"
    assert await ids(client, world, "root", "&recipient=Carol@Remote.test") == [
        "a1:carol@remote.test:bounced",
        "a1:carol@remote.test:queued",
    ]
    assert await ids(client, world, "root", f"&message_id={SMTP_ID}") == [
        "c3:dave@remote.test:deferred"
    ]
    assert await ids(client, world, "root", "&kind=bounced&kind=deferred") == [
        "c3:dave@remote.test:deferred",
        "a1:carol@remote.test:bounced",
    ]
    tagged = await ids(client, world, "root", "&tag=welcome&kind=delivered")
    assert tagged == ["a1:bob@remote.test:delivered"]
    assert await ids(client, world, "root", "&tag=welcome-back") == ["b2:bob@remote.test:queued"]
    assert await ids(client, world, "root", "&tag=come") == []
    window = "&since=2026-01-05T09:01:00Z&until=2026-01-05T09:02:00%2B00:00"
    assert len(await ids(client, world, "root", window)) == 3
    bounced = await client.get("/api/v1/events?kind=bounced", headers=world.auth("root"))
    (item,) = bounced.json()["items"]
    assert item["tags"] == ["welcome", "onboarding"]
    assert item["metadata"] == {"user": "42"} and item["reply"] == "550 5.1.1 No such user"
    assert item["remote_host"] == "mx.remote.test" and item["at"] == "2026-01-05T09:01:00Z"
    seen: list[int] = []
    cursor = ""
    while True:
        page = await client.get(f"/api/v1/events?limit=3{cursor}", headers=world.auth("root"))
        body = page.json()
        seen += [e["id"] for e in body["items"]]
        if body["next_cursor"] is None:
            break
        cursor = f"&cursor={body['next_cursor']}"
    assert len(seen) == 7 and seen == sorted(seen, reverse=True)


async def test_events_are_scoped_to_the_callers_messages(
    client: httpx.AsyncClient, world: World, services: Services, clock: FakeClock
) -> None:
    """Domain admins see their domains' messages (API and SMTP); a send key sees the messages
    sent with it; helpdesk staff see nothing."""
    await seed(services, world, clock)
    mine = await ids(client, world, "dom")
    assert {i[:2] for i in mine} == {"a1", "c3"} and len(mine) == 5
    assert {i[:2] for i in await ids(client, world, "dom2")} == {"b2"}
    assert await ids(client, world, "dom2", f"&message_id={API_ID}") == []
    sent = await ids(client, world, "send")
    assert {i[:2] for i in sent} == {"a1"} and len(sent) == 4
    assert await ids(client, world, "send", f"&message_id={SMTP_ID}") == []
    denied = await client.get("/api/v1/events", headers=world.auth("help"))
    assert_problem(denied, 403, "permission-denied")


async def test_event_query_problems(client: httpx.AsyncClient, world: World) -> None:
    """No key is 401; bad kinds, addresses, ids, cursors and times are 422 naming the field."""
    assert_problem(await client.get("/api/v1/events"), 401, "unauthorized")
    headers = world.auth("root")
    kind = await client.get("/api/v1/events?kind=opened", headers=headers)
    assert "kind.0" in field_errors(assert_problem(kind, 422, "validation"))
    recipient = await client.get("/api/v1/events?recipient=not-an-address", headers=headers)
    assert "recipient" in field_errors(assert_problem(recipient, 422, "invalid-input"))
    message = await client.get("/api/v1/events?message_id=a%20b", headers=headers)
    assert "message_id" in field_errors(assert_problem(message, 422, "invalid-input"))
    cursor = await client.get("/api/v1/events?cursor=WyJ4Il0", headers=headers)
    assert "cursor" in field_errors(assert_problem(cursor, 422, "invalid-input"))
    since = await client.get("/api/v1/events?since=yesterday", headers=headers)
    assert "since" in field_errors(assert_problem(since, 422, "validation"))
    far = await client.get("/api/v1/events?until=0001-01-01T00:00:00%2B01:00", headers=headers)
    assert "until" in field_errors(assert_problem(far, 422, "invalid-input"))
