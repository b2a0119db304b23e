"""The audit log in SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.model.audit import AuditEntry, AuditEvent, AuditQuery, Outcome
from mailwright.storage.sql.tables import audit_events


def _event(row: Any) -> AuditEvent:
    entry = AuditEntry(
        at=row.at,
        actor=row.actor,
        action=row.action,
        target=row.target,
        source=row.source,
        outcome=Outcome(row.outcome),
        reason=row.reason,
        details=row.details,
    )
    return AuditEvent(row.id, entry)


class SqlAuditRepository:
    """Implements ``AuditRepository``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(self, entry: AuditEntry) -> AuditEvent:
        statement = (
            insert(audit_events)
            .values(
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                target=entry.target,
                source=entry.source,
                outcome=entry.outcome.value,
                reason=entry.reason,
                details=entry.details,
            )
            .returning(audit_events.c.id)
        )
        return AuditEvent((await self._c.execute(statement)).scalar_one(), entry)

    async def list_events(self, query: AuditQuery) -> list[AuditEvent]:
        c = audit_events.c
        statement = select(audit_events).order_by(c.id.desc()).limit(query.limit)
        if query.actor:
            statement = statement.where(c.actor == query.actor)
        if query.target:
            statement = statement.where(c.target == query.target)
        if query.action:
            statement = statement.where(
                (c.action == query.action) | c.action.startswith(query.action + ".")
            )
        if query.since:
            statement = statement.where(c.at >= query.since)
        if query.until:
            statement = statement.where(c.at < query.until)
        if query.before:
            statement = statement.where(c.id < query.before)
        return [_event(r) for r in (await self._c.execute(statement)).all()]
