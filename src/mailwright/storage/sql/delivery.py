"""Outbound delivery state in SQL: claiming due recipients, recording attempts and events,
the suppression list and DKIM keys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.model.errors import Conflict
from mailwright.model.outbound import (
    Attempt,
    ClaimedRecipient,
    DeliveryEvent,
    DkimKey,
    EventKind,
    NewDeliveryEvent,
    Origin,
    RecipientStatus,
    Suppression,
    SuppressionReason,
)
from mailwright.storage.sql.delivery_tables import delivery_events, dkim_keys, suppressions
from mailwright.storage.sql.mail_tables import outbound_messages, outbound_recipients
from mailwright.storage.sql.tables import domains

_PENDING = [RecipientStatus.QUEUED.value, RecipientStatus.DEFERRED.value]
# Built once, run with many parameter sets: the outcomes of a whole round in one statement.
_RECORD_ATTEMPT = (
    update(outbound_recipients)
    .where(
        outbound_recipients.c.id == bindparam("b_id"),
        outbound_recipients.c.lease_owner == bindparam("b_owner"),
    )
    .values(
        status=bindparam("b_status"),
        attempts=outbound_recipients.c.attempts + 1,
        next_attempt_at=bindparam("b_next"),
        last_attempt_at=bindparam("b_at"),
        last_reply=bindparam("b_reply"),
        lease_owner=None,
        lease_until=None,
    )
)


class SqlDeliveryRepository:
    """Implements ``DeliveryRepository``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def claim_due(
        self, now: datetime, *, owner: str, lease_until: datetime, limit: int
    ) -> list[ClaimedRecipient]:
        r = outbound_recipients.c
        due = (
            select(r.id)
            .where(
                r.status.in_(_PENDING),
                r.next_attempt_at <= now,
                or_(r.lease_until.is_(None), r.lease_until < now),
            )
            .order_by(r.next_attempt_at, r.id)
            .limit(limit)
            # Several workers on PostgreSQL: each takes rows nobody else holds (SQLite has
            # one writer at a time, so the clause is not needed there and is not rendered).
            .with_for_update(skip_locked=True)
        )
        claimed = await self._c.execute(
            update(outbound_recipients)
            .where(r.id.in_(due.scalar_subquery()))
            .values(lease_owner=owner, lease_until=lease_until)
            .returning(r.id)
        )
        ids = [row.id for row in claimed]
        if not ids:
            return []
        m = outbound_messages.c
        statement = (
            select(
                r.id,
                r.message_id,
                r.recipient,
                r.attempts,
                m.sender,
                m.blob,
                m.origin,
                m.created_at,
            )
            .join(outbound_messages, m.id == r.message_id)
            .where(r.id.in_(ids))
            .order_by(r.message_id, r.id)
        )
        return [
            ClaimedRecipient(
                row.id,
                row.message_id,
                row.recipient,
                row.attempts,
                row.sender,
                row.blob,
                Origin(row.origin),
                row.created_at,
            )
            for row in (await self._c.execute(statement)).all()
        ]

    async def still_leased(self, owner: str, recipient_ids: Sequence[int]) -> set[int]:
        if not recipient_ids:
            return set()
        r = outbound_recipients.c
        rows = await self._c.execute(
            select(r.id)
            .where(r.id.in_(list(recipient_ids)), r.lease_owner == owner)
            .with_for_update()
        )
        return {row.id for row in rows}

    async def record_attempts(self, owner: str, attempts: Sequence[Attempt]) -> int:
        if not attempts:
            return 0
        result = await self._c.execute(
            _RECORD_ATTEMPT,
            [
                {
                    "b_id": a.recipient_id,
                    "b_owner": owner,
                    "b_status": a.status.value,
                    "b_next": a.next_attempt_at,
                    "b_at": a.at,
                    "b_reply": a.reply[:2000],
                }
                for a in attempts
            ],
        )
        return int(result.rowcount)

    async def release(self, recipient_ids: Sequence[int], owner: str) -> None:
        r = outbound_recipients.c
        await self._c.execute(
            update(outbound_recipients)
            .where(r.id.in_(list(recipient_ids)), r.lease_owner == owner)
            .values(lease_owner=None, lease_until=None)
        )

    async def add_event(
        self,
        message_id: str,
        recipient: str,
        kind: EventKind,
        *,
        at: datetime,
        reply: str = "",
        remote_host: str = "",
    ) -> DeliveryEvent:
        statement = (
            insert(delivery_events)
            .values(
                message_id=message_id,
                recipient=recipient,
                kind=kind.value,
                at=at,
                reply=reply[:2000],
                remote_host=remote_host[:255],
            )
            .returning(delivery_events.c.id)
        )
        event_id = (await self._c.execute(statement)).scalar_one()
        return DeliveryEvent(event_id, message_id, recipient, kind, at, reply, remote_host)

    async def add_events(self, events: Sequence[NewDeliveryEvent]) -> None:
        if not events:
            return
        await self._c.execute(
            insert(delivery_events),
            [
                {
                    "message_id": e.message_id,
                    "recipient": e.recipient,
                    "kind": e.kind.value,
                    "at": e.at,
                    "reply": e.reply[:2000],
                    "remote_host": e.remote_host[:255],
                }
                for e in events
            ],
        )

    async def list_events(
        self,
        *,
        message_id: str | None = None,
        recipient: str | None = None,
        kinds: Sequence[EventKind] | None = None,
        after_id: int | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> list[DeliveryEvent]:
        e = delivery_events.c
        statement = select(delivery_events).limit(limit)
        conditions = []
        if message_id is not None:
            conditions.append(e.message_id == message_id)
        if recipient is not None:
            conditions.append(e.recipient == recipient)
        if kinds:
            conditions.append(e.kind.in_([k.value for k in kinds]))
        if after_id is not None:
            conditions.append(e.id > after_id)
        if before_id is not None:
            conditions.append(e.id < before_id)
        if conditions:
            statement = statement.where(and_(*conditions))
        statement = statement.order_by(e.id if after_id is not None or message_id else e.id.desc())
        return [_event(row) for row in (await self._c.execute(statement)).all()]

    async def pending_count(self) -> int:
        r = outbound_recipients.c
        statement = (
            select(func.count()).select_from(outbound_recipients).where(r.status.in_(_PENDING))
        )
        return int((await self._c.execute(statement)).scalar_one())


def _event(row: Any) -> DeliveryEvent:
    return DeliveryEvent(
        row.id,
        row.message_id,
        row.recipient,
        EventKind(row.kind),
        row.at,
        row.reply,
        row.remote_host,
    )


class SqlSuppressionRepository:
    """Implements ``SuppressionRepository``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(
        self, address: str, reason: SuppressionReason, detail: str, at: datetime
    ) -> Suppression:
        values = {
            "address": address,
            "reason": reason.value,
            "detail": detail[:2000],
            "created_at": at,
        }
        if self._c.dialect.name == "postgresql":
            await self._c.execute(
                postgresql.insert(suppressions).values(values).on_conflict_do_nothing()
            )
        else:
            await self._c.execute(
                sqlite.insert(suppressions).values(values).on_conflict_do_nothing()
            )
        found = await self.find(address)
        assert found is not None
        return found

    async def find(self, address: str) -> Suppression | None:
        row = (
            await self._c.execute(select(suppressions).where(suppressions.c.address == address))
        ).first()
        return None if row is None else _suppression(row)

    async def find_many(self, addresses: Sequence[str]) -> set[str]:
        if not addresses:
            return set()
        statement = select(suppressions.c.address).where(
            suppressions.c.address.in_(list(addresses))
        )
        return set((await self._c.execute(statement)).scalars())

    async def list_all(self, *, after: str | None = None, limit: int = 100) -> list[Suppression]:
        statement = select(suppressions).order_by(suppressions.c.address).limit(limit)
        if after is not None:
            statement = statement.where(suppressions.c.address > after)
        return [_suppression(row) for row in (await self._c.execute(statement)).all()]

    async def delete(self, address: str) -> bool:
        result = await self._c.execute(
            delete(suppressions).where(suppressions.c.address == address)
        )
        return bool(result.rowcount)


def _suppression(row: Any) -> Suppression:
    return Suppression(row.address, SuppressionReason(row.reason), row.detail, row.created_at)


class SqlDkimKeyRepository:
    """Implements ``DkimKeyRepository``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(
        self,
        domain_id: int,
        *,
        selector: str,
        private_key_sealed: str,
        public_key: str,
        created_at: datetime,
    ) -> None:
        await self._c.execute(
            update(dkim_keys).where(dkim_keys.c.domain_id == domain_id).values(active=False)
        )
        try:
            await self._c.execute(
                insert(dkim_keys).values(
                    domain_id=domain_id,
                    selector=selector,
                    private_key_sealed=private_key_sealed,
                    public_key=public_key,
                    active=True,
                    created_at=created_at,
                )
            )
        except IntegrityError:
            raise Conflict("The domain does not exist.") from None

    async def find_active(self, domain: str) -> DkimKey | None:
        rows = await self.list_for(domain)
        return next((k for k in rows if k.active), None)

    async def list_for(self, domain: str) -> list[DkimKey]:
        statement = (
            select(dkim_keys, domains.c.name)
            .join(domains, domains.c.id == dkim_keys.c.domain_id)
            .where(domains.c.name == domain)
            .order_by(dkim_keys.c.id.desc())
        )
        return [
            DkimKey(
                row.id,
                row.name,
                row.selector,
                row.private_key_sealed,
                row.public_key,
                bool(row.active),
                row.created_at,
            )
            for row in (await self._c.execute(statement)).all()
        ]
