"""The outbound queue in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.model.outbound import Origin, QueuedMessage, QueuedRecipient, RecipientStatus
from mailwright.storage.sql.mail_tables import outbound_messages, outbound_recipients


def _recipient(row: Any) -> QueuedRecipient:
    return QueuedRecipient(
        id=row.id,
        message_id=row.message_id,
        recipient=row.recipient,
        status=RecipientStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_reply=row.last_reply,
    )


class SqlOutboundRepository:
    """Implements ``OutboundRepository``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def enqueue(
        self,
        message_id: str,
        *,
        blob: str,
        size: int,
        sender: str,
        origin: Origin,
        submitted_by: str,
        recipients: Sequence[str],
        created_at: datetime,
    ) -> None:
        await self._c.execute(
            insert(outbound_messages).values(
                id=message_id,
                blob=blob,
                size=size,
                sender=sender,
                origin=origin.value,
                submitted_by=submitted_by,
                created_at=created_at,
            )
        )
        await self._c.execute(
            insert(outbound_recipients),
            [
                {
                    "message_id": message_id,
                    "recipient": recipient,
                    "status": RecipientStatus.QUEUED.value,
                    "attempts": 0,
                    "next_attempt_at": created_at,
                    "last_reply": "",
                }
                for recipient in recipients
            ],
        )

    async def _load(self, rows: Sequence[Any]) -> list[QueuedMessage]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        statement = (
            select(outbound_recipients)
            .where(outbound_recipients.c.message_id.in_(ids))
            .order_by(outbound_recipients.c.id)
        )
        by_message: dict[str, list[QueuedRecipient]] = {i: [] for i in ids}
        for row in (await self._c.execute(statement)).all():
            by_message[row.message_id].append(_recipient(row))
        return [
            QueuedMessage(
                id=r.id,
                blob=r.blob,
                size=r.size,
                sender=r.sender,
                origin=Origin(r.origin),
                submitted_by=r.submitted_by,
                created_at=r.created_at,
                recipients=tuple(by_message[r.id]),
            )
            for r in rows
        ]

    async def find(self, message_id: str) -> QueuedMessage | None:
        rows = (
            await self._c.execute(
                select(outbound_messages).where(outbound_messages.c.id == message_id)
            )
        ).all()
        found = await self._load(rows)
        return found[0] if found else None

    async def list_messages(
        self, statuses: Sequence[RecipientStatus] | None = None, limit: int = 100
    ) -> list[QueuedMessage]:
        statement = select(outbound_messages).order_by(outbound_messages.c.created_at.desc())
        if statuses:
            pending = select(outbound_recipients.c.message_id).where(
                outbound_recipients.c.status.in_([s.value for s in statuses])
            )
            statement = statement.where(outbound_messages.c.id.in_(pending))
        rows = (await self._c.execute(statement.limit(limit))).all()
        return await self._load(rows)

    async def retry_now(self, message_id: str, at: datetime) -> int:
        result = await self._c.execute(
            update(outbound_recipients)
            .where(
                outbound_recipients.c.message_id == message_id,
                outbound_recipients.c.status.in_(
                    [RecipientStatus.QUEUED.value, RecipientStatus.DEFERRED.value]
                ),
            )
            .values(next_attempt_at=at, lease_owner=None, lease_until=None)
        )
        return int(result.rowcount)

    async def delete(self, message_id: str) -> None:
        await self._c.execute(
            delete(outbound_recipients).where(outbound_recipients.c.message_id == message_id)
        )
        await self._c.execute(delete(outbound_messages).where(outbound_messages.c.id == message_id))
