"""Admins: role grants, their changes and revocation (global admins only; the service
refuses everyone else whatever the page shows)."""

# No ``from __future__ import annotations``: FastAPI must resolve the local ``Annotated``
# dependency aliases (Page, Form, Script) when the routes are declared.

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mailwright.model.admins import Admin, Role
from mailwright.model.errors import InvalidInput, NotFound
from mailwright.services.admins import parse_role
from mailwright.services.container import Services
from mailwright.web.ui.forms import address_list, read_form, text
from mailwright.web.ui.guard import AdminRequest, Guard
from mailwright.web.ui.rendering import ADMIN, FormErrors, Renderer, admin_url

LIST = f"{ADMIN}/admins"
FIELDS = {"address", "role", "domains"}
ROLES = {
    Role.GLOBAL_ADMIN: "Global admin: everything",
    Role.DOMAIN_ADMIN: "Domain admin: mailboxes and aliases of chosen domains",
    Role.HELPDESK: "Helpdesk: password resets of ordinary mailboxes",
}
NOTICES = {
    "created": "The role is granted.",
    "saved": "The grant is changed.",
    "deleted": "The role is revoked.",
}


def build(router: APIRouter, services: Services, renderer: Renderer, guard: Guard) -> None:
    """Add the admin pages to ``router``."""
    Page = Annotated[AdminRequest, Depends(guard.page)]
    Form = Annotated[AdminRequest, Depends(guard.form)]

    async def find(current: AdminRequest, address: str) -> Admin:
        wanted = address.strip().lower()
        for admin in await services.admins.list_admins(current.actor):
            if admin.address == wanted:
                return admin
        raise NotFound(f"{address} holds no admin role.")

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
            "title": "Admins",
            "section": "admins",
            "admins": await services.admins.list_admins(current.actor),
            "roles": ROLES,
            "values": values or {"role": Role.HELPDESK.value},
            "errors": errors or FormErrors(),
            "notice": NOTICES.get(notice, ""),
        }
        return renderer.page(request, "admins.html", context, status_code=status_code)

    @router.get(LIST)
    async def admins(request: Request, current: Page, notice: str = "") -> Response:
        return await list_page(request, current, notice=notice)

    @router.post(LIST)
    async def grant(request: Request, current: Form) -> Response:
        form = await read_form(request)
        values = {name: text(form, name) for name in FIELDS}
        try:
            admin = await services.admins.add(
                current.actor,
                values["address"],
                parse_role(values["role"]),
                address_list(values["domains"]),
            )
        except InvalidInput as error:
            errors = FormErrors.from_error(error, FIELDS)
            return await list_page(request, current, values=values, errors=errors, status_code=422)
        return RedirectResponse(admin_url(admin.address) + "?notice=created", 303)

    def edit_page(
        request: Request,
        admin: Admin,
        values: dict[str, Any],
        errors: FormErrors,
        notice: str = "",
        status_code: int = 200,
    ) -> Response:
        context = {
            "title": f"Admin {admin.address}",
            "section": "admins",
            "admin": admin,
            "roles": ROLES,
            "values": values,
            "errors": errors,
            "notice": NOTICES.get(notice, ""),
        }
        return renderer.page(request, "admin.html", context, status_code=status_code)

    @router.get(LIST + "/{address}/delete")
    async def delete_confirmation(request: Request, current: Page, address: str) -> Response:
        admin = await find(current, address)
        context = {
            "title": f"Revoke {admin.address}",
            "section": "admins",
            "question": f"Revoke the {admin.role.value} role of {admin.address}?",
            "consequence": "The mailbox stays; its admin center sessions end.",
            "action": admin_url(admin.address, "/delete"),
            "button": "Revoke role",
            "cancel": admin_url(admin.address),
            "hidden": {},
        }
        return renderer.page(request, "confirm.html", context)

    @router.post(LIST + "/{address}/delete")
    async def revoke(current: Form, address: str) -> Response:
        await services.admins.remove(current.actor, address)
        return RedirectResponse(f"{LIST}?notice=deleted", status_code=303)

    @router.get(LIST + "/{address}")
    async def admin_page(
        request: Request, current: Page, address: str, notice: str = ""
    ) -> Response:
        admin = await find(current, address)
        values = {"role": admin.role.value, "domains": " ".join(sorted(admin.domains))}
        return edit_page(request, admin, values, FormErrors(), notice)

    @router.post(LIST + "/{address}")
    async def change(request: Request, current: Form, address: str) -> Response:
        admin = await find(current, address)
        form = await read_form(request)
        values = {name: text(form, name) for name in ("role", "domains")}
        try:
            await services.admins.update(
                current.actor,
                admin.address,
                parse_role(values["role"]),
                address_list(values["domains"]),
            )
        except InvalidInput as error:
            errors = FormErrors.from_error(error, FIELDS)
            return edit_page(request, admin, values, errors, status_code=422)
        return RedirectResponse(admin_url(admin.address) + "?notice=saved", 303)
