"""Domains: the list, a new domain, a domain's settings, removal with confirmation."""

# No ``from __future__ import annotations``: FastAPI must resolve the local ``Annotated``
# dependency aliases (Page, Form, Script) when the routes are declared.

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mailwright.model.domains import Domain
from mailwright.model.errors import InvalidInput
from mailwright.services.container import Services
from mailwright.services.domains import DomainChanges
from mailwright.web.ui.forms import mib_value, optional_int, optional_mib, read_form, text
from mailwright.web.ui.guard import AdminRequest, Guard
from mailwright.web.ui.permissions import may_administer
from mailwright.web.ui.rendering import ADMIN, FormErrors, Renderer, domain_url

LIST = f"{ADMIN}/domains"
NEW_FIELDS = {"domain", "it_notification_address", "default_quota_bytes"}
EDIT_FIELDS = {
    "it_notification_address",
    "password_min_length",
    "password_min_score",
    "default_quota_bytes",
}
NOTICES = {
    "created": "The domain is added.",
    "saved": "The changes are saved.",
    "deleted": "The domain is removed.",
}


def build(router: APIRouter, services: Services, renderer: Renderer, guard: Guard) -> None:
    """Add the domain pages to ``router``."""
    Page = Annotated[AdminRequest, Depends(guard.page)]
    Form = Annotated[AdminRequest, Depends(guard.form)]

    async def list_page(
        request: Request,
        current: AdminRequest,
        *,
        notice: str = "",
        values: dict[str, str] | None = None,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Response:
        context = {
            "title": "Domains",
            "section": "domains",
            "summaries": await services.domains.list_domains(current.actor),
            "may_administer": may_administer(current.actor),
            "values": values or {},
            "errors": errors or FormErrors(),
            "notice": NOTICES.get(notice, ""),
        }
        return renderer.page(request, "domains.html", context, status_code=status_code)

    @router.get(LIST)
    async def domains(request: Request, current: Page, notice: str = "") -> Response:
        return await list_page(request, current, notice=notice)

    @router.post(LIST)
    async def add_domain(request: Request, current: Form) -> Response:
        form = await read_form(request)
        values = {name: text(form, name) for name in NEW_FIELDS}
        try:
            domain = await services.domains.add(
                current.actor,
                values["domain"],
                it_notification_address=values["it_notification_address"] or None,
                default_quota_bytes=optional_mib(
                    values["default_quota_bytes"], "default_quota_bytes"
                ),
            )
        except InvalidInput as error:
            errors = FormErrors.from_error(error, NEW_FIELDS)
            return await list_page(request, current, values=values, errors=errors, status_code=422)
        return RedirectResponse(domain_url(domain.name) + "?notice=created", 303)

    def domain_page(
        request: Request,
        current: AdminRequest,
        domain: Domain,
        *,
        notice: str = "",
        values: dict[str, Any] | None = None,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Response:
        context = {
            "title": domain.name,
            "section": "domains",
            "domain": domain,
            "policy": services.passwords.settings_for(domain),
            "may_administer": may_administer(current.actor),
            "values": values
            or {
                "it_notification_address": domain.it_notification_address or "",
                "password_min_length": str(domain.password_min_length or ""),
                "password_min_score": (
                    "" if domain.password_min_score is None else str(domain.password_min_score)
                ),
                "default_quota_bytes": mib_value(domain.default_quota_bytes),
            },
            "errors": errors or FormErrors(),
            "notice": NOTICES.get(notice, ""),
        }
        return renderer.page(request, "domain.html", context, status_code=status_code)

    @router.get(LIST + "/{name}/delete")
    async def delete_confirmation(request: Request, current: Page, name: str) -> Response:
        domain = await services.domains.get(current.actor, name)
        context = {
            "title": f"Remove {domain.name}",
            "section": "domains",
            "question": f"Stop hosting the domain {domain.name}?",
            "consequence": "Only a domain without mailboxes and aliases can be removed.",
            "action": domain_url(domain.name, "/delete"),
            "button": "Remove domain",
            "cancel": domain_url(domain.name),
            "hidden": {},
        }
        return renderer.page(request, "confirm.html", context)

    @router.post(LIST + "/{name}/delete")
    async def delete_domain(current: Form, name: str) -> Response:
        await services.domains.remove(current.actor, name)
        return RedirectResponse(f"{LIST}?notice=deleted", status_code=303)

    @router.get(LIST + "/{name}")
    async def domain(request: Request, current: Page, name: str, notice: str = "") -> Response:
        found = await services.domains.get(current.actor, name)
        return domain_page(request, current, found, notice=notice)

    @router.post(LIST + "/{name}")
    async def edit_domain(request: Request, current: Form, name: str) -> Response:
        form = await read_form(request)
        values = {field: text(form, field) for field in EDIT_FIELDS}
        try:
            notify = values["it_notification_address"].strip()
            changes = DomainChanges(
                it_notification_address=notify or None,
                clear_it_notification_address=not notify,
                password_min_length=optional_int(
                    values["password_min_length"], "password_min_length", "The minimum length"
                ),
                password_min_score=optional_int(
                    values["password_min_score"], "password_min_score", "The minimum strength"
                ),
                default_quota_bytes=optional_mib(
                    values["default_quota_bytes"], "default_quota_bytes"
                ),
            )
            updated = await services.domains.update(current.actor, name, changes)
        except InvalidInput as error:
            found = await services.domains.get(current.actor, name)
            errors = FormErrors.from_error(error, EDIT_FIELDS)
            return domain_page(
                request, current, found, values=values, errors=errors, status_code=422
            )
        return RedirectResponse(domain_url(updated.name) + "?notice=saved", 303)
