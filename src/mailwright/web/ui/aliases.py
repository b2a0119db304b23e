"""Aliases: the list, a new alias, changing destinations, removal with confirmation.

Alias sources go in the query string or a form field rather than the path, because the
catch-all source ``@domain`` is not a path segment anyone wants to type.
"""

# No ``from __future__ import annotations``: FastAPI must resolve the local ``Annotated``
# dependency aliases (Page, Form, Script) when the routes are declared.

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mailwright.model.aliases import Alias
from mailwright.model.errors import InvalidInput, NotFound
from mailwright.services.container import Services
from mailwright.web.ui.forms import address_list, read_form, text
from mailwright.web.ui.guard import AdminRequest, Guard
from mailwright.web.ui.permissions import may_manage
from mailwright.web.ui.rendering import ADMIN, FormErrors, Renderer, with_query

LIST = f"{ADMIN}/aliases"
FIELDS = {"source", "destinations"}
NOTICES = {
    "created": "The alias is added.",
    "saved": "The destinations are saved.",
    "deleted": "The alias is removed.",
}


def alias_domain(source: str) -> str:
    """The domain of an alias source (``name@domain`` or ``@domain``)."""
    return source.rpartition("@")[2]


def build(router: APIRouter, services: Services, renderer: Renderer, guard: Guard) -> None:
    """Add the alias pages to ``router``."""
    Page = Annotated[AdminRequest, Depends(guard.page)]
    Form = Annotated[AdminRequest, Depends(guard.form)]

    async def find(current: AdminRequest, source: str) -> Alias:
        wanted = source.strip().lower()
        domain = alias_domain(wanted)
        for alias in await services.aliases.list_aliases(current.actor, domain or None):
            if alias.source == wanted:
                return alias
        raise NotFound(f"There is no alias {source}.")

    async def list_page(
        request: Request,
        current: AdminRequest,
        *,
        domain: str = "",
        notice: str = "",
        values: dict[str, str] | None = None,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Response:
        aliases = await services.aliases.list_aliases(current.actor, domain or None)
        context = {
            "title": "Aliases",
            "section": "aliases",
            "rows": [(a, may_manage(current.actor, alias_domain(a.source))) for a in aliases],
            "domain": domain,
            "may_create": request.state.who.may_manage,
            "values": values or {},
            "errors": errors or FormErrors(),
            "notice": NOTICES.get(notice, ""),
        }
        return renderer.page(request, "aliases.html", context, status_code=status_code)

    @router.get(LIST)
    async def aliases(
        request: Request, current: Page, domain: str = "", notice: str = ""
    ) -> Response:
        return await list_page(request, current, domain=domain, notice=notice)

    @router.post(LIST)
    async def add_alias(request: Request, current: Form) -> Response:
        form = await read_form(request)
        values = {name: text(form, name) for name in FIELDS}
        try:
            await services.aliases.add(
                current.actor, values["source"], address_list(values["destinations"])
            )
        except InvalidInput as error:
            errors = FormErrors.from_error(error, FIELDS)
            return await list_page(request, current, values=values, errors=errors, status_code=422)
        return RedirectResponse(f"{LIST}?notice=created", status_code=303)

    def edit_page(
        request: Request,
        alias: Alias,
        values: dict[str, Any],
        errors: FormErrors,
        status_code: int = 200,
    ) -> Response:
        context = {
            "title": f"Alias {alias.source}",
            "section": "aliases",
            "alias": alias,
            "values": values,
            "errors": errors,
        }
        return renderer.page(request, "alias.html", context, status_code=status_code)

    @router.get(LIST + "/edit")
    async def edit_form(request: Request, current: Page, source: str) -> Response:
        alias = await find(current, source)
        values = {"destinations": "\n".join(alias.destinations)}
        return edit_page(request, alias, values, FormErrors())

    @router.post(LIST + "/edit")
    async def edit_alias(request: Request, current: Form) -> Response:
        form = await read_form(request)
        alias = await find(current, text(form, "source"))
        values = {"destinations": text(form, "destinations")}
        try:
            await services.aliases.update(
                current.actor, alias.source, address_list(values["destinations"])
            )
        except InvalidInput as error:
            errors = FormErrors.from_error(error, FIELDS)
            return edit_page(request, alias, values, errors, 422)
        return RedirectResponse(f"{LIST}?notice=saved", status_code=303)

    @router.get(LIST + "/delete")
    async def delete_confirmation(request: Request, current: Page, source: str) -> Response:
        alias = await find(current, source)
        context = {
            "title": f"Remove {alias.source}",
            "section": "aliases",
            "question": f"Remove the alias {alias.source}?",
            "consequence": "Mail to it will be refused (or caught by the domain's catch-all).",
            "action": f"{LIST}/delete",
            "button": "Remove alias",
            "cancel": with_query(f"{LIST}/edit", source=alias.source),
            "hidden": {"source": alias.source},
        }
        return renderer.page(request, "confirm.html", context)

    @router.post(LIST + "/delete")
    async def delete_alias(request: Request, current: Form) -> Response:
        form = await read_form(request)
        await services.aliases.remove(current.actor, text(form, "source"))
        return RedirectResponse(f"{LIST}?notice=deleted", status_code=303)
