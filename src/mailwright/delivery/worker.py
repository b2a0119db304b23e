"""The delivery worker: claim due recipients, deliver them, report the outcomes.

Inside ``mailwright serve`` one or more workers run as a platform component; ``mailwright
worker`` runs them alone. Several workers (processes or machines) may share a PostgreSQL
database: claims are leases taken with ``FOR UPDATE SKIP LOCKED``, and a crashed worker's
leases expire and are claimed again, so every message is delivered at least once.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import secrets
import socket
from collections import defaultdict
from collections.abc import Sequence

from mailwright.delivery.routes import Destination, Router
from mailwright.delivery.sender import RemoteSession, Reply, SessionFailed, TlsPolicy
from mailwright.model.addresses import find_address
from mailwright.model.errors import MailwrightError
from mailwright.model.events import Event, OutboundQueued
from mailwright.model.outbound import ClaimedRecipient, Origin
from mailwright.services.container import Services
from mailwright.services.outbound import AttemptResult

log = logging.getLogger(__name__)

IDLE_POLL_SECONDS = 5.0
_MIN_SHARE = 4
"""Fewest messages worth a connection of their own."""


class DeliveryWorker:
    """Delivers what the outbound queue holds."""

    def __init__(
        self,
        services: Services,
        router: Router,
        *,
        helo: str,
        tls: TlsPolicy,
        batch_size: int,
        per_destination: int,
        timeout: float,
    ) -> None:
        self._services = services
        self._router = router
        self._helo = helo
        self._tls = tls
        self._batch = batch_size
        self._timeout = timeout
        self._per_destination = per_destination
        self._limits: dict[tuple[str, int], asyncio.Semaphore] = {}
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._wake = asyncio.Event()

    def on_event(self, event: Event) -> None:
        """Event-hub subscriber: new mail in the queue wakes the worker."""
        if isinstance(event, OutboundQueued):
            self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; sleep when idle until woken or a poll interval."""
        while not stop.is_set():
            try:
                done = await self.run_once()
            except Exception:
                log.exception("delivery worker %s: a round failed", self.owner)
                done = 0
            if done:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(IDLE_POLL_SECONDS):
                    stop_wait = asyncio.ensure_future(stop.wait())
                    wake_wait = asyncio.ensure_future(self._wake.wait())
                    try:
                        await asyncio.wait(
                            {stop_wait, wake_wait}, return_when=asyncio.FIRST_COMPLETED
                        )
                    finally:
                        stop_wait.cancel()
                        wake_wait.cancel()

    async def run_once(self) -> int:
        """One round: claim a batch, deliver it, record the outcomes. Returns how many."""
        outbound = self._services.outbound
        claimed = await outbound.claim(self.owner, self._batch)
        if not claimed:
            return 0
        local, remote = await self._split(claimed)
        # Concurrent local deliveries share the local delivery's group commit.
        results = list(await asyncio.gather(*(self._deliver_local(item) for item in local)))
        by_domain: dict[str, list[ClaimedRecipient]] = defaultdict(list)
        for item in remote:
            by_domain[item.recipient.rpartition("@")[2]].append(item)
        groups = await asyncio.gather(
            *(self._deliver_domain(domain, items) for domain, items in by_domain.items())
        )
        for group in groups:
            results.extend(group)
        await outbound.complete(self.owner, results)
        return len(claimed)

    async def _split(
        self, claimed: Sequence[ClaimedRecipient]
    ) -> tuple[list[ClaimedRecipient], list[ClaimedRecipient]]:
        hosted = await self._services.domains.hosted_names()
        local: list[ClaimedRecipient] = []
        remote: list[ClaimedRecipient] = []
        for item in claimed:
            parsed = find_address(item.recipient)
            domain = parsed.domain if parsed else item.recipient.rpartition("@")[2]
            (local if domain in hosted else remote).append(item)
        return local, remote

    async def _deliver_local(self, item: ClaimedRecipient) -> AttemptResult:
        """API mail to hosted addresses goes through local delivery."""
        data = self._services.blobs.read(item.blob)
        try:
            await self._services.delivery.deliver(
                data,
                sender=item.sender,
                recipients=[item.recipient],
                origin=Origin.SYSTEM,
                submitted_by=f"queue:{item.message_id}",
            )
        except MailwrightError as error:
            return AttemptResult(item, 550, error.message, "local", permanent=True)
        return AttemptResult(item, 250, "Delivered to a hosted mailbox", "local")

    async def _deliver_domain(
        self, domain: str, items: list[ClaimedRecipient]
    ) -> list[AttemptResult]:
        destination = await self._router.route(domain)
        if not destination.hosts:
            return [
                AttemptResult(i, None, destination.error, "", destination.permanent) for i in items
            ]
        # Many messages for one destination go over several connections at once (up to
        # concurrency_per_destination), each carrying a share of the messages.
        shares = _shares(items, self._per_destination)
        groups = await asyncio.gather(*(self._deliver_share(destination, s) for s in shares))
        return [result for group in groups for result in group]

    async def _deliver_share(
        self, destination: Destination, items: list[ClaimedRecipient]
    ) -> list[AttemptResult]:
        failure = Reply(None, "no host tried")
        for host, port in destination.hosts:
            limit = self._limits.setdefault((host, port), asyncio.Semaphore(self._per_destination))
            async with limit:
                session = RemoteSession(host, port, helo=self._helo, timeout=self._timeout)
                try:
                    await session.open(self._tls, destination.credentials)
                except SessionFailed as error:
                    failure = error.reply
                    if error.reply.code is not None and error.reply.code >= 500:
                        break
                    continue
                try:
                    return await self._send_all(session, items)
                finally:
                    await session.close()
        return [
            AttemptResult(
                i, failure.code, failure.text, "", failure.code is not None and failure.code >= 500
            )
            for i in items
        ]

    async def _signed(self, item: ClaimedRecipient) -> bytes:
        return await self._services.signer.sign_stored(
            functools.partial(self._services.blobs.read, item.blob)
        )

    async def _send_all(
        self, session: RemoteSession, items: list[ClaimedRecipient]
    ) -> list[AttemptResult]:
        by_message: dict[str, list[ClaimedRecipient]] = defaultdict(list)
        for item in items:
            by_message[item.message_id].append(item)
        groups = list(by_message.values())
        results: list[AttemptResult] = []
        # The next message is signed (on the signer's threads) while this one is sent.
        upcoming = asyncio.ensure_future(self._signed(groups[0][0]))
        try:
            for index, group in enumerate(groups):
                data = await upcoming
                if index + 1 < len(groups):
                    upcoming = asyncio.ensure_future(self._signed(groups[index + 1][0]))
                try:
                    replies = await session.send(
                        group[0].sender, [i.recipient for i in group], data
                    )
                except SessionFailed as error:
                    unsent = [i for rest in groups[index:] for i in rest]
                    reply = error.reply
                    return results + [
                        AttemptResult(i, reply.code, reply.text, session.host) for i in unsent
                    ]
                results += [
                    AttemptResult(
                        i, replies[i.recipient].code, replies[i.recipient].text, session.host
                    )
                    for i in group
                ]
        finally:
            upcoming.cancel()
            if upcoming.done() and not upcoming.cancelled():
                upcoming.exception()  # retrieved: a failed look-ahead is not an error here
        return results


def _shares(items: list[ClaimedRecipient], count: int) -> list[list[ClaimedRecipient]]:
    """Split ``items`` into at most ``count`` shares, keeping each message's recipients
    together (one SMTP transaction per message) and giving each share at least a few
    messages (a connection costs a handshake)."""
    by_message: dict[str, list[ClaimedRecipient]] = defaultdict(list)
    for item in items:
        by_message[item.message_id].append(item)
    messages = list(by_message.values())
    shares = max(1, min(count, len(messages) // _MIN_SHARE))
    return [[i for group in messages[n::shares] for i in group] for n in range(shares)]
