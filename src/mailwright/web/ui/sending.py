"""Sending: this month's usage and cost, the message-events search and a message's trace
(global admins: every message; domain admins: their domains' messages; the services decide)."""

# No ``from __future__ import annotations``: FastAPI must resolve the local ``Annotated``
# dependency aliases (Page, Form, Script) when the routes are declared.

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from mailwright.model.errors import InvalidInput
from mailwright.model.message_events import EventQuery, MessageEvent
from mailwright.model.outbound import EventKind
from mailwright.services.container import Services
from mailwright.services.message_events import parse_event_query
from mailwright.services.usage import UsageGroup
from mailwright.web.ui.forms import optional_day
from mailwright.web.ui.guard import AdminRequest, Guard
from mailwright.web.ui.rendering import ADMIN, FormErrors, Renderer, with_query

HOME = f"{ADMIN}/sending"
EVENTS = f"{HOME}/events"
MESSAGES = f"{HOME}/messages"
PAGE_SIZE = 100
MAX_ID = 2**31 - 1
FIELDS = {"recipient", "message_id", "kind", "since", "until"}
USAGE_FIELDS = {"month"}


def message_url(message_id: str) -> str:
    """The trace page of a message."""
    return f"{MESSAGES}/{quote(message_id, safe='')}"


def _kind(value: str) -> frozenset[EventKind]:
    if not value:
        return frozenset()
    try:
        return frozenset({EventKind(value)})
    except ValueError:
        raise InvalidInput.for_field("kind", "Choose an event kind from the list.") from None


def build(router: APIRouter, services: Services, renderer: Renderer, guard: Guard) -> None:
    """Add the Sending pages to ``router``."""
    Page = Annotated[AdminRequest, Depends(guard.page)]
    renderer.env.globals["message_url"] = message_url

    @router.get(HOME)
    async def sending(request: Request, current: Page, month: str = "") -> Response:
        errors = FormErrors()
        try:
            by_domain = await services.usage.report(current.actor, month.strip() or None)
        except InvalidInput as error:
            errors = FormErrors.from_error(error, USAGE_FIELDS)
            by_domain = await services.usage.report(current.actor)
        by_key = await services.usage.report(current.actor, by_domain.month, UsageGroup.KEY)
        context = {
            "title": "Sending",
            "section": "sending",
            "by_domain": by_domain,
            "by_key": by_key,
            "values": {"month": month.strip() or by_domain.month},
            "errors": errors,
        }
        return renderer.page(request, "sending.html", context, status_code=422 if errors else 200)

    @router.get(EVENTS)
    async def events(
        request: Request,
        current: Page,
        recipient: str = "",
        message_id: str = "",
        kind: str = "",
        since: str = "",
        until: str = "",
        before: int | None = None,
    ) -> Response:
        filters = {
            "recipient": recipient.strip(),
            "message_id": message_id.strip(),
            "kind": kind.strip(),
            "since": since.strip(),
            "until": until.strip(),
        }
        errors = FormErrors()
        found: list[MessageEvent] = []
        try:
            text = parse_event_query(
                recipient=filters["recipient"], message_id=filters["message_id"]
            )
            query = EventQuery(
                recipient=text["recipient"],
                message_id=text["message_id"],
                kinds=_kind(filters["kind"]),
                since=optional_day(filters["since"], "since"),
                until=optional_day(filters["until"], "until", end=True),
                before_id=before if before and 0 < before <= MAX_ID else None,
                limit=PAGE_SIZE,
            )
            found = await services.message_events.search(current.actor, query)
        except InvalidInput as error:
            errors = FormErrors.from_error(error, FIELDS)
        older = ""
        if len(found) == PAGE_SIZE:
            older = with_query(EVENTS, **filters, before=str(found[-1].event.id))
        context = {
            "title": "Message events",
            "section": "sending",
            "filters": filters,
            "kinds": list(EventKind),
            "events": found,
            "errors": errors,
            "older_url": older,
            "newest_url": with_query(EVENTS, **filters) if before else "",
        }
        status_code = 422 if errors else 200
        return renderer.page(request, "sending_events.html", context, status_code=status_code)

    @router.get(MESSAGES + "/{message_id}")
    async def message_trace(request: Request, current: Page, message_id: str) -> Response:
        record, found = await services.message_events.trace(current.actor, message_id)
        context = {
            "title": f"Message {record.id}",
            "section": "sending",
            "record": record,
            "events": found,
        }
        return renderer.page(request, "sending_message.html", context)
