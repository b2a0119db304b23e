"""API messages and idempotency keys in SQL.

``add_many`` stores a whole batch of accepted messages with four statements whatever its size
(API records, queue entries, recipients, first events): SQLAlchemy sends each list as one
multi-row INSERT ("insertmanyvalues"), and the recipients' ids come back in input order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Text, and_, delete, insert, or_, select, type_coerce
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.model.outbound import EventKind, Origin, QueuedRecipient, RecipientStatus
from mailwright.model.sending import (
    ApiMessage,
    ApiMessageQuery,
    IdempotencyRecord,
    NewApiMessage,
)
from mailwright.storage.sql.delivery_tables import delivery_events
from mailwright.storage.sql.mail_tables import outbound_messages, outbound_recipients
from mailwright.storage.sql.sending_tables import api_messages, idempotency_keys

# The first event of a recipient, by the status it is queued with.
_FIRST_EVENT = {
    RecipientStatus.QUEUED: EventKind.QUEUED,
    RecipientStatus.SANDBOXED: EventKind.QUEUED,
    RecipientStatus.SUPPRESSED: EventKind.SUPPRESSED,
}


def _message(row: Any) -> ApiMessage:
    return ApiMessage(
        id=row.id,
        api_key_prefix=row.api_key_prefix,
        domain=row.domain,
        from_address=row.from_address,
        subject=row.subject,
        tags=tuple(row.tags),
        metadata=dict(row.metadata),
        template_name=row.template_name,
        template_version=row.template_version,
        sandbox=bool(row.sandbox),
        created_at=row.created_at,
    )


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlApiMessageRepository:
    """Implements ``ApiMessageRepository``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add_many(self, messages: Sequence[NewApiMessage]) -> list[list[int]]:
        if not messages:
            return []
        await self._c.execute(
            insert(api_messages),
            [
                {
                    "id": m.id,
                    "api_key_prefix": m.api_key_prefix,
                    "domain": m.domain,
                    "from_address": m.from_address,
                    "subject": m.subject,
                    "tags": list(m.tags),
                    "metadata": dict(m.metadata),
                    "template_name": m.template_name,
                    "template_version": m.template_version,
                    "sandbox": m.sandbox,
                    "created_at": m.created_at,
                }
                for m in messages
            ],
        )
        await self._c.execute(
            insert(outbound_messages),
            [
                {
                    "id": m.id,
                    "blob": m.blob,
                    "size": m.size,
                    "sender": m.from_address,
                    "origin": Origin.API.value,
                    "submitted_by": m.submitted_by,
                    "created_at": m.created_at,
                }
                for m in messages
            ],
        )
        rows = [
            {
                "message_id": m.id,
                "recipient": r.address,
                "status": r.status.value,
                "attempts": 0,
                "next_attempt_at": m.created_at if r.status is RecipientStatus.QUEUED else None,
                "last_reply": r.reply,
            }
            for m in messages
            for r in m.recipients
        ]
        statement = insert(outbound_recipients).returning(
            outbound_recipients.c.id, sort_by_parameter_order=True
        )
        ids = [row.id for row in await self._c.execute(statement, rows)]
        await self._c.execute(
            insert(delivery_events),
            [
                {
                    "message_id": m.id,
                    "recipient": r.address,
                    "kind": _FIRST_EVENT[r.status].value,
                    "at": m.created_at,
                    "reply": r.reply,
                    "remote_host": "",
                }
                for m in messages
                for r in m.recipients
            ],
        )
        result: list[list[int]] = []
        position = 0
        for m in messages:
            result.append(ids[position : position + len(m.recipients)])
            position += len(m.recipients)
        return result

    async def find(self, message_id: str) -> ApiMessage | None:
        statement = select(api_messages).where(api_messages.c.id == message_id)
        row = (await self._c.execute(statement)).first()
        return None if row is None else _message(row)

    async def list_page(self, query: ApiMessageQuery) -> list[ApiMessage]:
        m = api_messages.c
        statement = select(api_messages).order_by(m.created_at.desc(), m.id.desc())
        conditions: list[ColumnElement[bool]] = []
        if query.api_key_prefix is not None:
            conditions.append(m.api_key_prefix == query.api_key_prefix)
        if query.tag is not None:
            # Tags are stored as a JSON list of strings from a plain alphabet, so a tag is
            # in the list exactly when its quoted form is in the text.
            pattern = f'%"{_like_escaped(query.tag)}"%'
            # type_coerce: compare the stored text, not a JSON-encoded pattern.
            conditions.append(type_coerce(m.tags, Text).like(pattern, escape="\\"))
        if query.recipient is not None:
            # Every queued recipient has a first event; events are indexed by recipient.
            events = select(delivery_events.c.message_id).where(
                delivery_events.c.recipient == query.recipient
            )
            conditions.append(m.id.in_(events))
        if query.status is not None:
            holding = select(outbound_recipients.c.message_id).where(
                outbound_recipients.c.status == query.status.value
            )
            conditions.append(m.id.in_(holding))
        if query.since is not None:
            conditions.append(m.created_at >= query.since)
        if query.after is not None:
            at, last_id = query.after
            conditions.append(or_(m.created_at < at, and_(m.created_at == at, m.id < last_id)))
        if conditions:
            statement = statement.where(and_(*conditions))
        rows = (await self._c.execute(statement.limit(query.limit))).all()
        return [_message(row) for row in rows]

    async def recipients(self, message_ids: Sequence[str]) -> dict[str, list[QueuedRecipient]]:
        found: dict[str, list[QueuedRecipient]] = {i: [] for i in message_ids}
        if not message_ids:
            return found
        r = outbound_recipients.c
        statement = (
            select(outbound_recipients)
            .where(r.message_id.in_(list(message_ids)))
            .order_by(r.message_id, r.id)
        )
        for row in (await self._c.execute(statement)).all():
            found[row.message_id].append(
                QueuedRecipient(
                    id=row.id,
                    message_id=row.message_id,
                    recipient=row.recipient,
                    status=RecipientStatus(row.status),
                    attempts=row.attempts,
                    next_attempt_at=row.next_attempt_at,
                    last_reply=row.last_reply,
                )
            )
        return found


class SqlIdempotencyRepository:
    """Implements ``IdempotencyRepository``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def find(self, api_key_prefix: str, key: str) -> IdempotencyRecord | None:
        k = idempotency_keys.c
        statement = select(idempotency_keys).where(k.api_key_prefix == api_key_prefix, k.key == key)
        row = (await self._c.execute(statement)).first()
        if row is None:
            return None
        return IdempotencyRecord(
            api_key_prefix=row.api_key_prefix,
            key=row.key,
            request_hash=row.request_hash,
            status_code=row.status_code,
            response=dict(row.response),
            created_at=row.created_at,
            expires_at=row.expires_at,
        )

    async def add(self, record: IdempotencyRecord) -> bool:
        values = {
            "api_key_prefix": record.api_key_prefix,
            "key": record.key,
            "request_hash": record.request_hash,
            "status_code": record.status_code,
            "response": record.response,
            "created_at": record.created_at,
            "expires_at": record.expires_at,
        }
        # ON CONFLICT DO NOTHING rather than catching the unique violation: on PostgreSQL
        # a failed statement would poison the whole transaction.
        dialect = postgresql if self._c.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(idempotency_keys).values(values).on_conflict_do_nothing()
        result = await self._c.execute(statement)
        return bool(result.rowcount)

    async def delete_expired(
        self, now: datetime, *, api_key_prefix: str | None = None, key: str | None = None
    ) -> int:
        k = idempotency_keys.c
        statement = delete(idempotency_keys).where(k.expires_at <= now)
        if api_key_prefix is not None:
            statement = statement.where(k.api_key_prefix == api_key_prefix)
        if key is not None:
            statement = statement.where(k.key == key)
        return int((await self._c.execute(statement)).rowcount)
