"""Webhooks and their delivery logs in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.model.errors import NotFound
from mailwright.model.outbound import EventKind
from mailwright.model.webhooks import (
    ClaimedWebhookDelivery,
    NewWebhookDelivery,
    PostResult,
    Webhook,
    WebhookDelivery,
    WebhookDeliveryStatus,
)
from mailwright.storage.sql.sending_tables import webhook_deliveries, webhooks
from mailwright.storage.sql.tables import ADDRESS

_W = webhooks.c
_D = webhook_deliveries.c
MAX_RESPONSE_BODY = 2000
_PENDING = WebhookDeliveryStatus.PENDING.value


def _webhook(row: Any) -> Webhook:
    return Webhook(
        id=row.id,
        url=row.url,
        description=row.description,
        events=frozenset(EventKind(k) for k in row.events),
        active=bool(row.active),
        cursor=int(row.cursor),
        created_at=row.created_at,
        created_by=row.created_by,
        secret_sealed=row.secret_sealed,
    )


def _delivery(row: Any) -> WebhookDelivery:
    return WebhookDelivery(
        id=row.id,
        webhook_id=row.webhook_id,
        event_id=int(row.event_id),
        payload=row.payload,
        status=WebhookDeliveryStatus(row.status),
        attempts=row.attempts,
        response_code=row.response_code,
        response_body=row.response_body,
        next_attempt_at=row.next_attempt_at,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
    )


class SqlWebhookRepository:
    """Implements ``WebhookRepository``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(
        self,
        *,
        url: str,
        description: str,
        secret_sealed: str,
        events: frozenset[EventKind],
        cursor: int,
        created_at: datetime,
        created_by: str,
    ) -> Webhook:
        statement = (
            insert(webhooks)
            .values(
                url=url,
                description=description,
                secret_sealed=secret_sealed,
                events=sorted(k.value for k in events),
                active=True,
                cursor=cursor,
                created_at=created_at,
                created_by=created_by[:ADDRESS],
            )
            .returning(_W.id)
        )
        webhook_id = (await self._c.execute(statement)).scalar_one()
        found = await self.find(webhook_id)
        assert found is not None
        return found

    async def find(self, webhook_id: int) -> Webhook | None:
        row = (await self._c.execute(select(webhooks).where(_W.id == webhook_id))).first()
        return None if row is None else _webhook(row)

    async def list_all(self) -> list[Webhook]:
        rows = (await self._c.execute(select(webhooks).order_by(_W.id))).all()
        return [_webhook(row) for row in rows]

    async def update(
        self,
        webhook_id: int,
        *,
        url: str,
        description: str,
        events: frozenset[EventKind],
        active: bool,
        cursor: int,
    ) -> None:
        result = await self._c.execute(
            update(webhooks)
            .where(_W.id == webhook_id)
            .values(
                url=url,
                description=description,
                events=sorted(k.value for k in events),
                active=active,
                cursor=cursor,
            )
        )
        if not result.rowcount:
            raise NotFound(f"There is no webhook {webhook_id}.")

    async def delete(self, webhook_id: int) -> bool:
        # The foreign key cascades too; deleting the log first does not depend on it.
        await self._c.execute(delete(webhook_deliveries).where(_D.webhook_id == webhook_id))
        result = await self._c.execute(delete(webhooks).where(_W.id == webhook_id))
        return bool(result.rowcount)

    async def lock_behind(self, event_id: int) -> list[Webhook]:
        statement = (
            select(webhooks)
            .where(_W.active.is_(True), _W.cursor < event_id)
            .order_by(_W.id)
            # Several dispatchers on PostgreSQL: each webhook is fanned out by one at a time
            # (SQLite has one writer at a time; the clause is not rendered there).
            .with_for_update(skip_locked=True)
        )
        return [_webhook(row) for row in (await self._c.execute(statement)).all()]

    async def set_cursor(self, webhook_id: int, cursor: int) -> None:
        await self._c.execute(update(webhooks).where(_W.id == webhook_id).values(cursor=cursor))

    async def add_deliveries(self, deliveries: Sequence[NewWebhookDelivery]) -> list[int]:
        ids: list[int] = []
        for new in deliveries:
            statement = (
                insert(webhook_deliveries)
                .values(
                    webhook_id=new.webhook_id,
                    event_id=new.event_id,
                    payload=dict(new.payload),
                    status=_PENDING,
                    # A delivery that is not due is being attempted now (a test): its one
                    # attempt is counted at once, as a claim would.
                    attempts=0 if new.due else 1,
                    response_body="",
                    next_attempt_at=new.created_at if new.due else None,
                    created_at=new.created_at,
                )
                .returning(_D.id)
            )
            ids.append((await self._c.execute(statement)).scalar_one())
        return ids

    async def find_delivery(self, delivery_id: int) -> WebhookDelivery | None:
        statement = select(webhook_deliveries).where(_D.id == delivery_id)
        row = (await self._c.execute(statement)).first()
        return None if row is None else _delivery(row)

    def _due(self, now: datetime) -> Any:
        return (
            select(_D.id)
            .join(webhooks, _W.id == _D.webhook_id)
            .where(_D.status == _PENDING, _D.next_attempt_at <= now, _W.active.is_(True))
        )

    async def check_due(self, now: datetime) -> bool:
        found = (await self._c.execute(self._due(now).limit(1))).first()
        return found is not None

    async def claim_due(
        self, now: datetime, *, lease_until: datetime, limit: int
    ) -> list[ClaimedWebhookDelivery]:
        due = (
            self._due(now)
            .order_by(_D.next_attempt_at, _D.id)
            .limit(limit)
            # Like the delivery queue's claim: dispatchers on PostgreSQL take disjoint rows.
            .with_for_update(of=webhook_deliveries, skip_locked=True)
        )
        claimed = await self._c.execute(
            update(webhook_deliveries)
            .where(_D.id.in_(due.scalar_subquery()))
            .values(attempts=_D.attempts + 1, next_attempt_at=lease_until)
            .returning(_D.id)
        )
        ids = [row.id for row in claimed]
        if not ids:
            return []
        statement = (
            select(webhook_deliveries, _W.url, _W.secret_sealed)
            .join(webhooks, _W.id == _D.webhook_id)
            .where(_D.id.in_(ids))
            .order_by(_D.id)
        )
        rows = (await self._c.execute(statement)).all()
        return [ClaimedWebhookDelivery(_delivery(row), row.url, row.secret_sealed) for row in rows]

    async def record(
        self,
        delivery_id: int,
        *,
        attempts: int,
        status: WebhookDeliveryStatus,
        result: PostResult,
        next_attempt_at: datetime | None,
        delivered_at: datetime | None,
    ) -> bool:
        outcome = await self._c.execute(
            update(webhook_deliveries)
            .where(_D.id == delivery_id, _D.attempts == attempts)
            .values(
                status=status.value,
                response_code=result.status,
                response_body=result.summary()[:MAX_RESPONSE_BODY],
                next_attempt_at=next_attempt_at,
                delivered_at=delivered_at,
            )
        )
        return bool(outcome.rowcount)

    async def list_deliveries(
        self,
        webhook_id: int,
        *,
        status: WebhookDeliveryStatus | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> list[WebhookDelivery]:
        statement = select(webhook_deliveries).where(_D.webhook_id == webhook_id)
        if status is not None:
            statement = statement.where(_D.status == status.value)
        if before_id is not None:
            statement = statement.where(_D.id < before_id)
        statement = statement.order_by(_D.id.desc()).limit(limit)
        return [_delivery(row) for row in (await self._c.execute(statement)).all()]
