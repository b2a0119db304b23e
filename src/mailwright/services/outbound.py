"""Outbound delivery decisions: which recipients are due, what an attempt's outcome means
(delivered, deferred with backoff, bounced, failed, suppressed), events, the suppression list
and bounces to senders. The delivery worker does the network part and reports here.

Rules:
1. A 2xx reply delivers. A 5xx reply (or a permanent routing error, such as a null MX)
   bounces the recipient at once and suppresses the address (hard bounce).
2. A 4xx reply or a network error defers: the next attempt waits base * 2^(attempts-1),
   capped; once the message is older than the maximum age it gives up.
3. Giving up or bouncing sends a DSN (RFC 3464) to the sender of mail submitted over SMTP
   (never for the null sender, so bounces never bounce); API mail gets a ``failed`` event.
4. A suppressed recipient is never attempted: it gets a ``suppressed`` event.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mailwright.model.interfaces import BlobStore, Clock, Database, Transaction
from mailwright.model.outbound import (
    Attempt,
    ClaimedRecipient,
    EventKind,
    NewDeliveryEvent,
    Origin,
    RecipientStatus,
    SuppressionReason,
)
from mailwright.protocols.smtp.dsn import FailedRecipient, compose_dsn
from mailwright.services.local_delivery import LocalDelivery
from mailwright.services.usage import UsageService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff and give-up age of deferred deliveries."""

    base_seconds: float = 60.0
    max_seconds: float = 3600.0
    max_age: timedelta = timedelta(days=5)
    lease: timedelta = timedelta(minutes=10)

    def delay(self, attempts: int) -> timedelta:
        """Wait before attempt number ``attempts + 1``."""
        seconds = min(self.base_seconds * 2 ** max(attempts - 1, 0), self.max_seconds)
        return timedelta(seconds=seconds)


@dataclass(frozen=True)
class AttemptResult:
    """What one attempt to deliver to one recipient gave.

    ``code`` is the SMTP reply code, or None when no reply came (network, DNS, TLS error).
    """

    recipient: ClaimedRecipient
    code: int | None
    reply: str
    remote_host: str = ""
    permanent: bool = False

    @property
    def delivered(self) -> bool:
        """2xx."""
        return self.code is not None and 200 <= self.code < 300

    @property
    def rejected(self) -> bool:
        """5xx, or a failure known to be permanent."""
        return self.permanent or (self.code is not None and self.code >= 500)


@dataclass
class _Bounce:
    sender: str
    message_id: str
    blob: str
    arrival: datetime
    failures: list[FailedRecipient]


@dataclass
class _Round:
    """The outcomes of one worker round, written together at its end."""

    owner: str
    now: datetime
    attempts: list[Attempt] = field(default_factory=list)
    events: list[NewDeliveryEvent] = field(default_factory=list)

    def settle(
        self,
        item: ClaimedRecipient,
        status: RecipientStatus,
        kind: EventKind,
        reply: str,
        remote_host: str = "",
        *,
        retry_at: datetime | None = None,
    ) -> None:
        self.attempts.append(Attempt(item.id, status, retry_at, reply, self.now))
        self.events.append(
            NewDeliveryEvent(item.message_id, item.recipient, kind, self.now, reply, remote_host)
        )

    async def write(self, tx: Transaction) -> None:
        await tx.delivery.record_attempts(self.owner, self.attempts)
        await tx.delivery.add_events(self.events)


class OutboundService:
    """Claims, outcomes, events, suppressions and bounces of the outbound queue."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        blobs: BlobStore,
        local: LocalDelivery,
        *,
        policy: RetryPolicy,
        hostname: str,
        usage: UsageService | None = None,
    ) -> None:
        self._db = database
        self._clock = clock
        self._blobs = blobs
        self._local = local
        self.policy = policy
        self._hostname = hostname
        self._usage = usage

    async def claim(self, owner: str, limit: int) -> list[ClaimedRecipient]:
        """Lease due recipients; suppressed ones are settled at once and not returned."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            claimed = await tx.delivery.claim_due(
                now, owner=owner, lease_until=now + self.policy.lease, limit=limit
            )
            suppressed = await tx.suppressions.find_many([c.recipient for c in claimed])
            round_ = _Round(owner, now)
            for item in claimed:
                if item.recipient in suppressed:
                    round_.settle(
                        item,
                        RecipientStatus.SUPPRESSED,
                        EventKind.SUPPRESSED,
                        "Address is on the suppression list",
                    )
            await round_.write(tx)
        return [c for c in claimed if c.recipient not in suppressed]

    async def complete(self, owner: str, results: Sequence[AttemptResult]) -> None:
        """Record every attempt's outcome (one transaction, one statement for the attempts
        and one for the events), then send the bounces. An outcome for a recipient whose
        lease ``owner`` lost (it expired and another worker claimed it) is dropped whole: no
        status, event, suppression, bounce or usage; the new owner settles it."""
        now = self._clock.now()
        bounces: dict[str, _Bounce] = {}
        round_ = _Round(owner, now)
        async with self._db.transaction() as tx:
            held = await tx.delivery.still_leased(owner, [r.recipient.id for r in results])
            if len(held) < len(results):
                log.warning(
                    "worker %s lost the lease of %d recipient(s); their outcomes are dropped",
                    owner,
                    len(results) - len(held),
                )
            results = [r for r in results if r.recipient.id in held]
            for result in results:
                failure = await self._record(tx, round_, result)
                item = result.recipient
                if failure is not None and item.origin is Origin.SMTP and item.sender:
                    bounce = bounces.setdefault(
                        item.message_id,
                        _Bounce(item.sender, item.message_id, item.blob, item.created_at, []),
                    )
                    bounce.failures.append(failure)
            await round_.write(tx)
            if self._usage is not None:
                delivered = [r.recipient for r in results if r.delivered]
                await self._usage.count_delivered(tx, delivered, now)
        for bounce in bounces.values():
            await self._send_bounce(bounce, now)

    async def release(self, owner: str, recipients: Sequence[ClaimedRecipient]) -> None:
        """Hand claimed recipients back untried (a worker shutting down)."""
        async with self._db.transaction() as tx:
            await tx.delivery.release([r.id for r in recipients], owner)

    async def _record(
        self, tx: Transaction, round_: _Round, result: AttemptResult
    ) -> FailedRecipient | None:
        item = result.recipient
        now = round_.now
        if result.delivered:
            round_.settle(
                item,
                RecipientStatus.DELIVERED,
                EventKind.DELIVERED,
                result.reply,
                result.remote_host,
            )
            return None
        if result.rejected:
            round_.settle(
                item, RecipientStatus.BOUNCED, EventKind.BOUNCED, result.reply, result.remote_host
            )
            await tx.suppressions.add(
                item.recipient, SuppressionReason.HARD_BOUNCE, result.reply[:500], now
            )
            return _failure(result, "5.0.0")
        if now - item.created_at >= self.policy.max_age:
            final = RecipientStatus.FAILED if item.origin is Origin.API else RecipientStatus.BOUNCED
            kind = EventKind.FAILED if final is RecipientStatus.FAILED else EventKind.BOUNCED
            days = self.policy.max_age.total_seconds() / 86400
            last = f"{result.code} {result.reply}" if result.code else result.reply
            reply = f"Gave up after {days:g} days; last attempt: {last}"
            round_.settle(item, final, kind, reply, result.remote_host)
            # RFC 3463: 4.4.7, delivery time expired.
            return FailedRecipient(item.recipient, "4.4.7", reply, result.remote_host)
        retry_at = now + self.policy.delay(item.attempts + 1)
        round_.settle(
            item,
            RecipientStatus.DEFERRED,
            EventKind.DEFERRED,
            result.reply,
            result.remote_host,
            retry_at=retry_at,
        )
        return None

    async def _send_bounce(self, bounce: _Bounce, now: datetime) -> None:
        try:
            original = self._blobs.read(bounce.blob)
        except FileNotFoundError:
            original = b""
        end = original.find(b"\r\n\r\n")
        header = original[: end + 2] if end >= 0 else original
        postmaster = "mailer-daemon@" + self._hostname
        dsn = compose_dsn(
            reporting_mta=self._hostname,
            postmaster=postmaster,
            original_sender=bounce.sender,
            original_header=header,
            arrival=bounce.arrival,
            now=now,
            failures=bounce.failures,
            queue_id=bounce.message_id,
        )
        try:
            await self._local.deliver(
                dsn,
                sender="",
                recipients=[bounce.sender],
                origin=Origin.SYSTEM,
                submitted_by="mailer-daemon",
            )
        except Exception:
            log.exception(
                "could not send the bounce for %s to %s", bounce.message_id, bounce.sender
            )


def _failure(result: AttemptResult, default_status: str) -> FailedRecipient:
    status = _enhanced(result.reply) or (
        f"{str(result.code)[0]}.0.0" if result.code else default_status
    )
    diagnostic = f"{result.code} {result.reply}" if result.code else result.reply
    return FailedRecipient(result.recipient.recipient, status, diagnostic, result.remote_host)


def _enhanced(reply: str) -> str | None:
    head = reply.split(" ", 1)[0]
    parts = head.split(".")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and parts[0] in ("4", "5"):
        return head
    return None
