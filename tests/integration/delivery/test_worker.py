"""The delivery worker against an SMTP sink on loopback acting as the remote MX."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import dkim
import pytest

from mailwright.delivery.routes import Router
from mailwright.delivery.worker import DeliveryWorker
from mailwright.model.actors import Actor
from mailwright.model.mailstore import INBOX
from mailwright.model.outbound import EventKind, Origin, RecipientStatus
from mailwright.services.container import Services
from mailwright.services.outbound import AttemptResult
from mailwright.testing.clock import FakeClock
from mailwright.testing.sink import SmtpSink
from tests.values import STRONG

MESSAGE = (
    b"From: Alice <alice@example.test>\r\nTo: bob@remote.test\r\nSubject: Hello\r\n"
    b"Date: Mon, 05 Jan 2026 09:00:00 +0000\r\nMessage-ID: <1@example.test>\r\n\r\nHi Bob\r\n"
)


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as running:
        yield running


def worker(services: Services, sink: SmtpSink) -> DeliveryWorker:
    router = Router(routes={"remote.test": sink.address, "other.test": sink.address})
    return DeliveryWorker(
        services,
        router,
        helo="mail.example.test",
        tls="opportunistic",
        batch_size=50,
        per_destination=2,
        timeout=10,
    )


async def setup(services: Services) -> None:
    operator = Actor.operator("t")
    await services.domains.add(operator, "example.test")
    await services.mailboxes.create(operator, "alice@example.test", STRONG)


async def submit(
    services: Services,
    *recipients: str,
    message: bytes = MESSAGE,
    sender: str = "alice@example.test",
    origin: Origin = Origin.SMTP,
) -> str:
    report = await services.delivery.deliver(
        message, sender=sender, recipients=list(recipients), origin=origin, submitted_by=sender
    )
    assert report.queued_id is not None
    return report.queued_id


async def events(services: Services, message_id: str) -> list[tuple[str, EventKind]]:
    async with services.database.snapshot() as tx:
        found = await tx.delivery.list_events(message_id=message_id, limit=1000)
    return [(e.recipient, e.kind) for e in found]


async def inbox(services: Services, address: str) -> list[bytes]:
    mailbox = await services.mailboxes.get(Actor.system(), address)
    async with services.database.snapshot() as tx:
        folder = await tx.folders.find(mailbox.id, INBOX)
        assert folder is not None
        rows = await tx.messages.list_folder(folder.id)
    return [services.blobs.read(r.blob) for r in rows]


async def test_delivers_with_valid_dkim_signature(services: Services, sink: SmtpSink) -> None:
    """Queued mail reaches the remote server, DKIM-signed with the domain's key."""
    await setup(services)
    message_id = await submit(services, "bob@remote.test")
    assert await worker(services, sink).run_once() == 1
    (received,) = sink.handler.received
    assert received.recipients == ["bob@remote.test"]
    assert received.data.startswith(b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;")
    key = await services.dkim.active_key("example.test")
    assert key is not None

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name.decode().rstrip(".") == key.dns_name
        return key.dns_value.encode()

    assert dkim.verify(received.data, dnsfunc=dns)
    assert await events(services, message_id) == [("bob@remote.test", EventKind.DELIVERED)]
    assert await worker(services, sink).run_once() == 0


async def test_every_message_of_a_run_is_signed_once_the_key_is_remembered(
    services: Services, sink: SmtpSink
) -> None:
    """After the first message the key is remembered and later ones are read and signed on a
    signing thread: each still carries a valid signature; mail from a domain without a key
    here leaves unsigned, also from the remembered answer."""
    await setup(services)
    for n in range(4):
        await submit(services, "bob@remote.test", message=MESSAGE.replace(b"Hi Bob", b"Hi %d" % n))
    foreign = MESSAGE.replace(b"alice@example.test", b"carol@elsewhere.test")
    for n in range(2):
        await submit(services, "bob@remote.test", message=foreign + b"%d\r\n" % n)
    assert await worker(services, sink).run_once() == 6
    key = await services.dkim.active_key("example.test")
    assert key is not None

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name.decode().rstrip(".") == key.dns_name
        return key.dns_value.encode()

    received = [r.data for r in sink.handler.received]
    signed = sorted(d for d in received if d.startswith(b"DKIM-Signature:"))
    assert len(signed) == 4 and all(dkim.verify(d, dnsfunc=dns) for d in signed)
    assert sorted(b"Hi %d" % n in d for d in signed for n in range(4)).count(True) == 4
    assert sorted(d for d in received if d not in signed) == sorted(
        foreign + b"%d\r\n" % n for n in range(2)
    )


async def test_deferred_then_delivered_on_the_fake_clock(
    services: Services, sink: SmtpSink, clock: FakeClock
) -> None:
    """A 4xx defers with backoff; once the clock reaches the retry time it is delivered."""
    await setup(services)
    sink.handler.rcpt_replies.append("451 4.7.1 Greylisted, try later")
    message_id = await submit(services, "bob@remote.test")
    deliverer = worker(services, sink)
    assert await deliverer.run_once() == 1
    assert await deliverer.run_once() == 0
    clock.advance(59)
    assert await deliverer.run_once() == 0
    clock.advance(2)
    assert await deliverer.run_once() == 1
    assert await events(services, message_id) == [
        ("bob@remote.test", EventKind.DEFERRED),
        ("bob@remote.test", EventKind.DELIVERED),
    ]
    assert len(sink.handler.received) == 1


async def test_hard_bounce_suppresses_and_sends_a_dsn(services: Services, sink: SmtpSink) -> None:
    """A 5xx bounces, suppresses the address, and the sender gets an RFC 3464 report."""
    await setup(services)
    sink.handler.rcpt_replies.append("550 5.1.1 No such user here")
    message_id = await submit(services, "ghost@remote.test")
    await worker(services, sink).run_once()
    assert await events(services, message_id) == [("ghost@remote.test", EventKind.BOUNCED)]
    async with services.database.snapshot() as tx:
        suppressed = await tx.suppressions.find("ghost@remote.test")
    assert suppressed is not None and "5.1.1" in suppressed.detail
    (dsn,) = await inbox(services, "alice@example.test")
    assert b"Content-Type: multipart/report; report-type=delivery-status" in dsn
    assert b"Final-Recipient: rfc822; ghost@remote.test" in dsn
    assert b"Status: 5.1.1" in dsn and b"Subject: Hello" in dsn
    again = await submit(services, "ghost@remote.test")
    await worker(services, sink).run_once()
    assert await events(services, again) == [("ghost@remote.test", EventKind.SUPPRESSED)]
    assert sink.handler.received == []


async def test_gives_up_after_max_age(services: Services, sink: SmtpSink, clock: FakeClock) -> None:
    """A destination that keeps deferring bounces once the message is older than 5 days;
    API mail gets a failed event instead of a DSN."""
    await setup(services)
    sink.handler.rcpt_default = "421 4.3.2 Busy"
    smtp_id = await submit(services, "bob@remote.test")
    api_id = await submit(services, "carol@remote.test", origin=Origin.API)
    deliverer = worker(services, sink)
    for _ in range(200):
        await deliverer.run_once()
        clock.advance(3600)
        async with services.database.snapshot() as tx:
            if not await tx.delivery.pending_count():
                break
    assert (await events(services, smtp_id))[-1] == ("bob@remote.test", EventKind.BOUNCED)
    assert (await events(services, api_id))[-1] == ("carol@remote.test", EventKind.FAILED)
    (dsn,) = await inbox(services, "alice@example.test")
    assert b"Status: 4.4.7" in dsn and b"421 4.3.2 Busy" in dsn


async def test_crashed_worker_lease_expires(
    services: Services, sink: SmtpSink, clock: FakeClock
) -> None:
    """Recipients claimed by a worker that died are claimed again after the lease."""
    await setup(services)
    message_id = await submit(services, "bob@remote.test")
    claimed = await services.outbound.claim("dead-worker", 10)
    assert len(claimed) == 1
    survivor = worker(services, sink)
    assert await survivor.run_once() == 0
    clock.advance(601)
    assert await survivor.run_once() == 1
    assert await events(services, message_id) == [("bob@remote.test", EventKind.DELIVERED)]
    async with services.database.snapshot() as tx:
        message = await tx.outbound.find(message_id)
    assert message is not None and message.recipients[0].status is RecipientStatus.DELIVERED


async def test_one_connection_for_several_messages(services: Services, sink: SmtpSink) -> None:
    """Messages for the same host in one round share one SMTP connection."""
    await setup(services)
    for n in range(5):
        await submit(services, f"user{n}@remote.test", "x@other.test")
    await worker(services, sink).run_once()
    assert len(sink.handler.received) == 10
    assert sink.handler.connections <= 2


async def test_null_sender_bounces_never_bounce(services: Services, sink: SmtpSink) -> None:
    """A failing message with the null sender produces no DSN."""
    await setup(services)
    sink.handler.rcpt_replies.append("550 5.1.1 Unknown")
    await submit(services, "ghost@remote.test", sender="")
    await worker(services, sink).run_once()
    assert await inbox(services, "alice@example.test") == []


async def test_worker_loop_wakes_on_new_mail(services: Services, sink: SmtpSink) -> None:
    """The running worker delivers newly queued mail without polling delay."""
    await setup(services)
    deliverer = worker(services, sink)
    services.events.subscribe(deliverer.on_event)
    stop = asyncio.Event()
    task = asyncio.create_task(deliverer.run(stop))
    await submit(services, "bob@remote.test")
    deadline = asyncio.get_running_loop().time() + 10
    while not sink.handler.received:  # the sink runs in its own thread: poll with a deadline
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.01)
    stop.set()
    await task


async def test_concurrent_claims_never_overlap(services: Services) -> None:
    """Workers claiming at the same time get disjoint recipients (SKIP LOCKED on PostgreSQL,
    the single writer on SQLite)."""
    await setup(services)
    for n in range(4):
        await submit(services, *(f"u{n}-{i}@remote.test" for i in range(5)))
    first, second = await asyncio.gather(
        services.outbound.claim("worker-a", 10), services.outbound.claim("worker-b", 10)
    )
    ids_a = {c.id for c in first}
    ids_b = {c.id for c in second}
    assert len(ids_a) == 10 and len(ids_b) == 10 and not ids_a & ids_b


async def test_outcomes_of_a_round_are_stored_together_and_respect_leases(
    services: Services, clock: FakeClock
) -> None:
    """One round's outcomes (several recipients, several kinds) are all stored with their
    events; an outcome from a worker whose lease expired and was taken over is not stored."""
    await setup(services)
    kept = await submit(services, "a@remote.test", "b@remote.test", "c@remote.test")
    claimed = {c.recipient: c for c in await services.outbound.claim("w1", 10)}
    assert set(claimed) == {"a@remote.test", "b@remote.test", "c@remote.test"}
    clock.advance(601)
    (taken,) = [c for c in await services.outbound.claim("w2", 1)]
    late = AttemptResult(claimed[taken.recipient], 250, "2.0.0 Ok", "mx.remote.test")
    await services.outbound.complete("w1", [late])
    others = sorted(r for r in claimed if r != taken.recipient)
    await services.outbound.complete(
        "w2",
        [
            AttemptResult(taken, 451, "4.3.0 Try later", "mx.remote.test"),
            AttemptResult(claimed[others[0]], 250, "2.0.0 Ok", "mx.remote.test"),
        ],
    )
    async with services.database.snapshot() as tx:
        message = await tx.outbound.find(kept)
    assert message is not None
    status = {r.recipient: r.status for r in message.recipients}
    # w2's lease holds for the recipient it claimed; w1's late outcome was not stored.
    assert status[taken.recipient] is RecipientStatus.DEFERRED
    # The other two were leased by w1, whose lease expired: w2 could not settle them either.
    assert status[others[0]] is not RecipientStatus.DELIVERED
    got = await events(services, kept)
    assert (taken.recipient, EventKind.DEFERRED) in got


async def test_an_outcome_after_a_lost_lease_leaves_no_trace(
    services: Services, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A worker whose lease expired and was taken over reports a 5xx late: nothing of it is
    stored (no status, event, suppression, bounce to the sender); the loss is logged."""
    await setup(services)
    message_id = await submit(services, "bob@remote.test")
    (first,) = await services.outbound.claim("w1", 10)
    clock.advance(601)
    (second,) = await services.outbound.claim("w2", 10)
    assert second.id == first.id
    await services.outbound.complete("w1", [AttemptResult(first, 550, "5.1.1 No such user")])
    assert "lost the lease of 1 recipient" in caplog.text
    async with services.database.snapshot() as tx:
        message = await tx.outbound.find(message_id)
        suppressed = await tx.suppressions.find_many(["bob@remote.test"])
    assert message is not None and message.recipients[0].status is not RecipientStatus.BOUNCED
    assert await events(services, message_id) == []
    assert not suppressed
    assert await inbox(services, "alice@example.test") == []
    await services.outbound.complete("w2", [AttemptResult(second, 250, "2.0.0 Ok")])
    assert await events(services, message_id) == [("bob@remote.test", EventKind.DELIVERED)]
