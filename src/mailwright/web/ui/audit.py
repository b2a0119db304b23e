"""The audit log: filters by actor, target, action and date range; pages back by event id."""

# No ``from __future__ import annotations``: FastAPI must resolve the local ``Annotated``
# dependency aliases (Page, Form, Script) when the routes are declared.

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from mailwright.model.audit import AuditQuery
from mailwright.model.errors import InvalidInput
from mailwright.services.container import Services
from mailwright.web.ui.forms import optional_day
from mailwright.web.ui.guard import AdminRequest, Guard
from mailwright.web.ui.rendering import ADMIN, FormErrors, Renderer, with_query

LIST = f"{ADMIN}/audit"
PAGE_SIZE = 100
FIELDS = {"actor", "target", "action", "since", "until"}


def build(router: APIRouter, services: Services, renderer: Renderer, guard: Guard) -> None:
    """Add the audit log page to ``router``."""
    Page = Annotated[AdminRequest, Depends(guard.page)]

    @router.get(LIST)
    async def audit_log(
        request: Request,
        current: Page,
        actor: str = "",
        target: str = "",
        action: str = "",
        since: str = "",
        until: str = "",
        before: int | None = None,
    ) -> Response:
        filters = {
            "actor": actor.strip(),
            "target": target.strip(),
            "action": action.strip(),
            "since": since.strip(),
            "until": until.strip(),
        }
        errors = FormErrors()
        events = []
        try:
            query = AuditQuery(
                actor=filters["actor"] or None,
                target=filters["target"] or None,
                action=filters["action"] or None,
                since=optional_day(filters["since"], "since"),
                until=optional_day(filters["until"], "until", end=True),
                before=before,
                limit=PAGE_SIZE,
            )
            events = await services.audit.list_events(current.actor, query)
        except InvalidInput as error:
            errors = FormErrors.from_error(error, FIELDS)
        older = ""
        if len(events) == PAGE_SIZE:
            older = with_query(LIST, **filters, before=str(events[-1].id))
        context = {
            "title": "Audit log",
            "section": "audit",
            "filters": filters,
            "events": events,
            "errors": errors,
            "older_url": older,
            "newest_url": with_query(LIST, **filters) if before else "",
        }
        return renderer.page(request, "audit.html", context, status_code=422 if errors else 200)
