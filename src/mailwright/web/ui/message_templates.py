"""Sending > Templates: the list, a template's versions and sources, saving a new version, and
a preview with variables (rendered exactly as a message would be, missing variables named).

Every admin who sees the Sending section may read and preview templates; saving is for global
admins (``services/sending_access.py`` decides; the page only hides the button).
"""

# No ``from __future__ import annotations``: FastAPI must resolve the local ``Annotated``
# dependency aliases (Page, Form) when the routes are declared.

import json
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mailwright.model.errors import InvalidInput, NotFound
from mailwright.model.sending import RenderedMessage, SendingCaller, Template
from mailwright.services.container import Services
from mailwright.services.templates import MAX_PART_SOURCE
from mailwright.web.ui.forms import read_form, text
from mailwright.web.ui.guard import AdminRequest, Guard
from mailwright.web.ui.rendering import ADMIN, FormErrors, Renderer

LIST = f"{ADMIN}/sending/templates"
NEW = f"{LIST}/new"
FIELDS = {"name", "subject", "text", "html"}
PREVIEW_FIELDS = {"variables"}
NOTICES = {"saved": "The template is saved."}
MAX_VARIABLES = 256 * 1024


def template_url(name: str, suffix: str = "") -> str:
    """The page of a template."""
    return f"{LIST}/{quote(name, safe='')}{suffix}"


def _source(form: FormData, name: str) -> str | None:
    """A template part from a textarea: None when empty, bounded in length."""
    value = form.get(name)
    if not isinstance(value, str) or not value.strip():
        return None
    return value[: MAX_PART_SOURCE + 1].replace("\r\n", "\n")


def _variables(value: str) -> dict[str, Any]:
    """The preview's variables: a JSON object. Raises: InvalidInput."""
    if not value.strip():
        return {}
    try:
        parsed = json.loads(value[:MAX_VARIABLES])
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise InvalidInput.for_field(
            "variables", 'Give the variables as a JSON object, like {"name": "Ann"}.'
        )
    return parsed


def build(router: APIRouter, services: Services, renderer: Renderer, guard: Guard) -> None:
    """Add the template pages to ``router``."""
    Page = Annotated[AdminRequest, Depends(guard.page)]
    Form = Annotated[AdminRequest, Depends(guard.form)]
    renderer.env.globals["template_url"] = template_url

    def caller(current: AdminRequest) -> SendingCaller:
        return SendingCaller(current.actor)

    @router.get(LIST)
    async def templates_list(request: Request, current: Page, notice: str = "") -> Response:
        found = await services.templates.list_templates(caller(current), limit=500)
        context = {
            "title": "Templates",
            "section": "sending",
            "templates": found,
            "notice": NOTICES.get(notice, ""),
        }
        return renderer.page(request, "message_templates.html", context)

    def form_page(
        request: Request, values: dict[str, str], errors: FormErrors, status_code: int = 200
    ) -> Response:
        existing = bool(values.get("existing"))
        title = f"New version of {values['name']}" if existing else "New template"
        context = {"title": title, "section": "sending", "values": values, "errors": errors}
        return renderer.page(
            request, "message_template_form.html", context, status_code=status_code
        )

    @router.get(NEW)
    async def new_template(request: Request, current: Page, name: str = "") -> Response:
        values = {"name": "", "subject": "", "text": "", "html": "", "existing": ""}
        if name:
            latest = await services.templates.get(caller(current), name)
            values = {
                "name": latest.name,
                "subject": latest.subject,
                "text": latest.text or "",
                "html": latest.html or "",
                "existing": "1",
            }
        return form_page(request, values, FormErrors())

    @router.post(NEW)
    async def save_template(request: Request, current: Form) -> Response:
        form = await read_form(request)
        values = {
            "name": text(form, "name").strip(),
            "subject": _source(form, "subject") or "",
            "text": _source(form, "text") or "",
            "html": _source(form, "html") or "",
            "existing": text(form, "existing"),
        }
        try:
            saved = await services.templates.create(
                caller(current),
                values["name"],
                subject=values["subject"],
                text=values["text"] or None,
                html=values["html"] or None,
            )
        except InvalidInput as error:
            return form_page(request, values, FormErrors.from_error(error, FIELDS), 422)
        return RedirectResponse(
            template_url(saved.name, f"?version={saved.version}&notice=saved"), status_code=303
        )

    async def template_page(
        request: Request,
        current: AdminRequest,
        template: Template,
        *,
        notice: str = "",
        variables: str = "",
        rendered: RenderedMessage | None = None,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Response:
        versions = await services.templates.versions(caller(current), template.name)
        context = {
            "title": f"Template {template.name}",
            "section": "sending",
            "template": template,
            "versions": versions,
            "notice": NOTICES.get(notice, ""),
            "values": {"variables": variables},
            "rendered": rendered,
            "errors": errors or FormErrors(),
        }
        return renderer.page(request, "message_template.html", context, status_code=status_code)

    @router.get(LIST + "/{name}")
    async def show_template(
        request: Request, current: Page, name: str, version: int | None = None, notice: str = ""
    ) -> Response:
        template = await services.templates.get(caller(current), name, _version(version))
        return await template_page(request, current, template, notice=notice)

    @router.post(LIST + "/{name}/preview")
    async def preview_template(request: Request, current: Form, name: str) -> Response:
        form = await read_form(request)
        version = _version(_int(text(form, "version")))
        template = await services.templates.get(caller(current), name, version)
        raw = form.get("variables")
        variables = raw[:MAX_VARIABLES] if isinstance(raw, str) else ""
        try:
            _, rendered = await services.templates.render(
                caller(current), name, _variables(variables), template.version
            )
        except InvalidInput as error:
            errors = FormErrors.from_error(error, PREVIEW_FIELDS)
            return await template_page(
                request, current, template, variables=variables, errors=errors, status_code=422
            )
        return await template_page(
            request, current, template, variables=variables, rendered=rendered
        )


def _int(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def _version(version: int | None) -> int | None:
    if version is not None and not 0 < version < 2**31:
        raise NotFound(f"There is no version {version}.")
    return version
