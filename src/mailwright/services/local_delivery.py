"""Local delivery: store a message once and index it in the INBOX of every hosted recipient;
queue it for remote ones.

Order of durability (nothing the server answered 250 to may be lost, nothing half-written may
remain): 1. the body is written to its content-addressed file and fsynced (file and directory);
2. one transaction inserts the index rows (UIDs allocated under the folder's lock), bumps the
quota counters and queues remote recipients; 3. only after the commit does the caller answer
250 and do live IMAP sessions hear about it. A crash before 2 commits leaves at most an
unreferenced file, which garbage collection may remove; never an index row without a file.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from mailwright.model.errors import InvalidInput, MailwrightError, NotFound
from mailwright.model.events import CredentialsChanged, Event, MessagesAdded, OutboundQueued
from mailwright.model.interfaces import BlobStore, Clock, Database, EventHub, Transaction
from mailwright.model.mailboxes import Mailbox
from mailwright.model.mailstore import BlobRef, NewMessage
from mailwright.model.outbound import Origin
from mailwright.protocols.mime.parser import parse_structure
from mailwright.services.routing import Destination, Route, Verdict, resolve

log = logging.getLogger(__name__)

# Parsing a small message inline is cheaper than a thread hop; big ones go to a thread.
_INLINE_PARSE_LIMIT = 256 * 1024


RCPT_CACHE_SECONDS = 5.0
MAX_BATCH = 64
"""Messages committed in one transaction at most."""
MAX_HOPS = 50
"""RFC 5321 6.3: more Received headers than this means a loop."""


@dataclass(frozen=True)
class RecipientCheck:
    """The RCPT-time verdict for one address (``over_quota`` only for a single mailbox)."""

    verdict: Verdict
    over_quota: bool = False


@dataclass(frozen=True)
class DeliveryReport:
    """What happened to a delivered message."""

    blob: BlobRef
    delivered_to: tuple[str, ...]
    queued_id: str | None
    queued_to: tuple[str, ...]
    skipped: tuple[str, ...]


class OverQuota(InvalidInput):
    """The message does not fit in a recipient's quota."""

    kind = "over-quota"


def new_queue_id() -> str:
    """A queue id: 16 random bytes in hex (unguessable, sortable enough by created_at)."""
    return secrets.token_hex(16)


def count_hops(message: bytes) -> int:
    """How many Received header fields the message has (its header only)."""
    end = message.find(b"\r\n\r\n")
    header = message[: end if end >= 0 else len(message)]
    return sum(1 for line in header.split(b"\r\n") if line[:9].lower() == b"received:")


@dataclass
class _Job:
    """One message waiting for the group commit."""

    blob: BlobRef
    structure: dict[str, object]
    sender: str
    recipients: Sequence[str]
    origin: Origin
    submitted_by: str
    future: asyncio.Future[DeliveryReport]
    folders: list[tuple[int, int]] = field(default_factory=list)


class _RouteCache:
    """A small time-limited memory of resolved recipients."""

    def __init__(self, seconds: float, size: int = 10_000) -> None:
        self._seconds = seconds
        self._size = size
        self._entries: dict[str, tuple[float, Route]] = {}

    def get(self, address: str) -> Route | None:
        found = self._entries.get(address)
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    def put(self, address: str, route: Route) -> None:
        if len(self._entries) >= self._size:
            self._entries.clear()
        self._entries[address] = (time.monotonic() + self._seconds, route)

    def clear(self) -> None:
        self._entries.clear()


class LocalDelivery:
    """Delivers to hosted mailboxes and queues for remote addresses.

    Concurrent deliveries are committed together (group commit): while one write transaction
    runs, new messages wait, and the next transaction takes all of them. Each message is
    checked completely before anything of it is written, so one refused message never
    disturbs the others in its transaction.
    """

    def __init__(
        self, database: Database, blobs: BlobStore, clock: Clock, events: EventHub
    ) -> None:
        self._db = database
        self._blobs = blobs
        self._clock = clock
        self._events = events
        self._pending: list[_Job] = []
        self._drainer: asyncio.Task[None] | None = None
        self._rcpt_cache = _RouteCache(RCPT_CACHE_SECONDS)

    def on_event(self, event: Event) -> None:
        """Event-hub subscriber: a disabled or removed mailbox is forgotten at once."""
        if isinstance(event, CredentialsChanged):
            self._rcpt_cache.clear()

    async def check_recipient(self, address: str, size: int = 0) -> RecipientCheck:
        """Whether ``address`` would receive mail now (for SMTP RCPT).

        Hosted recipients found here are remembered for a few seconds (``RCPT_CACHE_SECONDS``):
        RCPT checks are the hottest lookup of an MX. Only positive answers are remembered, so a
        new mailbox receives mail at once; a mailbox disabled or removed meanwhile is still
        refused, because delivery resolves every recipient again inside its transaction.
        """
        route = self._rcpt_cache.get(address)
        if route is None:
            async with self._db.read() as tx:
                route = await resolve(tx, address)
            if route.verdict is Verdict.LOCAL:
                self._rcpt_cache.put(address, route)
        single = route.mailboxes[0].mailbox if _single(route) else None
        return RecipientCheck(route.verdict, single is not None and _over_quota(single, size))

    async def store_blob(self, message: bytes) -> tuple[BlobRef, dict[str, object]]:
        """Write the body durably and parse its MIME structure (off the loop when large)."""
        blob = await asyncio.to_thread(self._blobs.put, message)
        if len(message) <= _INLINE_PARSE_LIMIT:
            structure = parse_structure(message).to_json()
        else:
            structure = (await asyncio.to_thread(parse_structure, message)).to_json()
        return blob, structure

    async def deliver(
        self,
        message: bytes,
        *,
        sender: str,
        recipients: Sequence[str],
        origin: Origin,
        submitted_by: str,
    ) -> DeliveryReport:
        """Deliver ``message`` to every recipient: hosted mailboxes get it in INBOX, remote
        addresses (and aliases pointing outside) get it queued. Returns once committed.

        Raises:
            OverQuota: it does not fit a single-mailbox recipient's quota (nothing stored).
            InvalidInput: no recipient can take it, or it has looped (too many hops).
        """
        if count_hops(message) > MAX_HOPS:
            raise InvalidInput("The message has passed too many servers (a mail loop).")
        blob, structure = await self.store_blob(message)
        future: asyncio.Future[DeliveryReport] = asyncio.get_running_loop().create_future()
        job = _Job(blob, structure, sender, recipients, origin, submitted_by, future)
        self._pending.append(job)
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain())
        report = await asyncio.shield(future)
        for mailbox_id, folder_id in job.folders:
            self._events.publish(MessagesAdded(mailbox_id, folder_id))
        if report.queued_id is not None:
            self._events.publish(OutboundQueued(report.queued_id))
        return report

    async def _drain(self) -> None:
        while self._pending:
            batch = self._pending[:MAX_BATCH]
            del self._pending[:MAX_BATCH]
            await self._commit(batch)

    async def _commit(self, batch: list[_Job]) -> None:
        try:
            async with self._db.transaction() as tx:
                outcomes = await self._apply(tx, batch, self._clock.now())
        except Exception as error:
            log.exception("delivery transaction failed for %d messages", len(batch))
            for job in batch:
                if not job.future.done():
                    job.future.set_exception(error)
            return
        for job, outcome in zip(batch, outcomes, strict=True):
            if job.future.done():
                continue
            if isinstance(outcome, MailwrightError):
                job.folders.clear()
                job.future.set_exception(outcome)
            else:
                job.future.set_result(outcome)

    async def _apply(
        self, tx: Transaction, batch: list[_Job], now: datetime
    ) -> list[DeliveryReport | MailwrightError]:
        """Check every message of the batch completely (no write before its checks passed),
        then write them grouped: one UID allocation and one INSERT per folder, one quota
        update per mailbox, whatever the number of messages."""
        routes: dict[str, Route] = {}
        usage: dict[int, int] = {}
        plans: list[tuple[_Job, list[Destination], list[str]]] = []
        outcomes: list[DeliveryReport | MailwrightError] = []
        for job in batch:
            try:
                for recipient in job.recipients:
                    if recipient not in routes:
                        routes[recipient] = await resolve(tx, recipient)
                job_routes = [routes[r] for r in job.recipients]
                destinations, remote = _destinations(job_routes)
                targets, skipped = _fitting(destinations, job_routes, job.blob.size, usage)
                if not targets and not remote:
                    raise InvalidInput("No recipient can receive this message.")
            except MailwrightError as refused:
                outcomes.append(refused)
                continue
            for target in targets:
                usage[target.mailbox.id] = usage.get(target.mailbox.id, 0) + job.blob.size
                job.folders.append((target.mailbox.id, target.inbox_id))
            plans.append((job, targets, remote))
            outcomes.append(
                DeliveryReport(
                    job.blob,
                    tuple(t.mailbox.address for t in targets),
                    None,
                    tuple(remote),
                    tuple(m.address for m in skipped),
                )
            )
        by_folder: dict[int, list[_Job]] = {}
        for job, targets, _remote in plans:
            for target in targets:
                by_folder.setdefault(target.inbox_id, []).append(job)
        for folder_id, jobs in by_folder.items():
            first_uid, modseq = await tx.folders.allocate(folder_id, len(jobs))
            new = [
                NewMessage(job.blob.digest, job.blob.size, now, frozenset(), job.structure)
                for job in jobs
            ]
            await tx.messages.add_many(folder_id, first_uid, modseq, new)
        for mailbox_id, added in usage.items():
            await tx.mailboxes.add_used_bytes(mailbox_id, added)
        queued: dict[int, str] = {}
        for job, _targets, remote in plans:
            if remote:
                queued_id = new_queue_id()
                await tx.outbound.enqueue(
                    queued_id,
                    blob=job.blob.digest,
                    size=job.blob.size,
                    sender=job.sender,
                    origin=job.origin,
                    submitted_by=job.submitted_by,
                    recipients=remote,
                    created_at=now,
                )
                queued[id(job)] = queued_id
        return [
            outcome
            if isinstance(outcome, MailwrightError) or id(job) not in queued
            else replace(outcome, queued_id=queued[id(job)])
            for job, outcome in zip(batch, outcomes, strict=True)
        ]

    async def submit(self, sender: str, recipients: list[str], message: bytes) -> None:
        """The ``Postmaster`` interface: deliver a message Mailwright itself wrote."""
        await self.deliver(
            message,
            sender=sender,
            recipients=recipients,
            origin=Origin.SYSTEM,
            submitted_by="system",
        )

    async def append(
        self,
        mailbox_id: int,
        folder_name: str,
        message: bytes,
        *,
        flags: frozenset[str],
        internal_date: datetime | None,
    ) -> tuple[int, int, int]:
        """Store ``message`` in one folder of one mailbox (IMAP APPEND); returns
        (folder UIDVALIDITY, UID, folder id).

        Raises:
            NotFound: no such folder. OverQuota: it does not fit the quota.
        """
        blob, structure = await self.store_blob(message)
        async with self._db.transaction() as tx:
            mailbox = await tx.mailboxes.find_by_id(mailbox_id)
            folder = await tx.folders.find(mailbox_id, folder_name)
            if mailbox is None or folder is None:
                raise NotFound(f"There is no folder {folder_name}.")
            if _over_quota(mailbox, blob.size):
                raise OverQuota("The message does not fit in the mailbox's quota.")
            first_uid, modseq = await tx.folders.allocate(folder.id, 1)
            when = internal_date or self._clock.now()
            new = NewMessage(blob.digest, blob.size, when, flags, structure)
            await tx.messages.add_many(folder.id, first_uid, modseq, [new])
            await tx.mailboxes.add_used_bytes(mailbox.id, blob.size)
        self._events.publish(MessagesAdded(mailbox_id, folder.id))
        return folder.uidvalidity, first_uid, folder.id


def _single(route: Route) -> bool:
    return len(route.mailboxes) == 1 and not route.remote


def _over_quota(mailbox: Mailbox, size: int, already: int = 0) -> bool:
    return (
        mailbox.quota_bytes is not None
        and mailbox.used_bytes + already + size > mailbox.quota_bytes
    )


def _destinations(routes: Sequence[Route]) -> tuple[list[Destination], list[str]]:
    found: dict[int, Destination] = {}
    remote: dict[str, None] = {}
    for route in routes:
        if route.verdict in (Verdict.UNKNOWN, Verdict.DISABLED):
            continue
        for destination in route.mailboxes:
            found.setdefault(destination.mailbox.id, destination)
        remote.update(dict.fromkeys(route.remote))
    return list(found.values()), list(remote)


def _fitting(
    destinations: Sequence[Destination],
    routes: Sequence[Route],
    size: int,
    usage: dict[int, int],
) -> tuple[list[Destination], list[Mailbox]]:
    """Split into mailboxes the message fits and those over quota. A recipient that is a
    single mailbox over quota refuses the whole message (the sender hears 552 and keeps it);
    members of an alias that are over quota are skipped."""
    single = {r.mailboxes[0].mailbox.id for r in routes if _single(r)}
    fitting: list[Destination] = []
    skipped: list[Mailbox] = []
    for destination in destinations:
        mailbox = destination.mailbox
        if not _over_quota(mailbox, size, usage.get(mailbox.id, 0)):
            fitting.append(destination)
        elif mailbox.id in single:
            raise OverQuota(f"The mailbox {mailbox.address} is over its quota.")
        else:
            skipped.append(mailbox)
    return fitting, skipped
