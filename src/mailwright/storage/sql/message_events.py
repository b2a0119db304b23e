"""Delivery events joined with the API's message records, in SQL (read only)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, and_, false, func, or_, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.model.message_events import EventQuery, MessageEvent, MessageRecord, UsageOwner
from mailwright.model.outbound import DeliveryEvent, EventKind, Origin
from mailwright.storage.sql.delivery_tables import delivery_events
from mailwright.storage.sql.mail_tables import outbound_messages
from mailwright.storage.sql.sending_tables import api_messages

_E = delivery_events.c
_A = api_messages.c
_O = outbound_messages.c


def _tag_condition(tag: str) -> ColumnElement[bool]:
    """The tag is one element of the message's tag list, stored as compact JSON
    (``["a","b"]``). Inside a JSON string every quote is escaped, so ``"a"`` bounded by
    ``[``/``,`` and ``,``/``]`` can only be a whole element."""
    text = type_coerce(_A.tags, Text)
    item = json.dumps(tag)
    return or_(
        text == f"[{item}]",
        text.startswith(f"[{item},", autoescape=True),
        text.endswith(f",{item}]", autoescape=True),
        text.contains(f",{item},", autoescape=True),
    )


def _domain_condition(domains: frozenset[str]) -> ColumnElement[bool]:
    """Sent from one of ``domains``: the API message's domain, else the envelope sender's."""
    if not domains:
        return false()
    sender = func.lower(_O.sender)
    by_sender = [sender.endswith("@" + d, autoescape=True) for d in sorted(domains)]
    return or_(_A.domain.in_(sorted(domains)), and_(_A.id.is_(None), or_(*by_sender)))


def _statement(query: EventQuery) -> Select[Any]:
    source = delivery_events.outerjoin(api_messages, _A.id == _E.message_id)
    conditions: list[ColumnElement[bool]] = []
    if query.domains is not None:
        source = source.outerjoin(outbound_messages, _O.id == _E.message_id)
        conditions.append(_domain_condition(query.domains))
    if query.recipient is not None:
        conditions.append(_E.recipient == query.recipient)
    if query.message_id is not None:
        conditions.append(_E.message_id == query.message_id)
    if query.kinds:
        conditions.append(_E.kind.in_(sorted(k.value for k in query.kinds)))
    if query.since is not None:
        conditions.append(_E.at >= query.since)
    if query.until is not None:
        conditions.append(_E.at < query.until)
    if query.tag is not None:
        conditions.append(_tag_condition(query.tag))
    if query.api_key_prefix is not None:
        conditions.append(_A.api_key_prefix == query.api_key_prefix)
    if query.after_id is not None:
        conditions.append(_E.id > query.after_id)
    elif query.before_id is not None:
        conditions.append(_E.id < query.before_id)
    order = _E.id if query.after_id is not None else _E.id.desc()
    statement = select(delivery_events, _A.tags, _A.metadata).select_from(source)
    return statement.where(*conditions).order_by(order).limit(query.limit)


def _message_event(row: Any) -> MessageEvent:
    event = DeliveryEvent(
        row.id,
        row.message_id,
        row.recipient,
        EventKind(row.kind),
        row.at,
        row.reply,
        row.remote_host,
    )
    tags = tuple(str(t) for t in row.tags) if isinstance(row.tags, list) else ()
    metadata = row.metadata if isinstance(row.metadata, dict) else {}
    return MessageEvent(event, tags, metadata)


class SqlMessageEventRepository:
    """Implements ``MessageEventRepository``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def search(self, query: EventQuery) -> list[MessageEvent]:
        rows = (await self._c.execute(_statement(query))).all()
        return [_message_event(row) for row in rows]

    async def latest_id(self) -> int:
        found = (await self._c.execute(select(func.max(_E.id)))).scalar_one_or_none()
        return int(found or 0)

    async def find_message(self, message_id: str) -> MessageRecord | None:
        queued = (
            await self._c.execute(
                select(_O.sender, _O.origin, _O.created_at).where(_O.id == message_id)
            )
        ).first()
        api = (await self._c.execute(select(api_messages).where(_A.id == message_id))).first()
        if queued is None and api is None:
            return None
        record = MessageRecord(
            message_id,
            sender=queued.sender if queued else "",
            origin=Origin(queued.origin) if queued else None,
            created_at=queued.created_at if queued else None,
        )
        if api is None:
            return record
        return MessageRecord(
            message_id,
            sender=record.sender or api.from_address,
            origin=record.origin or Origin.API,
            created_at=record.created_at or api.created_at,
            api_key_prefix=api.api_key_prefix,
            domain=api.domain,
            subject=api.subject,
            tags=tuple(str(t) for t in api.tags or ()),
            metadata=api.metadata if isinstance(api.metadata, dict) else {},
        )

    async def usage_owners(self, message_ids: Sequence[str]) -> dict[str, UsageOwner]:
        if not message_ids:
            return {}
        statement = select(_A.id, _A.api_key_prefix, _A.domain).where(
            _A.id.in_(sorted(set(message_ids)))
        )
        rows = (await self._c.execute(statement)).all()
        return {row.id: UsageOwner(row.api_key_prefix, row.domain) for row in rows}
