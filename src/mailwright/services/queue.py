"""The outbound queue as operators see it: list, show, retry now, purge."""

from __future__ import annotations

from mailwright.model.actors import Actor
from mailwright.model.errors import NotFound
from mailwright.model.interfaces import Clock, Database
from mailwright.model.outbound import QueuedMessage, RecipientStatus
from mailwright.services.audit import AuditLog
from mailwright.services.authorization import require_global

PENDING = (RecipientStatus.QUEUED, RecipientStatus.DEFERRED)


class QueueService:
    """Operator views and actions on the outbound queue. Global admins only."""

    def __init__(self, database: Database, clock: Clock, audit: AuditLog) -> None:
        self._db = database
        self._clock = clock
        self._audit = audit

    async def list_messages(
        self, actor: Actor, *, pending_only: bool = True, limit: int = 100
    ) -> list[QueuedMessage]:
        """Queued messages, newest first (by default only those still waiting)."""
        require_global(actor, "see the queue")
        async with self._db.snapshot() as tx:
            return await tx.outbound.list_messages(PENDING if pending_only else None, limit)

    async def get(self, actor: Actor, message_id: str) -> QueuedMessage:
        """One queued message with its recipients. Raises: NotFound."""
        require_global(actor, "see the queue")
        async with self._db.snapshot() as tx:
            message = await tx.outbound.find(message_id)
        if message is None:
            raise NotFound(f"There is no queued message {message_id}.")
        return message

    async def retry(self, actor: Actor, message_id: str) -> int:
        """Make the message's waiting recipients due now; returns how many."""
        require_global(actor, "retry queued mail")
        async with self._db.transaction() as tx:
            if await tx.outbound.find(message_id) is None:
                raise NotFound(f"There is no queued message {message_id}.")
            count = await tx.outbound.retry_now(message_id, self._clock.now())
            await self._audit.record(tx, actor, "queue.retry", message_id)
        return count

    async def purge(self, actor: Actor, message_id: str) -> None:
        """Drop a message from the queue (its recipients will not get it)."""
        require_global(actor, "purge queued mail")
        async with self._db.transaction() as tx:
            if await tx.outbound.find(message_id) is None:
                raise NotFound(f"There is no queued message {message_id}.")
            await tx.outbound.delete(message_id)
            await self._audit.record(tx, actor, "queue.purge", message_id)
