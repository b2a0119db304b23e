"/webhooks: create (secret once), list, get, update, delete, delivery log, test event."

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mailwright.bootstrap import prepare_data_dir
from mailwright.config import Settings
from mailwright.delivery.webhooks import WebhookDispatcher
from mailwright.model.outbound import EventKind
from mailwright.services.container import Services
from mailwright.testing.webhooks import WebhookReceiver
from tests.conftest import NO_DNS, make_settings
from tests.integration.api.world import World, assert_problem, field_errors
from tests.sending_data import add_event
from tests.webhook_recipe import verify_signature


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """The usual test settings, with webhooks allowed to post to loopback."""
    result = make_settings(
        tmp_path / "data",
        database_url,
        delivery={"dkim_key_bits": 1024, **NO_DNS, "allow_private_webhooks": True},
    )
    prepare_data_dir(result, hostname="mail.example.test")
    return result


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as running:
        yield running


async def create(
    client: httpx.AsyncClient, world: World, url: str, **fields: object
) -> dict[str, object]:
    response = await client.post(
        "/api/v1/webhooks", json={"url": url, **fields}, headers=world.auth("root")
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


async def test_webhook_lifecycle(client: httpx.AsyncClient, world: World) -> None:
    """A webhook is made with its secret shown once, listed, changed, and deleted (audited)."""
    headers = world.auth("root")
    response = await client.post(
        "/api/v1/webhooks",
        json={"url": "https://hooks.example.org/a", "events": ["bounced", "failed"]},
        headers=headers,
    )
    assert response.status_code == 201
    created = response.json()
    assert response.headers["location"] == f"/api/v1/webhooks/{created['id']}"
    assert response.headers["cache-control"] == "no-store"
    assert created["secret"].startswith("whsec_")
    assert created["events"] == ["bounced", "failed"] and created["active"] is True
    assert created["created_by"] == f"apikey:{world.prefixes['root']}:root@example.test"
    second = await create(client, world, "https://hooks.example.org/b", description="CRM")
    assert second["events"] == [
        "queued",
        "delivered",
        "deferred",
        "bounced",
        "failed",
        "suppressed",
    ]
    one = await client.get(f"/api/v1/webhooks/{created['id']}", headers=headers)
    assert one.status_code == 200 and "secret" not in one.json()
    listed = await client.get("/api/v1/webhooks?limit=1", headers=headers)
    body = listed.json()
    assert [w["id"] for w in body["items"]] == [created["id"]] and body["next_cursor"]
    rest = await client.get(f"/api/v1/webhooks?cursor={body['next_cursor']}", headers=headers)
    assert [w["id"] for w in rest.json()["items"]] == [second["id"]]
    assert created["secret"] not in listed.text + rest.text
    changed = await client.patch(
        f"/api/v1/webhooks/{created['id']}",
        json={"active": False, "events": ["delivered"], "url": "https://hooks.example.org/c"},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["active"], changed.json()["events"], changed.json()["url"]) == (
        False,
        ["delivered"],
        "https://hooks.example.org/c",
    )
    kept = await client.patch(
        f"/api/v1/webhooks/{created['id']}", json={"description": "Ops"}, headers=headers
    )
    assert kept.json()["events"] == ["delivered"] and kept.json()["description"] == "Ops"
    deleted = await client.delete(f"/api/v1/webhooks/{created['id']}", headers=headers)
    assert deleted.status_code == 204
    gone = await client.get(f"/api/v1/webhooks/{created['id']}", headers=headers)
    assert_problem(gone, 404, "not-found")
    audit = await client.get("/api/v1/audit-events?action=webhook", headers=headers)
    actions = [e["action"] for e in audit.json()["items"]]
    assert (
        actions == ["webhook.delete", "webhook.update", "webhook.update"] + ["webhook.create"] * 2
    )
    assert created["secret"] not in audit.text


async def test_delivery_log_and_test_event(
    client: httpx.AsyncClient, world: World, services: Services, receiver: WebhookReceiver
) -> None:
    """The test call POSTs a signed test event and answers the outcome; the log lists it with
    the event deliveries, newest first, filtered by status."""
    headers = world.auth("root")
    created = await create(client, world, receiver.url())
    tested = await client.post(f"/api/v1/webhooks/{created['id']}/test", headers=headers)
    assert tested.status_code == 200, tested.text
    result = tested.json()
    assert (result["status"], result["response_code"], result["event_id"]) == ("delivered", 200, 0)
    (request,) = receiver.requests
    secret = str(created["secret"])
    signature = request.headers["Mailwright-Signature"]
    assert verify_signature(secret, signature, request.body, services.clock.now().timestamp())
    await add_event(services, "m1", "bob@remote.test", EventKind.DELIVERED)
    receiver.statuses.append(500)
    await WebhookDispatcher(services.webhooks).run_once()
    log = await client.get(f"/api/v1/webhooks/{created['id']}/deliveries", headers=headers)
    items = log.json()["items"]
    assert [(d["status"], d["response_code"]) for d in items] == [
        ("pending", 500),
        ("delivered", 200),
    ]
    assert items[0]["payload"]["event"]["recipient"] == "bob@remote.test"
    assert items[0]["next_attempt_at"] == "2026-01-05T09:00:30Z"
    pending = await client.get(
        f"/api/v1/webhooks/{created['id']}/deliveries?status=pending&limit=1", headers=headers
    )
    assert [d["id"] for d in pending.json()["items"]] == [items[0]["id"]]
    paged = await client.get(
        f"/api/v1/webhooks/{created['id']}/deliveries?limit=1", headers=headers
    )
    after = paged.json()["next_cursor"]
    older = await client.get(
        f"/api/v1/webhooks/{created['id']}/deliveries?cursor={after}", headers=headers
    )
    assert [d["id"] for d in older.json()["items"]] == [items[1]["id"]]


async def test_only_global_admins_manage_webhooks(client: httpx.AsyncClient, world: World) -> None:
    """Domain admins, helpdesk staff and send keys are refused every webhook call."""
    created = await create(client, world, "https://hooks.example.org/")
    calls = [
        ("GET", "/api/v1/webhooks", None),
        ("POST", "/api/v1/webhooks", {"url": "https://hooks.example.org/x"}),
        ("GET", f"/api/v1/webhooks/{created['id']}", None),
        ("PATCH", f"/api/v1/webhooks/{created['id']}", {"active": False}),
        ("DELETE", f"/api/v1/webhooks/{created['id']}", None),
        ("GET", f"/api/v1/webhooks/{created['id']}/deliveries", None),
        ("POST", f"/api/v1/webhooks/{created['id']}/test", None),
    ]
    for key in ("dom", "help", "send"):
        for method, path, body in calls:
            response = await client.request(method, path, json=body, headers=world.auth(key))
            assert_problem(response, 403, "permission-denied")
    assert_problem(await client.get("/api/v1/webhooks"), 401, "unauthorized")


async def test_webhook_problems(client: httpx.AsyncClient, world: World) -> None:
    """Bad URLs and kinds, extra fields and unknown or out-of-range ids are named problems."""
    headers = world.auth("root")
    for url in ("ftp://x.example/", "https://u:p@x.example/", "http://224.0.0.1/"):
        bad = await client.post("/api/v1/webhooks", json={"url": url}, headers=headers)
        assert "url" in field_errors(assert_problem(bad, 422, "invalid-input"))
    kind = await client.post(
        "/api/v1/webhooks",
        json={"url": "https://x.example/", "events": ["opened"]},
        headers=headers,
    )
    assert "events.0" in field_errors(assert_problem(kind, 422, "validation"))
    extra = await client.post(
        "/api/v1/webhooks", json={"url": "https://x.example/", "secret": "mine"}, headers=headers
    )
    assert "secret" in field_errors(assert_problem(extra, 422, "validation"))
    assert_problem(await client.get("/api/v1/webhooks/999", headers=headers), 404, "not-found")
    huge = await client.get("/api/v1/webhooks/99999999999", headers=headers)
    assert "webhook_id" in field_errors(assert_problem(huge, 422, "validation"))
    test_missing = await client.post("/api/v1/webhooks/999/test", headers=headers)
    assert_problem(test_missing, 404, "not-found")
    empty_url = await client.post(
        "/api/v1/webhooks", json={"url": "https://x.example/"}, headers=headers
    )
    patch = await client.patch(
        f"/api/v1/webhooks/{empty_url.json()['id']}", json={"url": " "}, headers=headers
    )
    assert "url" in field_errors(assert_problem(patch, 422, "invalid-input"))
