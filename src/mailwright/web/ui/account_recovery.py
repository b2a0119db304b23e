"""The account portal's recovery address: asking for a new one (the current password again),
and the confirmation link's page, which needs no session: its single-use token is what
proves that the new address is read by someone who wanted it.

Following the link only shows a page; the change needs a click on "Confirm recovery address"
(a POST), so mail scanners and link previews that fetch URLs confirm nothing.
"""

# No ``from __future__ import annotations``: FastAPI must resolve the local ``Annotated``
# dependency aliases (Page, Form) when the routes are declared.

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from mailwright.model.errors import InvalidInput, NotFound, RateLimited
from mailwright.model.recovery import LinkPurpose, LinkState
from mailwright.services.container import Services
from mailwright.services.recovery_links import PresentedLink
from mailwright.web.ui.account_guard import ACCOUNT, OwnerGuard, OwnerRequest
from mailwright.web.ui.forms import read_form, text
from mailwright.web.ui.guard import client_source
from mailwright.web.ui.rendering import FormErrors, Renderer, format_time

RECOVERY_ADDRESS = f"{ACCOUNT}/recovery-address"
CONFIRM = f"{RECOVERY_ADDRESS}/confirm"
FIELDS = {"recovery_address", "current"}
PURPOSE = LinkPurpose.RECOVERY_ADDRESS


def link_refused(
    renderer: Renderer, request: Request, purpose: LinkPurpose, state: LinkState, message: str
) -> Response:
    """The page for a link that does not work: 404 for an unknown token, 410 for one that was
    used, has expired or went stale."""
    status = 404 if state is LinkState.UNKNOWN else 410
    context = {"title": "This link does not work", "message": message, "purpose": purpose.value}
    return renderer.page(request, "link_refused.html", context, status_code=status)


def presented_refused(
    renderer: Renderer, request: Request, purpose: LinkPurpose, presented: PresentedLink
) -> Response:
    """``link_refused`` for a presented link that is not live."""
    return link_refused(renderer, request, purpose, presented.state, presented.message)


def build(router: APIRouter, services: Services, renderer: Renderer, owners: OwnerGuard) -> None:
    """Add the recovery address form and the confirmation link's page to ``router``."""
    Page = Annotated[OwnerRequest, Depends(owners.page)]
    Form = Annotated[OwnerRequest, Depends(owners.form)]

    def recovery_page(
        request: Request,
        current: OwnerRequest,
        *,
        values: dict[str, Any] | None = None,
        notice: str = "",
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Response:
        context = {
            "title": "Recovery address",
            "section": "recovery",
            "mailbox": current.mailbox,
            "values": values or {},
            "notice": notice,
            "errors": errors or FormErrors(),
        }
        return renderer.page(request, "recovery_address.html", context, status_code=status_code)

    @router.get(RECOVERY_ADDRESS)
    async def recovery_form(request: Request, current: Page) -> Response:
        return recovery_page(request, current)

    @router.post(RECOVERY_ADDRESS)
    async def request_change(request: Request, current: Form) -> Response:
        form = await read_form(request)
        values = {"recovery_address": text(form, "recovery_address")}
        try:
            pending = await services.account.request_recovery_address(
                current.actor,
                current.mailbox.address,
                text(form, "current"),
                values["recovery_address"],
            )
        except InvalidInput as error:
            errors = FormErrors.from_error(error, FIELDS)
            return recovery_page(request, current, values=values, errors=errors, status_code=422)
        except RateLimited as error:
            errors = FormErrors.message(error.message)
            return recovery_page(request, current, values=values, errors=errors, status_code=429)
        notice = (
            f"A confirmation link was sent to {pending.new_address}. The recovery address "
            f"changes when it is followed (before {format_time(pending.expires_at)})."
        )
        return recovery_page(request, current, notice=notice)

    @router.get(CONFIRM)
    async def confirm_form(request: Request, token: str = "") -> Response:
        presented = await services.account.present_recovery_address_link(token)
        if presented.link is None or presented.state is not LinkState.LIVE:
            return presented_refused(renderer, request, PURPOSE, presented)
        context = {"title": "Confirm the recovery address", "link": presented.link, "token": token}
        return renderer.page(request, "confirm_recovery_address.html", context)

    @router.post(CONFIRM)
    async def confirm(request: Request) -> Response:
        owners.guard.require_same_origin(request)
        token = text(await read_form(request), "token")
        presented = await services.account.present_recovery_address_link(token)
        if presented.state is not LinkState.LIVE:
            return presented_refused(renderer, request, PURPOSE, presented)
        try:
            mailbox = await services.account.confirm_recovery_address(token, client_source(request))
        except NotFound as error:  # used or changed in the moment since it was presented
            return link_refused(renderer, request, PURPOSE, LinkState.STALE, error.message)
        context = {"title": "Recovery address confirmed", "mailbox": mailbox}
        return renderer.page(request, "recovery_address_confirmed.html", context)
