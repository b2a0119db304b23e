"""Webhooks: managing them, handing delivery events to them, and POSTing with retries.

Rules:
1. Only global admins manage webhooks (a webhook hears the events of every domain).
2. A webhook's signing secret is made here, shown once, and stored sealed.
3. Fan-out: each active webhook follows ``delivery_events`` by id from its cursor; every
   event it wants becomes one delivery in the same transaction that moves the cursor, so an
   event is handed to a webhook once, even with several dispatchers (the webhook row is
   locked; PostgreSQL skips rows another dispatcher holds).
4. Ids are assigned when a row is inserted but become visible when its transaction commits,
   which on PostgreSQL may be out of order. The cursor therefore stops before a gap in the
   ids until the event after the gap is ``GAP_GRACE`` old; by then the missing id belonged
   to a transaction that rolled back.
5. A delivery is POSTed (never while a database transaction is open) until a 2xx answer;
   otherwise it is retried with exponential backoff until it is ``max_age`` old, then it
   has failed. Deliveries are kept as the webhook's log.
6. A test event is POSTed at once, once, and logged like any other delivery.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from mailwright.model.actors import Actor
from mailwright.model.errors import NotFound
from mailwright.model.interfaces import Clock, Database, WebhookPoster, WebhookRepository
from mailwright.model.message_events import EventQuery, MessageEvent
from mailwright.model.outbound import EventKind
from mailwright.model.webhooks import (
    ClaimedWebhookDelivery,
    NewWebhookDelivery,
    PostResult,
    Webhook,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookRetryPolicy,
    parse_description,
    parse_event_kinds,
    parse_webhook_url,
)
from mailwright.security.sealing import Sealer
from mailwright.security.webhook_signatures import (
    SIGNATURE_HEADER,
    new_webhook_secret,
    signature_header,
)
from mailwright.services.audit import AuditLog
from mailwright.services.authorization import require_global

SEALING_PURPOSE = "webhook-secrets"
"""The label of the server-secret key that seals webhook secrets."""
GAP_GRACE = timedelta(seconds=60)
FAN_OUT_BATCH = 500
USER_AGENT = "Mailwright-Webhooks/1"
TEST_MESSAGE_ID = "test"


@dataclass(frozen=True)
class CreatedWebhook:
    """A new webhook; ``secret`` signs its requests and is shown this once."""

    webhook: Webhook
    secret: str


def event_payload(event: MessageEvent) -> dict[str, Any]:
    """An event as JSON, the same object the events API lists."""
    e = event.event
    return {
        "id": e.id,
        "kind": e.kind.value,
        "at": iso_time(e.at),
        "message_id": e.message_id,
        "recipient": e.recipient,
        "reply": e.reply,
        "remote_host": e.remote_host,
        "tags": list(event.tags),
        "metadata": dict(event.metadata),
    }


def iso_time(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, as the REST API writes times."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def encode_body(payload: Mapping[str, Any]) -> bytes:
    """The exact bytes POSTed (and signed): compact JSON, keys sorted."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def take_contiguous(
    events: Sequence[MessageEvent], cursor: int, now: datetime
) -> list[MessageEvent]:
    """The events a webhook at ``cursor`` may take now (rule 4)."""
    taken: list[MessageEvent] = []
    expected = cursor + 1
    for item in events:
        if item.event.id != expected and now - item.event.at < GAP_GRACE:
            break
        taken.append(item)
        expected = item.event.id + 1
    return taken


class WebhookService:
    """Use cases of webhooks, and the steps the dispatcher runs."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        audit: AuditLog,
        sealer: Sealer,
        poster: WebhookPoster,
        *,
        policy: WebhookRetryPolicy,
        allow_private: bool,
    ) -> None:
        self._db = database
        self._clock = clock
        self._audit = audit
        self._sealer = sealer
        self._poster = poster
        self.policy = policy
        self._allow_private = allow_private

    async def create(
        self,
        actor: Actor,
        url: str,
        *,
        events: list[str] | None = None,
        description: str = "",
    ) -> CreatedWebhook:
        """Make a webhook hearing ``events`` (all kinds when None or empty) from now on.

        Raises:
            InvalidInput: a bad URL (or a refused address), event kind or description.
            PermissionDenied: not a global admin.
        """
        require_global(actor, "manage webhooks")
        target = parse_webhook_url(url, allow_private=self._allow_private)
        kinds = parse_event_kinds(events)
        label = parse_description(description)
        secret = new_webhook_secret()
        async with self._db.transaction() as tx:
            latest = await tx.message_events.latest_id()
            webhook = await tx.webhooks.add(
                url=target,
                description=label,
                secret_sealed=self._sealer.seal(secret.encode()),
                events=kinds,
                cursor=latest,
                created_at=self._clock.now(),
                created_by=actor.name,
            )
            await self._audit.record(
                tx, actor, "webhook.create", _target(webhook.id), details=_details(webhook)
            )
        return CreatedWebhook(webhook, secret)

    async def list_webhooks(self, actor: Actor) -> list[Webhook]:
        """Every webhook, oldest first. Raises: PermissionDenied."""
        require_global(actor, "manage webhooks")
        async with self._db.snapshot() as tx:
            return await tx.webhooks.list_all()

    async def get(self, actor: Actor, webhook_id: int) -> Webhook:
        """Raises: NotFound, PermissionDenied."""
        require_global(actor, "manage webhooks")
        async with self._db.snapshot() as tx:
            return await _load(tx.webhooks, webhook_id)

    async def update(
        self,
        actor: Actor,
        webhook_id: int,
        *,
        url: str | None = None,
        events: list[str] | None = None,
        active: bool | None = None,
        description: str | None = None,
    ) -> Webhook:
        """Change what is given. A webhook enabled again hears events from now on.

        Raises:
            InvalidInput, NotFound, PermissionDenied.
        """
        require_global(actor, "manage webhooks")
        target = (
            parse_webhook_url(url, allow_private=self._allow_private) if url is not None else None
        )
        kinds = parse_event_kinds(events) if events is not None else None
        label = parse_description(description) if description is not None else None
        async with self._db.transaction() as tx:
            old = await _load(tx.webhooks, webhook_id)
            enabling = active is True and not old.active
            cursor = await tx.message_events.latest_id() if enabling else old.cursor
            await tx.webhooks.update(
                webhook_id,
                url=target or old.url,
                description=old.description if label is None else label,
                events=old.events if kinds is None else kinds,
                active=old.active if active is None else active,
                cursor=cursor,
            )
            new = await _load(tx.webhooks, webhook_id)
            await self._audit.record(
                tx, actor, "webhook.update", _target(webhook_id), details=_details(new)
            )
        return new

    async def delete(self, actor: Actor, webhook_id: int) -> None:
        """Delete a webhook and its delivery log. Raises: NotFound, PermissionDenied."""
        require_global(actor, "manage webhooks")
        async with self._db.transaction() as tx:
            webhook = await _load(tx.webhooks, webhook_id)
            await tx.webhooks.delete(webhook_id)
            await self._audit.record(
                tx, actor, "webhook.delete", _target(webhook_id), details={"url": webhook.url}
            )

    async def deliveries(
        self,
        actor: Actor,
        webhook_id: int,
        *,
        status: WebhookDeliveryStatus | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> list[WebhookDelivery]:
        """A webhook's delivery log, newest first. Raises: NotFound, PermissionDenied."""
        require_global(actor, "manage webhooks")
        async with self._db.snapshot() as tx:
            await _load(tx.webhooks, webhook_id)
            return await tx.webhooks.list_deliveries(
                webhook_id, status=status, before_id=before_id, limit=limit
            )

    async def send_test(self, actor: Actor, webhook_id: int) -> WebhookDelivery:
        """POST a test event now, once (also to a disabled webhook); returns the logged
        outcome. Raises: NotFound, PermissionDenied."""
        require_global(actor, "manage webhooks")
        now = self._clock.now()
        async with self._db.transaction() as tx:
            webhook = await _load(tx.webhooks, webhook_id)
            (delivery_id,) = await tx.webhooks.add_deliveries(
                [NewWebhookDelivery(webhook.id, 0, _test_payload(webhook, now), now, due=False)]
            )
            await self._audit.record(tx, actor, "webhook.test", _target(webhook.id))
            delivery = await tx.webhooks.find_delivery(delivery_id)
        assert delivery is not None
        claimed = ClaimedWebhookDelivery(delivery, webhook.url, webhook.secret_sealed)
        return await self.attempt(claimed, retry=False)

    async def fan_out(self, limit: int = FAN_OUT_BATCH) -> int:
        """Turn new events into deliveries for the webhooks that want them (rules 3 and 4);
        returns how many deliveries were made."""
        async with self._db.read() as tx:
            latest = await tx.message_events.latest_id()
            hooks = await tx.webhooks.list_all()
        if not any(h.active and h.cursor < latest for h in hooks):
            return 0
        now = self._clock.now()
        made = 0
        async with self._db.transaction() as tx:
            for hook in await tx.webhooks.lock_behind(latest):
                events = await tx.message_events.search(
                    EventQuery(after_id=hook.cursor, limit=limit)
                )
                taken = take_contiguous(events, hook.cursor, now)
                if not taken:
                    continue
                new = [
                    NewWebhookDelivery(hook.id, e.event.id, _payload(hook, e), now)
                    for e in taken
                    if hook.wants(e.event.kind)
                ]
                await tx.webhooks.add_deliveries(new)
                await tx.webhooks.set_cursor(hook.id, taken[-1].event.id)
                made += len(new)
        return made

    async def claim(self, limit: int) -> list[ClaimedWebhookDelivery]:
        """Claim due deliveries for one attempt each (see ``WebhookRepository.claim_due``)."""
        now = self._clock.now()
        async with self._db.read() as tx:
            if not await tx.webhooks.check_due(now):
                return []
        async with self._db.transaction() as tx:
            return await tx.webhooks.claim_due(
                now, lease_until=now + self.policy.lease, limit=limit
            )

    async def attempt(
        self, claimed: ClaimedWebhookDelivery, *, retry: bool = True
    ) -> WebhookDelivery:
        """POST one claimed delivery and record the outcome (rule 5); returns it as logged."""
        delivery = claimed.delivery
        body = encode_body(delivery.payload)
        secret = self._sealer.unseal(claimed.secret_sealed).decode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            SIGNATURE_HEADER: signature_header(secret, int(self._clock.now().timestamp()), body),
            "Mailwright-Event-Id": _event_header(delivery),
            "Mailwright-Delivery-Id": str(delivery.id),
        }
        result = await self._poster.post(claimed.url, body, headers)
        now = self._clock.now()
        next_at: datetime | None = None
        if result.ok:
            status = WebhookDeliveryStatus.DELIVERED
        elif retry and now - delivery.created_at < self.policy.max_age:
            status = WebhookDeliveryStatus.PENDING
            next_at = now + self.policy.delay(delivery.attempts)
        else:
            status = WebhookDeliveryStatus.FAILED
        delivered_at = now if result.ok else None
        # Recording must happen even when the caller is cancelled mid-way (shutdown), or the
        # delivery would only be retried after its lease.
        await asyncio.shield(
            self._record(delivery, status=status, result=result, next_at=next_at, at=delivered_at)
        )
        return WebhookDelivery(
            delivery.id,
            delivery.webhook_id,
            delivery.event_id,
            delivery.payload,
            status,
            delivery.attempts,
            result.status,
            result.summary(),
            next_at,
            delivery.created_at,
            delivered_at,
        )

    async def _record(
        self,
        delivery: WebhookDelivery,
        *,
        status: WebhookDeliveryStatus,
        result: PostResult,
        next_at: datetime | None,
        at: datetime | None,
    ) -> None:
        async with self._db.transaction() as tx:
            await tx.webhooks.record(
                delivery.id,
                attempts=delivery.attempts,
                status=status,
                result=result,
                next_attempt_at=next_at,
                delivered_at=at,
            )


async def _load(repository: WebhookRepository, webhook_id: int) -> Webhook:
    webhook = await repository.find(webhook_id)
    if webhook is None:
        raise NotFound(f"There is no webhook {webhook_id}.")
    return webhook


def _payload(webhook: Webhook, event: MessageEvent) -> dict[str, Any]:
    return {"webhook_id": webhook.id, "test": False, "event": event_payload(event)}


def _test_payload(webhook: Webhook, now: datetime) -> dict[str, Any]:
    event = {
        "id": 0,
        "kind": EventKind.DELIVERED.value,
        "at": iso_time(now),
        "message_id": TEST_MESSAGE_ID,
        "recipient": "test@example.invalid",
        "reply": "250 2.0.0 This is a test event from Mailwright.",
        "remote_host": "",
        "tags": [],
        "metadata": {},
    }
    return {"webhook_id": webhook.id, "test": True, "event": event}


def _event_header(delivery: WebhookDelivery) -> str:
    return f"test-{delivery.id}" if delivery.is_test else str(delivery.event_id)


def _target(webhook_id: int) -> str:
    return f"webhook:{webhook_id}"


def _details(webhook: Webhook) -> dict[str, str | int | bool | None]:
    return {
        "url": webhook.url,
        "events": ", ".join(sorted(k.value for k in webhook.events)),
        "active": webhook.active,
    }
