"""Webhooks: the list, a new webhook (its secret shown once), a webhook's settings with
enable/disable, a test event, its delivery log, and deletion (global admins only; the service
refuses everyone else whatever the page shows)."""

# No ``from __future__ import annotations``: FastAPI must resolve the local ``Annotated``
# dependency aliases (Page, Form, Script) when the routes are declared.

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mailwright.model.errors import InvalidInput, NotFound
from mailwright.model.outbound import EventKind
from mailwright.model.webhooks import Webhook, WebhookDeliveryStatus
from mailwright.services.container import Services
from mailwright.web.ui.forms import read_form, text
from mailwright.web.ui.guard import AdminRequest, Guard
from mailwright.web.ui.rendering import FormErrors, Renderer, with_query
from mailwright.web.ui.sending import HOME

LIST = f"{HOME}/webhooks"
FIELDS = {"url", "description", "events"}
LOG_SIZE = 50
MAX_ID = 2**31 - 1
NOTICES = {
    "saved": "The changes are saved.",
    "enabled": "The webhook is enabled; it hears events from now on.",
    "disabled": "The webhook is disabled; it hears nothing until enabled.",
    "deleted": "The webhook and its delivery log are deleted.",
    "test-delivered": "The test event was delivered.",
    "test-failed": "The test event was not accepted; see the delivery log.",
}


def webhook_url(webhook_id: int, suffix: str = "") -> str:
    """The admin center page of a webhook."""
    return f"{LIST}/{webhook_id}{suffix}"


def checked_id(value: int) -> int:
    """A row id from a URL. Raises: NotFound when no row can have it (the columns are 32-bit)."""
    if not 0 < value <= MAX_ID:
        raise NotFound(f"There is no webhook {value}.")
    return value


def _values(form: FormData) -> dict[str, Any]:
    chosen = [v for v in form.getlist("events") if isinstance(v, str)]
    return {
        "url": text(form, "url"),
        "description": text(form, "description"),
        "events": chosen,
    }


def _shown(webhook: Webhook) -> dict[str, Any]:
    return {
        "url": webhook.url,
        "description": webhook.description,
        "events": [k.value for k in EventKind if k in webhook.events],
    }


def build(router: APIRouter, services: Services, renderer: Renderer, guard: Guard) -> None:
    """Add the webhook pages to ``router``."""
    Page = Annotated[AdminRequest, Depends(guard.page)]
    Form = Annotated[AdminRequest, Depends(guard.form)]
    renderer.env.globals["webhook_url"] = webhook_url

    async def list_page(
        request: Request,
        current: AdminRequest,
        *,
        notice: str = "",
        values: dict[str, Any] | None = None,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Response:
        context = {
            "title": "Webhooks",
            "section": "sending",
            "webhooks": await services.webhooks.list_webhooks(current.actor),
            "kinds": list(EventKind),
            "values": values or {"url": "", "description": "", "events": []},
            "errors": errors or FormErrors(),
            "notice": NOTICES.get(notice, ""),
        }
        return renderer.page(request, "webhooks.html", context, status_code=status_code)

    @router.get(LIST)
    async def webhooks(request: Request, current: Page, notice: str = "") -> Response:
        return await list_page(request, current, notice=notice)

    @router.post(LIST)
    async def create_webhook(request: Request, current: Form) -> Response:
        values = _values(await read_form(request))
        try:
            created = await services.webhooks.create(
                current.actor,
                values["url"],
                events=values["events"],
                description=values["description"],
            )
        except InvalidInput as error:
            errors = FormErrors.from_error(error, FIELDS)
            return await list_page(request, current, values=values, errors=errors, status_code=422)
        context = {
            "title": "Webhook added",
            "section": "sending",
            "webhook": created.webhook,
            "secret": created.secret,
        }
        return renderer.page(request, "webhook_created.html", context, status_code=201)

    async def detail_page(
        request: Request,
        current: AdminRequest,
        webhook_id: int,
        *,
        notice: str = "",
        before: int | None = None,
        values: dict[str, Any] | None = None,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Response:
        webhook = await services.webhooks.get(current.actor, checked_id(webhook_id))
        log = await services.webhooks.deliveries(
            current.actor,
            webhook.id,
            before_id=checked_id(before) if before else None,
            limit=LOG_SIZE,
        )
        older = with_query(webhook_url(webhook.id), before=str(log[-1].id)) if log else ""
        context = {
            "title": f"Webhook {webhook.id}",
            "section": "sending",
            "webhook": webhook,
            "kinds": list(EventKind),
            "values": values or _shown(webhook),
            "errors": errors or FormErrors(),
            "notice": NOTICES.get(notice, ""),
            "deliveries": log,
            "statuses": WebhookDeliveryStatus,
            "older_url": older if len(log) == LOG_SIZE else "",
            "newest_url": webhook_url(webhook_id) if before else "",
        }
        return renderer.page(request, "webhook.html", context, status_code=status_code)

    @router.get(LIST + "/{webhook_id}")
    async def webhook_page(
        request: Request,
        current: Page,
        webhook_id: int,
        notice: str = "",
        before: int | None = None,
    ) -> Response:
        return await detail_page(request, current, webhook_id, notice=notice, before=before)

    @router.post(LIST + "/{webhook_id}")
    async def change_webhook(request: Request, current: Form, webhook_id: int) -> Response:
        values = _values(await read_form(request))
        try:
            await services.webhooks.update(
                current.actor,
                checked_id(webhook_id),
                url=values["url"],
                events=values["events"],
                description=values["description"],
            )
        except InvalidInput as error:
            errors = FormErrors.from_error(error, FIELDS)
            return await detail_page(
                request, current, webhook_id, values=values, errors=errors, status_code=422
            )
        return RedirectResponse(webhook_url(webhook_id, "?notice=saved"), status_code=303)

    @router.post(LIST + "/{webhook_id}/active")
    async def switch_webhook(request: Request, current: Form, webhook_id: int) -> Response:
        active = text(await read_form(request), "active") == "true"
        await services.webhooks.update(current.actor, checked_id(webhook_id), active=active)
        notice = "enabled" if active else "disabled"
        return RedirectResponse(webhook_url(webhook_id, f"?notice={notice}"), status_code=303)

    @router.post(LIST + "/{webhook_id}/test")
    async def test_webhook(current: Form, webhook_id: int) -> Response:
        delivery = await services.webhooks.send_test(current.actor, checked_id(webhook_id))
        outcome = "delivered" if delivery.status is WebhookDeliveryStatus.DELIVERED else "failed"
        return RedirectResponse(webhook_url(webhook_id, f"?notice=test-{outcome}"), 303)

    @router.get(LIST + "/{webhook_id}/delete")
    async def delete_confirmation(request: Request, current: Page, webhook_id: int) -> Response:
        webhook = await services.webhooks.get(current.actor, checked_id(webhook_id))
        context = {
            "title": f"Delete webhook {webhook.id}",
            "section": "sending",
            "question": f"Delete the webhook posting to {webhook.url}?",
            "consequence": "Its delivery log is deleted too; pending events are not sent.",
            "action": webhook_url(webhook.id, "/delete"),
            "button": "Delete webhook",
            "cancel": webhook_url(webhook.id),
            "hidden": {},
        }
        return renderer.page(request, "confirm.html", context)

    @router.post(LIST + "/{webhook_id}/delete")
    async def delete_webhook(current: Form, webhook_id: int) -> Response:
        await services.webhooks.delete(current.actor, checked_id(webhook_id))
        return RedirectResponse(f"{LIST}?notice=deleted", status_code=303)
