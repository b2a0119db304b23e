"""Recipients > Mailboxes: the list (search, sort, keyset pages), the mailbox page with its
edit form, disable/enable, delete with confirmation, and a new mailbox."""

# No ``from __future__ import annotations``: FastAPI must resolve the local ``Annotated``
# dependency aliases (Page, Form, Script) when the routes are declared.

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mailwright.model.admins import Role
from mailwright.model.errors import InvalidInput
from mailwright.model.mailboxes import MailboxSort
from mailwright.services.container import Services
from mailwright.services.mailboxes import MailboxChanges, MailboxDetails
from mailwright.web.ui.forms import checked, mib_value, optional_mib, read_form, text
from mailwright.web.ui.guard import AdminRequest, Guard
from mailwright.web.ui.permissions import may_manage, may_reset
from mailwright.web.ui.rendering import ADMIN, FormErrors, Renderer, mailbox_url, with_query

LIST = f"{ADMIN}/mailboxes"
PAGE_SIZE = 50
EDIT_FIELDS = {"display_name", "quota_bytes", "recovery_address"}
NEW_FIELDS = {"address", "display_name", "password", "quota_bytes", "recovery_address"}
NOTICES = {
    "saved": "The changes are saved.",
    "created": "The mailbox is created.",
    "deleted": "The mailbox is deleted.",
    "disabled": "The mailbox is disabled: every login and all inbound mail are refused.",
    "enabled": "The mailbox is enabled again.",
}
SORTS = {
    MailboxSort.ADDRESS: "Address",
    MailboxSort.DISPLAY_NAME: "Display name",
    MailboxSort.CREATED: "Created",
}


def _sort(value: str) -> MailboxSort:
    try:
        return MailboxSort(value)
    except ValueError:
        return MailboxSort.ADDRESS


def build(router: APIRouter, services: Services, renderer: Renderer, guard: Guard) -> None:
    """Add the mailbox pages to ``router``."""
    Page = Annotated[AdminRequest, Depends(guard.page)]
    Form = Annotated[AdminRequest, Depends(guard.form)]

    @router.get(LIST)
    async def mailbox_list(
        request: Request,
        current: Page,
        q: str = "",
        domain: str = "",
        sort: str = "address",
        order: str = "asc",
        cursor: str = "",
        notice: str = "",
    ) -> Response:
        chosen = _sort(sort)
        descending = order == "desc"
        page = await services.mailboxes.list_page(
            current.actor,
            domain=domain or None,
            search=q[:200] or None,
            sort=chosen,
            descending=descending,
            limit=PAGE_SIZE,
            cursor=cursor or None,
            # Counting every substring match costs a second scan of the table; the plain
            # listing's count is an index count and stays exact.
            count=not q,
        )
        base = {
            "q": q,
            "domain": domain,
            "sort": chosen.value,
            "order": "desc" if descending else "",
        }
        context: dict[str, Any] = {
            "title": "Mailboxes",
            "section": "mailboxes",
            "page": page,
            "q": q,
            "domain": domain,
            "sort": chosen.value,
            "descending": descending,
            "sorts": SORTS,
            "first_url": with_query(LIST, **base) if cursor else "",
            "next_url": with_query(LIST, **base, cursor=page.next_cursor)
            if page.next_cursor
            else "",
            "notice": NOTICES.get(notice, ""),
            "may_create": current.admin.role is not Role.HELPDESK,
        }
        return renderer.page(request, "mailboxes.html", context)

    @router.get(f"{LIST}/new")
    async def new_mailbox_form(request: Request, current: Page) -> Response:
        return _new_form(request, {}, FormErrors())

    def _new_form(
        request: Request, values: dict[str, Any], errors: FormErrors, status_code: int = 200
    ) -> Response:
        context = {"title": "New mailbox", "section": "mailboxes", "values": values}
        return renderer.page(
            request, "mailbox_new.html", {**context, "errors": errors}, status_code=status_code
        )

    @router.post(LIST)
    async def create_mailbox(request: Request, current: Form) -> Response:
        form = await read_form(request)
        values: dict[str, Any] = {
            name: text(form, name)
            for name in ("address", "display_name", "quota_bytes", "recovery_address")
        }
        values["must_change"] = checked(form, "must_change")
        password = text(form, "password")
        try:
            if password != text(form, "confirm"):
                raise InvalidInput.for_field("password", "The two passwords differ.")
            created = await services.mailboxes.create(
                current.actor,
                values["address"],
                password or None,
                display_name=values["display_name"],
                quota_bytes=optional_mib(values["quota_bytes"], "quota_bytes"),
                recovery_address=values["recovery_address"] or None,
                must_change=bool(values["must_change"]),
            )
        except InvalidInput as error:
            return _new_form(request, values, FormErrors.from_error(error, NEW_FIELDS), 422)
        if created.generated_password is None:
            url = mailbox_url(created.mailbox.address) + "?notice=created"
            return RedirectResponse(url, status_code=303)
        context = {
            "title": "Mailbox created",
            "section": "mailboxes",
            "mailbox": created.mailbox,
            "generated_password": created.generated_password,
        }
        return renderer.page(request, "mailbox_created.html", context, status_code=201)

    async def _mailbox_page(
        request: Request,
        current: AdminRequest,
        details: MailboxDetails,
        *,
        notice: str = "",
        values: dict[str, str] | None = None,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Response:
        mailbox = details.mailbox
        used = mailbox.used_bytes
        context = {
            "title": mailbox.address,
            "section": "mailboxes",
            "details": details,
            "mailbox": mailbox,
            "quota_ratio": (used / mailbox.quota_bytes) if mailbox.quota_bytes else None,
            "may_manage": may_manage(current.actor, mailbox.domain_name),
            "may_reset": may_reset(current.actor, mailbox.domain_name, details.admin),
            "values": values
            or {
                "display_name": mailbox.display_name,
                "quota_bytes": mib_value(mailbox.quota_bytes),
                "recovery_address": mailbox.recovery_address or "",
            },
            "errors": errors or FormErrors(),
            "notice": NOTICES.get(notice, ""),
        }
        return renderer.page(request, "mailbox.html", context, status_code=status_code)

    @router.get(LIST + "/{address:path}/delete")
    async def delete_confirmation(request: Request, current: Page, address: str) -> Response:
        mailbox = await services.mailboxes.get(current.actor, address)
        context = {
            "title": f"Delete {mailbox.address}",
            "section": "mailboxes",
            "question": f"Delete the mailbox {mailbox.address} and all its mail?",
            "consequence": "This cannot be undone. Its aliases stay and need to be removed "
            "or pointed elsewhere separately.",
            "action": mailbox_url(mailbox.address, "/delete"),
            "button": "Delete mailbox",
            "cancel": mailbox_url(mailbox.address),
            "hidden": {},
        }
        return renderer.page(request, "confirm.html", context)

    @router.post(LIST + "/{address:path}/delete")
    async def delete_mailbox(current: Form, address: str) -> Response:
        await services.mailboxes.remove(current.actor, address)
        return RedirectResponse(f"{LIST}?notice=deleted", status_code=303)

    @router.post(LIST + "/{address:path}/disable")
    async def disable_mailbox(current: Form, address: str) -> Response:
        mailbox = await services.mailboxes.set_disabled(current.actor, address, True)
        return RedirectResponse(mailbox_url(mailbox.address) + "?notice=disabled", 303)

    @router.post(LIST + "/{address:path}/enable")
    async def enable_mailbox(current: Form, address: str) -> Response:
        mailbox = await services.mailboxes.set_disabled(current.actor, address, False)
        return RedirectResponse(mailbox_url(mailbox.address) + "?notice=enabled", 303)

    @router.get(LIST + "/{address:path}")
    async def mailbox_page(
        request: Request, current: Page, address: str, notice: str = ""
    ) -> Response:
        details = await services.mailboxes.details(current.actor, address)
        return await _mailbox_page(request, current, details, notice=notice)

    @router.post(LIST + "/{address:path}")
    async def edit_mailbox(request: Request, current: Form, address: str) -> Response:
        form = await read_form(request)
        values = {name: text(form, name) for name in EDIT_FIELDS}
        try:
            quota = optional_mib(values["quota_bytes"], "quota_bytes")
            changes = MailboxChanges(
                display_name=values["display_name"],
                quota_bytes=quota,
                clear_quota=quota is None,
                recovery_address=values["recovery_address"],
            )
            mailbox = await services.mailboxes.update(current.actor, address, changes)
        except InvalidInput as error:
            details = await services.mailboxes.details(current.actor, address)
            errors = FormErrors.from_error(error, EDIT_FIELDS)
            return await _mailbox_page(
                request, current, details, values=values, errors=errors, status_code=422
            )
        return RedirectResponse(mailbox_url(mailbox.address) + "?notice=saved", 303)
