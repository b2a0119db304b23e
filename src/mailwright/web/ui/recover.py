"""The forgotten-password pages: ``/recover`` (ask for a link), ``/recover/sent``, and the
link's page ``/recover/password`` with its live policy check.

Enumeration: a request is answered with the same redirect to ``/recover/sent`` for every
well-formed address, whether or not a mailbox exists there or has a recovery address (the
service does the same work on both paths and sends mail in the background). The answer never
repeats the address, so its bytes are the same too. Rate-limit answers are worded without
saying whether the address exists.

These pages act for nobody's session, so they carry no CSRF token: POSTs must come from our own
pages (same-origin check), and the link's pages are authorised by the link's token alone.
"""

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mailwright.model.errors import InvalidInput, NotFound, RateLimited
from mailwright.model.recovery import LinkPurpose, LinkState
from mailwright.services.container import Services
from mailwright.services.recovery_links import PresentedLink
from mailwright.web.ui.account_password import policy_hint, read_new_password
from mailwright.web.ui.account_recovery import link_refused, presented_refused
from mailwright.web.ui.forms import read_form, text
from mailwright.web.ui.guard import Guard, client_source
from mailwright.web.ui.password_check import read_json_fields, verdict
from mailwright.web.ui.rendering import FormErrors, Renderer

RECOVER = "/recover"
SENT = f"{RECOVER}/sent"
LINK = f"{RECOVER}/password"
PURPOSE = LinkPurpose.PASSWORD_RESET
LINK_FIELDS = {"password", "confirm"}


def build(router: APIRouter, services: Services, renderer: Renderer, guard: Guard) -> None:
    """Add the forgotten-password pages to ``router``."""
    minutes = services.recovery.link_minutes

    def request_page(
        request: Request,
        *,
        address: str = "",
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Response:
        context = {
            "title": "Forgot your password?",
            "address": address,
            "link_minutes": minutes,
            "errors": errors or FormErrors(),
        }
        return renderer.page(request, "recover.html", context, status_code=status_code)

    def link_page(
        request: Request,
        token: str,
        presented: PresentedLink,
        *,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Response:
        context = {
            "title": "Choose a new password",
            "token": token,
            "link": presented.link,
            "errors": errors or FormErrors(),
            "policy_hint": policy_hint(services.passwords.policy),
        }
        return renderer.page(request, "recover_password.html", context, status_code=status_code)

    @router.get(RECOVER)
    async def request_form(request: Request) -> Response:
        return request_page(request)

    @router.post(RECOVER)
    async def request_link(request: Request) -> Response:
        guard.require_same_origin(request)
        address = text(await read_form(request), "address")
        try:
            await services.recovery.request_reset(address, client_source(request))
        except InvalidInput as error:
            errors = FormErrors.from_error(error, {"address"})
            return request_page(request, address=address, errors=errors, status_code=422)
        except RateLimited as error:
            # The address is not repeated: the page is the same for every address.
            errors = FormErrors.message(error.message)
            return request_page(request, errors=errors, status_code=429)
        return RedirectResponse(SENT, status_code=303)

    @router.get(SENT)
    async def sent(request: Request) -> Response:
        context = {"title": "Check your recovery address", "link_minutes": minutes}
        return renderer.page(request, "recover_sent.html", context)

    @router.get(LINK)
    async def link_form(request: Request, token: str = "") -> Response:
        presented = await services.recovery.present_link(token)
        if presented.state is not LinkState.LIVE:
            return presented_refused(renderer, request, PURPOSE, presented)
        return link_page(request, token, presented)

    @router.post(f"{RECOVER}/check")
    async def check(request: Request) -> Response:
        guard.require_same_origin(request)
        fields = await read_json_fields(request, "password", "token")
        report = await services.recovery.check_password_for_link(
            fields["token"], fields["password"]
        )
        return verdict(report)

    @router.post(LINK)
    async def set_password(request: Request) -> Response:
        guard.require_same_origin(request)
        form = await read_form(request)
        token = text(form, "token")
        presented = await services.recovery.present_link(token)
        if presented.state is not LinkState.LIVE:
            return presented_refused(renderer, request, PURPOSE, presented)
        try:
            new = read_new_password(text(form, "password"), text(form, "confirm"))
            result = await services.recovery.reset_with_link(token, new, client_source(request))
        except InvalidInput as error:
            errors = FormErrors.from_error(error, LINK_FIELDS)
            return link_page(request, token, presented, errors=errors, status_code=422)
        except NotFound as error:  # used or changed in the moment since it was presented
            return link_refused(renderer, request, PURPOSE, LinkState.STALE, error.message)
        del new
        # Answer only once the revocations the change triggered are written, so a sign-in
        # that follows this page cannot be overtaken by them.
        await services.web_sessions.settle()
        context = {"title": "Your new password is set", "result": result}
        return renderer.page(request, "recover_done.html", context)
