"""End to end: outbound mail to an SMTP sink acting as the remote MX, its events reaching a
webhook receiver signed, and delivered mail counted as usage."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mailwright.bootstrap import prepare_data_dir
from mailwright.config import Settings
from mailwright.delivery.routes import Router
from mailwright.delivery.webhooks import WebhookDispatcher
from mailwright.delivery.worker import DeliveryWorker
from mailwright.model.actors import Actor
from mailwright.model.admins import Role
from mailwright.model.api_keys import ApiKeyScope
from mailwright.model.outbound import EventKind, Origin, RecipientStatus
from mailwright.model.sending import NewApiMessage, NewRecipient
from mailwright.model.usage import UsageRow
from mailwright.platform import running_platform
from mailwright.services.container import Services
from mailwright.testing.clock import FakeClock
from mailwright.testing.sink import SmtpSink
from mailwright.testing.webhooks import WebhookReceiver
from tests.conftest import NO_DNS, make_settings
from tests.values import STRONG
from tests.webhook_recipe import verify_signature

OPERATOR = Actor.operator("tester")
MESSAGE = (
    b"From: Alice <alice@example.test>\r\nTo: ghost@remote.test\r\nSubject: Hello\r\n"
    b"Date: Mon, 05 Jan 2026 09:00:00 +0000\r\nMessage-ID: <1@example.test>\r\n\r\nHi\r\n"
)


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as running:
        yield running


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as running:
        yield running


@pytest.fixture
def settings(tmp_path: Path, database_url: str, sink: SmtpSink) -> Settings:
    """Test settings routing remote.test to the sink, webhooks allowed on loopback."""
    result = make_settings(
        tmp_path / "data",
        database_url,
        delivery={
            "dkim_key_bits": 1024,
            **NO_DNS,
            "allow_private_webhooks": True,
            "routes": {"remote.test": sink.address},
        },
    )
    prepare_data_dir(result, hostname="mail.example.test")
    return result


def worker(services: Services, sink: SmtpSink) -> DeliveryWorker:
    return DeliveryWorker(
        services,
        Router(routes={"remote.test": sink.address}),
        helo="mail.example.test",
        tls="opportunistic",
        batch_size=50,
        per_destination=2,
        timeout=10,
    )


async def setup(services: Services) -> None:
    await services.domains.add(OPERATOR, "example.test")
    await services.mailboxes.create(OPERATOR, "alice@example.test", STRONG)


async def usage(services: Services) -> list[UsageRow]:
    async with services.database.snapshot() as tx:
        return await tx.usage.list_rows()


async def test_hard_bounce_reaches_the_webhook_signed(
    services: Services, sink: SmtpSink, receiver: WebhookReceiver, clock: FakeClock
) -> None:
    """A 5xx from the remote MX bounces the recipient, suppresses the address, and the
    webhook receives the bounced event with a valid signature."""
    await setup(services)
    created = await services.webhooks.create(OPERATOR, receiver.url(), events=["bounced"])
    sink.handler.rcpt_replies.append("550 5.1.1 No such user here")
    report = await services.delivery.deliver(
        MESSAGE,
        sender="alice@example.test",
        recipients=["ghost@remote.test"],
        origin=Origin.API,
        submitted_by="alice@example.test",
    )
    assert await worker(services, sink).run_once() == 1
    async with services.database.snapshot() as tx:
        events = await tx.delivery.list_events(message_id=report.queued_id)
        suppressed = await tx.suppressions.find("ghost@remote.test")
    assert [e.kind for e in events] == [EventKind.BOUNCED]
    assert suppressed is not None
    assert await WebhookDispatcher(services.webhooks).run_once() == 2
    (request,) = receiver.requests
    header = request.headers["Mailwright-Signature"]
    assert verify_signature(created.secret, header, request.body, clock.now().timestamp())
    event = json.loads(request.body)["event"]
    assert (event["kind"], event["recipient"], event["message_id"]) == (
        "bounced",
        "ghost@remote.test",
        report.queued_id,
    )
    assert "5.1.1 No such user here" in event["reply"]
    assert request.headers["Mailwright-Event-Id"] == str(events[0].id)
    assert await usage(services) == []


async def test_delivered_mail_is_counted_per_key_and_domain(
    services: Services, sink: SmtpSink, clock: FakeClock
) -> None:
    """Delivered recipients of API mail count for its key and domain, SMTP mail of hosted
    senders for the key "" and the sender's domain; forwarded and bounced mail not at all."""
    await setup(services)
    blob, _ = await services.delivery.store_blob(MESSAGE)
    api_message = NewApiMessage(
        id="ab" * 16,
        api_key_prefix="k1testkey0",
        domain="example.test",
        from_address="alice@example.test",
        subject="Hello",
        tags=(),
        metadata={},
        template_name=None,
        template_version=None,
        sandbox=False,
        created_at=clock.now(),
        blob=blob.digest,
        size=blob.size,
        submitted_by="apikey:k1testkey0",
        recipients=tuple(
            NewRecipient(a, RecipientStatus.QUEUED, "")
            for a in ("bob@remote.test", "carol@remote.test", "ghost@remote.test")
        ),
    )
    async with services.database.transaction() as tx:
        await tx.api_messages.add_many([api_message])
    sink.handler.rcpt_replies.extend(["250 OK", "250 OK", "550 5.1.1 Unknown"])
    for sender, recipient in (
        ("alice@example.test", "dave@remote.test"),
        ("someone@elsewhere.test", "erin@remote.test"),
    ):
        await services.delivery.deliver(
            MESSAGE, sender=sender, recipients=[recipient], origin=Origin.SMTP, submitted_by="x"
        )
    assert await worker(services, sink).run_once() == 5
    rows = {(r.api_key_prefix, r.domain): (r.month, r.delivered) for r in await usage(services)}
    assert rows == {
        ("k1testkey0", "example.test"): ("2026-01", 2),
        ("", "example.test"): ("2026-01", 1),
    }


async def test_serve_runs_the_dispatcher(
    settings: Settings, clock: FakeClock, sink: SmtpSink, receiver: WebhookReceiver
) -> None:
    """Inside the running platform a webhook made over the REST API receives delivery events
    without anyone driving the worker or the dispatcher."""
    async with running_platform(settings, clock=clock) as platform:
        services = platform.services
        await setup(services)
        await services.admins.add(OPERATOR, "alice@example.test", Role.GLOBAL_ADMIN, [])
        key = await services.api_keys.create(OPERATOR, "alice@example.test", ApiKeyScope.ADMIN)
        async with httpx.AsyncClient(base_url=platform.url("/api/v1")) as client:
            response = await client.post(
                "/webhooks",
                json={"url": receiver.url(), "events": ["delivered"]},
                headers={"Authorization": f"Bearer {key.key}"},
            )
        assert response.status_code == 201, response.text
        await services.delivery.deliver(
            MESSAGE,
            sender="alice@example.test",
            recipients=["bob@remote.test"],
            origin=Origin.SMTP,
            submitted_by="alice@example.test",
        )
        (request,) = await asyncio.to_thread(receiver.wait_for, 1, 30.0)
        secret = response.json()["secret"]
        header = request.headers["Mailwright-Signature"]
        assert verify_signature(secret, header, request.body, clock.now().timestamp())
        assert json.loads(request.body)["event"]["recipient"] == "bob@remote.test"
