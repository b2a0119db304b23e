"""``/events``: delivery events across messages, newest first.

Admin keys see what their admin may (global admins everything, domain admins the messages of
their domains); send keys see the events of the messages sent with them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field

from mailwright.model.errors import InvalidInput
from mailwright.model.message_events import EventQuery, MessageEvent
from mailwright.model.outbound import EventKind
from mailwright.services.api_keys import ApiCaller
from mailwright.services.message_events import MAX_TAG, parse_event_query
from mailwright.web.api.dependencies import ServicesDep, bearer, client_source
from mailwright.web.api.fields import AddressText, PlainText
from mailwright.web.api.pagination import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    Page,
    decode_cursor,
    encode_cursor,
)
from mailwright.web.api.problems import Unauthorized, problem_responses

router = APIRouter(prefix="/events", tags=["events"])
MAX_ID = 2**31 - 1


async def get_caller(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> ApiCaller:
    """The caller behind a bearer key of either scope.

    Raises:
        Unauthorized: no bearer key, or one that is not (or no longer) valid.
    """
    if credentials is None:
        raise Unauthorized(
            "This call needs an API key: send 'Authorization: Bearer <key>'.",
            invalid_token=False,
        )
    caller = await services.api_keys.find_caller(credentials.credentials, client_source(request))
    if caller is None:
        raise Unauthorized(
            "The API key is not valid: it is unknown or revoked, or its admin may no longer act.",
            invalid_token=True,
        )
    return caller


AnyCaller = Annotated[ApiCaller, Depends(get_caller)]


class EventPublic(BaseModel):
    """One step in one recipient's delivery, with the remote server's reply."""

    id: int = Field(description="Increases with every event; the cursor order.")
    kind: EventKind
    at: datetime
    message_id: str
    recipient: str
    reply: str = Field(description="The remote server's reply, or why there was none.")
    remote_host: str = Field(description="The server that answered (`local` for hosted).")
    tags: list[str] = Field(description="The message's tags (API mail).")
    metadata: dict[str, Any] = Field(description="The message's metadata (API mail).")

    @classmethod
    def of(cls, item: MessageEvent) -> EventPublic:
        """The public view of ``item``."""
        e = item.event
        return cls(
            id=e.id,
            kind=e.kind,
            at=e.at,
            message_id=e.message_id,
            recipient=e.recipient,
            reply=e.reply,
            remote_host=e.remote_host,
            tags=list(item.tags),
            metadata=dict(item.metadata),
        )


class EventPage(Page[EventPublic]):
    """One page of delivery events."""


def utc_time(value: datetime | None, field: str) -> datetime | None:
    """A filter time in UTC (naive times are taken as UTC). Raises: InvalidInput."""
    if value is None:
        return None
    try:
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except OverflowError:
        raise InvalidInput.for_field(field, "The time is out of range.") from None


def before_id(cursor: str | None) -> int | None:
    """The event id a cursor of this list marks. Raises: InvalidInput."""
    if not cursor:
        return None
    key = decode_cursor(cursor)
    # Ids are 32-bit columns: a larger number is no cursor of ours (and PostgreSQL would
    # refuse to compare with it).
    if len(key) != 1 or not (key[0].isascii() and key[0].isdigit()) or len(key[0]) > 10:
        raise InvalidInput.for_field("cursor", "The page cursor is not valid.")
    value = int(key[0])
    if value > MAX_ID:
        raise InvalidInput.for_field("cursor", "The page cursor is not valid.")
    return value


@router.get("", response_model=EventPage, responses=problem_responses())
async def list_events(
    services: ServicesDep,
    caller: AnyCaller,
    recipient: Annotated[
        AddressText | None, Query(description="Only events of this recipient.")
    ] = None,
    message_id: Annotated[
        PlainText | None, Query(max_length=64, description="Only events of this message.")
    ] = None,
    kind: Annotated[
        list[EventKind] | None,
        Query(description="Only events of these kinds (repeat the parameter for several)."),
    ] = None,
    tag: Annotated[
        PlainText | None,
        Query(max_length=MAX_TAG, description="Only events of messages with this tag."),
    ] = None,
    since: Annotated[datetime | None, Query(description="From this time (UTC if no zone).")] = None,
    until: Annotated[datetime | None, Query(description="Before this time.")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> EventPage:
    """Delivery events matching the filters, newest first."""
    text = parse_event_query(recipient=recipient, message_id=message_id, tag=tag)
    query = EventQuery(
        recipient=text["recipient"],
        message_id=text["message_id"],
        kinds=frozenset(kind or ()),
        tag=text["tag"],
        since=utc_time(since, "since"),
        until=utc_time(until, "until"),
        before_id=before_id(cursor),
        limit=limit + 1,
    )
    found = await services.message_events.search_as(caller, query)
    page = found[:limit]
    next_cursor = encode_cursor((str(page[-1].event.id),)) if len(found) > limit else None
    return EventPage(items=[EventPublic.of(e) for e in page], next_cursor=next_cursor)
