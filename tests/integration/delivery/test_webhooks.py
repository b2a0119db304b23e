"""The webhook dispatcher against a real HTTP receiver on 127.0.0.1: signatures, retries on the
fake clock, giving up, the SSRF rule, concurrent dispatchers."""

from __future__ import annotations

import asyncio
import ipaddress
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from mailwright.bootstrap import prepare_data_dir
from mailwright.config import Settings
from mailwright.delivery.webhooks import HttpWebhookPoster, WebhookDispatcher
from mailwright.model.actors import Actor
from mailwright.model.errors import InvalidInput
from mailwright.model.outbound import EventKind
from mailwright.model.webhooks import IPAddress, WebhookDeliveryStatus, WebhookRetryPolicy
from mailwright.security.sealing import Sealer
from mailwright.services.container import Services
from mailwright.services.webhooks import SEALING_PURPOSE, WebhookService
from mailwright.testing.clock import FakeClock
from mailwright.testing.webhooks import WebhookReceiver
from tests.conftest import NO_DNS, make_settings
from tests.webhook_recipe import verify_signature

OPERATOR = Actor.operator("tester")


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


async def add_event(
    services: Services, kind: EventKind, recipient: str = "bob@remote.test", message: str = "m1"
) -> int:
    async with services.database.transaction() as tx:
        event = await tx.delivery.add_event(
            message,
            recipient,
            kind,
            at=services.clock.now(),
            reply="250 2.0.0 Ok",
            remote_host="mx",
        )
    return event.id


async def log(services: Services, webhook_id: int) -> list[tuple[WebhookDeliveryStatus, int]]:
    found = await services.webhooks.deliveries(OPERATOR, webhook_id)
    return [(d.status, d.attempts) for d in reversed(found)]


async def test_posts_signed_events_the_webhook_wants(
    services: Services, receiver: WebhookReceiver, clock: FakeClock
) -> None:
    """Each wanted event is POSTed once as signed JSON; other kinds and older events are not."""
    await add_event(services, EventKind.DELIVERED, message="before")
    created = await services.webhooks.create(
        OPERATOR, receiver.url(), events=["bounced", "delivered"], description="CRM"
    )
    bounced = await add_event(services, EventKind.BOUNCED)
    await add_event(services, EventKind.DEFERRED)
    dispatcher = WebhookDispatcher(services.webhooks)
    assert await dispatcher.run_once() == 2
    (request,) = receiver.requests
    assert request.path == "/hook" and request.headers["Content-Type"] == "application/json"
    header = request.headers["Mailwright-Signature"]
    assert verify_signature(created.secret, header, request.body, now=clock.now().timestamp())
    assert not verify_signature(created.secret, header, request.body + b"x")
    assert request.headers["Mailwright-Event-Id"] == str(bounced)
    payload = json.loads(request.body)
    assert payload["webhook_id"] == created.webhook.id and payload["test"] is False
    event = payload["event"]
    assert (event["id"], event["kind"], event["recipient"]) == (
        bounced,
        "bounced",
        "bob@remote.test",
    )
    assert event["at"] == "2026-01-05T09:00:00Z" and event["reply"] == "250 2.0.0 Ok"
    assert await dispatcher.run_once() == 0
    assert len(receiver.requests) == 1
    assert await log(services, created.webhook.id) == [(WebhookDeliveryStatus.DELIVERED, 1)]


async def test_retries_with_backoff_then_succeeds(
    services: Services, receiver: WebhookReceiver, clock: FakeClock
) -> None:
    """A 500 and a timeout-free failure are retried after 30 s, then 60 s, on the fake clock."""
    created = await services.webhooks.create(OPERATOR, receiver.url())
    receiver.statuses.extend([500, 503])
    await add_event(services, EventKind.DELIVERED)
    dispatcher = WebhookDispatcher(services.webhooks)
    assert await dispatcher.run_once() == 2
    (pending,) = await services.webhooks.deliveries(OPERATOR, created.webhook.id)
    assert (pending.status, pending.response_code, pending.response_body) == (
        WebhookDeliveryStatus.PENDING,
        500,
        "status 500",
    )
    assert pending.next_attempt_at == clock.now() + timedelta(seconds=30)
    clock.advance(29)
    assert await dispatcher.run_once() == 0
    clock.advance(1)
    assert await dispatcher.run_once() == 1
    clock.advance(59)
    assert await dispatcher.run_once() == 0
    clock.advance(1)
    assert await dispatcher.run_once() == 1
    assert len(receiver.requests) == 3
    assert len({r.headers["Mailwright-Event-Id"] for r in receiver.requests}) == 1
    (done,) = await services.webhooks.deliveries(OPERATOR, created.webhook.id)
    assert (done.status, done.attempts, done.response_code) == (
        WebhookDeliveryStatus.DELIVERED,
        3,
        200,
    )
    assert done.delivered_at == clock.now() and done.next_attempt_at is None


async def test_gives_up_after_the_maximum_age(
    services: Services, receiver: WebhookReceiver, clock: FakeClock
) -> None:
    """A receiver that keeps failing gets attempts until the delivery is a day old, then the
    delivery has failed and stays in the log."""
    created = await services.webhooks.create(OPERATOR, receiver.url())
    receiver.default_status = 500
    await add_event(services, EventKind.BOUNCED)
    dispatcher = WebhookDispatcher(services.webhooks)
    for _ in range(100):
        await dispatcher.run_once()
        clock.advance(3600)
    (failed,) = await services.webhooks.deliveries(OPERATOR, created.webhook.id)
    assert failed.status is WebhookDeliveryStatus.FAILED and failed.next_attempt_at is None
    assert 6 < failed.attempts == len(receiver.requests) < 40
    failed_only = await services.webhooks.deliveries(
        OPERATOR, created.webhook.id, status=WebhookDeliveryStatus.FAILED
    )
    assert [d.id for d in failed_only] == [failed.id]


async def test_redirects_are_not_followed(services: Services, receiver: WebhookReceiver) -> None:
    """A 3xx answer is a failure to retry, and its Location is never requested."""
    created = await services.webhooks.create(OPERATOR, receiver.url("/first"))
    receiver.redirect_to = receiver.url("/elsewhere")
    await add_event(services, EventKind.DELIVERED)
    await WebhookDispatcher(services.webhooks).run_once()
    assert [r.path for r in receiver.requests] == ["/first"]
    (pending,) = await services.webhooks.deliveries(OPERATOR, created.webhook.id)
    assert (pending.status, pending.response_code) == (WebhookDeliveryStatus.PENDING, 302)


async def test_unreachable_receiver_is_logged_and_retried(services: Services) -> None:
    """A refused connection is recorded with its reason and retried later."""
    with WebhookReceiver() as gone:
        url = gone.url()
    created = await services.webhooks.create(OPERATOR, url)
    await add_event(services, EventKind.DELIVERED)
    await WebhookDispatcher(services.webhooks).run_once()
    (pending,) = await services.webhooks.deliveries(OPERATOR, created.webhook.id)
    assert pending.status is WebhookDeliveryStatus.PENDING and pending.response_code is None
    assert pending.response_body.startswith("Connection failed")


async def test_disabled_webhooks_hear_nothing_until_enabled(
    services: Services, receiver: WebhookReceiver
) -> None:
    """Events while a webhook is disabled are skipped; once enabled it hears new events."""
    created = await services.webhooks.create(OPERATOR, receiver.url())
    hook_id = created.webhook.id
    await services.webhooks.update(OPERATOR, hook_id, active=False)
    await add_event(services, EventKind.DELIVERED, message="while-off")
    dispatcher = WebhookDispatcher(services.webhooks)
    assert await dispatcher.run_once() == 0
    await services.webhooks.update(OPERATOR, hook_id, active=True)
    await add_event(services, EventKind.DELIVERED, message="after")
    assert await dispatcher.run_once() == 2
    (request,) = receiver.requests
    assert json.loads(request.body)["event"]["message_id"] == "after"


async def test_test_event_is_sent_at_once_and_logged(
    services: Services, receiver: WebhookReceiver, clock: FakeClock
) -> None:
    """A test event goes out immediately, signed, marked as a test, and is never retried."""
    created = await services.webhooks.create(OPERATOR, receiver.url())
    delivery = await services.webhooks.send_test(OPERATOR, created.webhook.id)
    assert delivery.status is WebhookDeliveryStatus.DELIVERED and delivery.is_test
    (request,) = receiver.requests
    assert verify_signature(
        created.secret,
        request.headers["Mailwright-Signature"],
        request.body,
        clock.now().timestamp(),
    )
    assert request.headers["Mailwright-Event-Id"] == f"test-{delivery.id}"
    assert json.loads(request.body)["test"] is True
    receiver.default_status = 500
    failed = await services.webhooks.send_test(OPERATOR, created.webhook.id)
    assert failed.status is WebhookDeliveryStatus.FAILED and failed.response_code == 500
    clock.advance(86400)
    assert await WebhookDispatcher(services.webhooks).run_once() == 0
    assert len(receiver.requests) == 2


async def test_secret_is_stored_sealed(services: Services, receiver: WebhookReceiver) -> None:
    """The database holds the secret only sealed under the server secret."""
    created = await services.webhooks.create(OPERATOR, receiver.url())
    stored = await services.webhooks.get(OPERATOR, created.webhook.id)
    assert created.secret not in stored.secret_sealed
    sealer = Sealer(services.secret.derive(SEALING_PURPOSE), SEALING_PURPOSE)
    assert sealer.unseal(stored.secret_sealed).decode() == created.secret


async def test_refuses_private_targets_when_not_allowed(
    services: Services, receiver: WebhookReceiver, clock: FakeClock
) -> None:
    """Without the setting, loopback URLs are refused when saved, and a name resolving to a
    private address is refused at every POST (DNS rebinding), logged and nothing is sent."""
    sealer = Sealer(services.secret.derive(SEALING_PURPOSE), SEALING_PURPOSE)

    async def rebinding(host: str, port: int) -> list[IPAddress]:
        assert host == "hooks.example.com"
        return [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("127.0.0.1")]

    strict = WebhookService(
        services.database,
        clock,
        services.audit,
        sealer,
        HttpWebhookPoster(allow_private=False, resolver=rebinding),
        policy=WebhookRetryPolicy(),
        allow_private=False,
    )
    for url in (receiver.url(), f"http://localhost:{receiver.port}/", "http://[::1]/"):
        with pytest.raises(InvalidInput):
            await strict.create(OPERATOR, url)
    created = await strict.create(OPERATOR, f"http://hooks.example.com:{receiver.port}/hook")
    await add_event(services, EventKind.BOUNCED)
    dispatcher = WebhookDispatcher(strict)
    assert await dispatcher.run_once() == 2
    assert receiver.requests == []
    (refused,) = await strict.deliveries(OPERATOR, created.webhook.id)
    assert refused.status is WebhookDeliveryStatus.PENDING and refused.response_code is None
    assert "127.0.0.1" in refused.response_body and "not a public address" in refused.response_body


async def test_poster_connects_to_the_checked_address(receiver: WebhookReceiver) -> None:
    """The poster connects to the address it resolved and checked, keeping the name in Host."""

    async def fixed(host: str, port: int) -> list[IPAddress]:
        return [ipaddress.ip_address("127.0.0.1")]

    poster = HttpWebhookPoster(allow_private=True, resolver=fixed)
    url = f"http://receiver.example.net:{receiver.port}/named"
    result = await poster.post(url, b"{}", {"Content-Type": "application/json"})
    assert result.ok and result.body == "status 200"
    (request,) = receiver.requests
    assert request.headers["Host"] == f"receiver.example.net:{receiver.port}"
    private = HttpWebhookPoster(allow_private=False)
    refused = await private.post(f"http://localhost:{receiver.port}/", b"{}", {})
    assert refused.status is None and "not a public address" in refused.error
    assert len(receiver.requests) == 1


async def test_concurrent_dispatchers_never_send_twice(
    services: Services, receiver: WebhookReceiver
) -> None:
    """Dispatchers running at the same time hand each event over once and POST it once
    (SKIP LOCKED on PostgreSQL, the single writer on SQLite)."""
    await services.webhooks.create(OPERATOR, receiver.url())
    await services.webhooks.create(OPERATOR, receiver.url("/second"))
    ids = [await add_event(services, EventKind.DELIVERED, message=f"m{n}") for n in range(12)]
    dispatchers = [WebhookDispatcher(services.webhooks, batch_size=5) for _ in range(3)]
    for _ in range(6):
        await asyncio.gather(*(d.run_once() for d in dispatchers))
    sent = [(r.path, r.headers["Mailwright-Event-Id"]) for r in receiver.requests]
    assert len(sent) == len(set(sent)) == 2 * len(ids)


async def test_waits_at_a_gap_in_event_ids_until_it_is_old(
    services: Services, receiver: WebhookReceiver, clock: FakeClock
) -> None:
    """An event after a missing id (a transaction still committing, or rolled back) waits
    until it is a minute old; then the gap is skipped."""
    created = await services.webhooks.create(OPERATOR, receiver.url())
    async with services.database.transaction() as tx:
        latest = await tx.message_events.latest_id()
    async with services.database.transaction() as tx:
        await tx.webhooks.update(
            created.webhook.id,
            url=receiver.url(),
            description="",
            events=created.webhook.events,
            active=True,
            cursor=latest - 1,
        )
    await add_event(services, EventKind.DELIVERED)
    dispatcher = WebhookDispatcher(services.webhooks)
    assert await dispatcher.run_once() == 0
    clock.advance(61)
    assert await dispatcher.run_once() == 2
    assert len(receiver.requests) == 1


async def test_running_dispatcher_delivers_without_being_driven(
    services: Services, receiver: WebhookReceiver
) -> None:
    """The dispatcher loop picks up new events by itself and stops when told."""
    await services.webhooks.create(OPERATOR, receiver.url())
    dispatcher = WebhookDispatcher(services.webhooks, poll_seconds=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run(stop))
    await add_event(services, EventKind.DELIVERED)
    await asyncio.to_thread(receiver.wait_for, 1)
    stop.set()
    await task
