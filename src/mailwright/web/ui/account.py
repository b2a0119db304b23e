"""The account portal's sign-in and sign-out, its overview page (mailbox facts and mail client
settings) and the owner's sessions."""

# No ``from __future__ import annotations``: FastAPI must resolve the local ``Annotated``
# dependency aliases (Page, Form, ...) when the routes are declared.

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mailwright.model.actors import Actor
from mailwright.model.sessions import SessionRealm
from mailwright.services.client_setup import Security
from mailwright.services.container import Services
from mailwright.web.ui.account_guard import (
    ACCOUNT,
    HOME,
    PASSWORD,
    SIGN_IN,
    OwnerGuard,
    OwnerRequest,
)
from mailwright.web.ui.forms import page_within, read_form, text
from mailwright.web.ui.guard import client_source
from mailwright.web.ui.rendering import FormErrors, Renderer

# Short notices shown after a redirect; the query names one, it never carries text.
NOTICES = {
    "password-changed": (
        "Your password was changed. Every other session of the mailbox was signed out; mail "
        "clients need the new password."
    ),
    "signed-out": "You are signed out.",
    "session-ended": "The session was signed out.",
    "sessions-ended": "Every other session was signed out.",
}
SECURITY_NAMES = {Security.TLS: "SSL/TLS", Security.STARTTLS: "STARTTLS"}
REALM_NAMES = {SessionRealm.ACCOUNT: "Account portal", SessionRealm.ADMIN: "Admin center"}


def safe_next(target: str) -> str:
    """Where to go after signing in: only a page of the portal (no open redirect)."""
    return page_within(target, ACCOUNT, HOME)


def build(router: APIRouter, services: Services, renderer: Renderer, owners: OwnerGuard) -> None:
    """Add sign-in, sign-out, the overview and the sessions pages to ``router``."""
    guard = owners.guard
    Page = Annotated[OwnerRequest, Depends(owners.page)]
    Form = Annotated[OwnerRequest, Depends(owners.form)]
    ChangeForm = Annotated[OwnerRequest, Depends(owners.change_form)]

    def sign_in_page(
        request: Request,
        *,
        address: str = "",
        next_page: str = "",
        notice: str = "",
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Response:
        pre, request.state.csrf_token = guard.sign_in_form_token(request)
        context = {
            "title": "Sign in",
            "address": address,
            "next_page": next_page,
            "notice": notice,
            "errors": errors or FormErrors(),
        }
        response = renderer.page(request, "sign_in.html", context, status_code=status_code)
        guard.keep_sign_in_token(response, pre)
        return response

    @router.get(ACCOUNT, include_in_schema=False)
    async def account_root() -> Response:
        return RedirectResponse(HOME, status_code=308)

    @router.get(HOME)
    async def home(request: Request, current: Page, notice: str = "") -> Response:
        mailbox = current.mailbox
        context = {
            "title": "Your account",
            "section": "home",
            "mailbox": mailbox,
            "notice": NOTICES.get(notice, ""),
            "clients": services.client_setup.settings_for(mailbox.domain_name, mailbox.address),
            "security_names": SECURITY_NAMES,
        }
        return renderer.page(request, "home.html", context)

    @router.get(SIGN_IN)
    async def sign_in_form(request: Request, next: str = "", notice: str = "") -> Response:
        token = request.cookies.get(guard.session_cookie, "")
        if token and await services.web_sessions.resume(SessionRealm.ACCOUNT, token):
            return RedirectResponse(safe_next(next), status_code=303)
        next_page = safe_next(next) if next else ""
        return sign_in_page(request, next_page=next_page, notice=NOTICES.get(notice, ""))

    @router.post(SIGN_IN)
    async def sign_in(request: Request) -> Response:
        form = await read_form(request)
        guard.check_sign_in_form(request, text(form, "csrf_token"))
        address = text(form, "address").strip()
        next_page = safe_next(text(form, "next"))
        result = await services.web_sessions.sign_in(
            SessionRealm.ACCOUNT,
            address,
            text(form, "password"),
            source=client_source(request),
            user_agent=request.headers.get("user-agent", ""),
        )
        if result.token is None:
            return sign_in_page(
                request,
                address=address,
                next_page=next_page,
                errors=FormErrors.message(result.message),
                status_code=429 if result.retry_after else 401,
            )
        # A mailbox that must change its password goes straight to the change form (every
        # other page would send it there anyway).
        signed_in = result.session.address if result.session else address
        owner = Actor.owner(signed_in, client_source(request))
        mailbox = await services.account.mailbox(owner)
        target = PASSWORD if mailbox.must_change else next_page
        response = RedirectResponse(target, status_code=303)
        guard.start_session(response, result.token)
        return response

    @router.post(f"{ACCOUNT}/sign-out")
    async def sign_out(request: Request, current: ChangeForm) -> Response:
        await services.web_sessions.sign_out(current.token, current.actor)
        response = RedirectResponse(f"{SIGN_IN}?notice=signed-out", status_code=303)
        guard.forget(response, guard.session_cookie)
        return response

    @router.get(f"{ACCOUNT}/sessions")
    async def sessions(request: Request, current: Page, notice: str = "") -> Response:
        context = {
            "title": "Sessions",
            "section": "sessions",
            "sessions": await services.account.list_sessions(current.actor),
            "current_id": current.session_id,
            "realm_names": REALM_NAMES,
            "notice": NOTICES.get(notice, ""),
        }
        return renderer.page(request, "sessions.html", context)

    @router.post(f"{ACCOUNT}/sessions/end-others")
    async def end_others(current: Form) -> Response:
        await services.account.end_other_sessions(current.actor, current.session_id)
        return RedirectResponse(f"{ACCOUNT}/sessions?notice=sessions-ended", status_code=303)

    @router.post(f"{ACCOUNT}/sessions/{{session_id:int}}/end")
    async def end_one(current: Form, session_id: int) -> Response:
        await services.account.end_session(current.actor, session_id)
        return RedirectResponse(f"{ACCOUNT}/sessions?notice=session-ended", status_code=303)
