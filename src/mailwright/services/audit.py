"""Recording and reading the audit log."""

from __future__ import annotations

from mailwright.model.actors import Actor
from mailwright.model.audit import AuditEntry, AuditEvent, AuditQuery, Outcome
from mailwright.model.interfaces import Clock, Database, Transaction
from mailwright.services.authorization import require_global


class AuditLog:
    """Writes events inside the caller's transaction; reads them for admins."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock

    async def record(
        self,
        tx: Transaction,
        actor: Actor,
        action: str,
        target: str,
        *,
        outcome: Outcome = Outcome.SUCCESS,
        reason: str = "",
        details: dict[str, str | int | bool | None] | None = None,
    ) -> AuditEvent:
        """Append one event in ``tx`` (so it commits or rolls back with the change)."""
        entry = AuditEntry(
            at=self._clock.now(),
            actor=actor.name,
            action=action,
            target=target,
            source=actor.source,
            outcome=outcome,
            reason=reason,
            details=details or {},
        )
        return await tx.audit.add(entry)

    async def record_alone(
        self,
        actor: Actor,
        action: str,
        target: str,
        *,
        outcome: Outcome,
        reason: str = "",
        details: dict[str, str | int | bool | None] | None = None,
    ) -> None:
        """Append one event in its own transaction (for refusals, whose change rolled back)."""
        async with self._db.transaction() as tx:
            await self.record(
                tx, actor, action, target, outcome=outcome, reason=reason, details=details
            )

    async def list_events(self, actor: Actor, query: AuditQuery) -> list[AuditEvent]:
        """Events matching ``query``, newest first. Global admins only."""
        require_global(actor, "read the audit log")
        async with self._db.snapshot() as tx:
            return await tx.audit.list_events(query)
