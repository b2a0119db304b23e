"""``/audit-events``: the audit log, newest first (global admins only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from mailwright.model.audit import AuditEvent, AuditQuery, Outcome
from mailwright.model.errors import InvalidInput
from mailwright.web.api.dependencies import AdminActor, ServicesDep
from mailwright.web.api.fields import PlainText
from mailwright.web.api.pagination import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    Page,
    decode_cursor,
    encode_cursor,
)
from mailwright.web.api.problems import problem_responses

router = APIRouter(prefix="/audit-events", tags=["audit-events"])


class AuditEventPublic(BaseModel):
    """Who did what to which target, from where, why and how it ended."""

    id: int
    at: datetime
    actor: str = Field(
        description="An address, `operator:<user>`, `system`, or `apikey:<prefix>:<admin>`."
    )
    action: str = Field(examples=["mailbox.password.reset"])
    target: str
    source: str = Field(description="The client's network address, or `cli`.")
    outcome: Outcome
    reason: str
    details: dict[str, str | int | bool | None]

    @classmethod
    def of(cls, event: AuditEvent) -> AuditEventPublic:
        """The public view of ``event``."""
        e = event.entry
        return cls(
            id=event.id,
            at=e.at,
            actor=e.actor,
            action=e.action,
            target=e.target,
            source=e.source,
            outcome=e.outcome,
            reason=e.reason,
            details=e.details,
        )


class AuditEventPage(Page[AuditEventPublic]):
    """One page of audit events."""


def _utc(value: datetime | None, field: str) -> datetime | None:
    """A filter time in UTC (naive times are taken as UTC, like the CLI's)."""
    if value is None:
        return None
    try:
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except OverflowError:
        raise InvalidInput.for_field(field, "The time is out of range.") from None


def _before(cursor: str | None) -> int | None:
    if not cursor:
        return None
    key = decode_cursor(cursor)
    if len(key) != 1 or not (key[0].isascii() and key[0].isdigit()) or len(key[0]) > 18:
        raise InvalidInput.for_field("cursor", "The page cursor is not valid.")
    return int(key[0])


@router.get("", response_model=AuditEventPage, responses=problem_responses())
async def list_audit_events(
    services: ServicesDep,
    actor: AdminActor,
    actor_name: Annotated[
        PlainText | None,
        Query(alias="actor", max_length=320, description="Only events of this actor."),
    ] = None,
    target: Annotated[
        PlainText | None, Query(max_length=320, description="Only events about this target.")
    ] = None,
    action: Annotated[
        PlainText | None,
        Query(max_length=64, description="An action or family, e.g. `mailbox.password`."),
    ] = None,
    since: Annotated[datetime | None, Query(description="From this time (UTC if no zone).")] = None,
    until: Annotated[datetime | None, Query(description="Before this time.")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> AuditEventPage:
    """Audit events matching the filters, newest first."""
    query = AuditQuery(
        actor=actor_name or None,
        target=target or None,
        action=action or None,
        since=_utc(since, "since"),
        until=_utc(until, "until"),
        before=_before(cursor),
        limit=limit + 1,
    )
    events = await services.audit.list_events(actor, query)
    page = events[:limit]
    next_cursor = encode_cursor((str(page[-1].id),)) if len(events) > limit else None
    return AuditEventPage(items=[AuditEventPublic.of(e) for e in page], next_cursor=next_cursor)
