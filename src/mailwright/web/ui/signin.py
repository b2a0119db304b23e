"""Sign-in, sign-out and the admin center's front page."""

# No ``from __future__ import annotations``: FastAPI must resolve the local ``Annotated``
# dependency aliases (Page, Form, Script) when the routes are declared.

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mailwright.model.sessions import SessionRealm
from mailwright.services.container import Services
from mailwright.web.ui.forms import page_within, read_form, text
from mailwright.web.ui.guard import SIGN_IN_PATH, AdminRequest, Guard, client_source
from mailwright.web.ui.rendering import ADMIN, FormErrors, Renderer

HOME = f"{ADMIN}/"


def safe_next(target: str) -> str:
    """Where to go after signing in: only a page of the admin center (no open redirect)."""
    return page_within(target, ADMIN, HOME)


def build(router: APIRouter, services: Services, renderer: Renderer, guard: Guard) -> None:
    """Add the sign-in routes and the front page to ``router``."""
    Page = Annotated[AdminRequest, Depends(guard.page)]
    Form = Annotated[AdminRequest, Depends(guard.form)]

    def sign_in_page(
        request: Request,
        *,
        address: str = "",
        next_page: str = "",
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Response:
        pre, request.state.csrf_token = guard.sign_in_form_token(request)
        context = {
            "title": "Sign in",
            "address": address,
            "next_page": next_page,
            "errors": errors or FormErrors(),
        }
        response = renderer.page(request, "sign_in.html", context, status_code=status_code)
        guard.keep_sign_in_token(response, pre)
        return response

    @router.get(ADMIN, include_in_schema=False)
    async def admin_root() -> Response:
        return RedirectResponse(HOME, status_code=308)

    @router.get(HOME)
    async def home(request: Request, current: Page) -> Response:
        domains = await services.domains.list_domains(current.actor)
        return renderer.page(request, "home.html", {"title": "Admin center", "domains": domains})

    @router.get(SIGN_IN_PATH)
    async def sign_in_form(request: Request, next: str = "") -> Response:
        token = request.cookies.get(guard.session_cookie, "")
        if token and await services.web_sessions.resume(SessionRealm.ADMIN, token):
            return RedirectResponse(safe_next(next), status_code=303)
        return sign_in_page(request, next_page=safe_next(next) if next else "")

    @router.post(SIGN_IN_PATH)
    async def sign_in(request: Request) -> Response:
        form = await read_form(request)
        guard.check_sign_in_form(request, text(form, "csrf_token"))
        address = text(form, "address").strip()
        next_page = safe_next(text(form, "next"))
        result = await services.web_sessions.sign_in(
            SessionRealm.ADMIN,
            address,
            text(form, "password"),
            source=client_source(request),
            user_agent=request.headers.get("user-agent", ""),
        )
        if result.token is None:
            status = 429 if result.retry_after else 401
            return sign_in_page(
                request,
                address=address,
                next_page=next_page,
                errors=FormErrors.message(result.message),
                status_code=status,
            )
        response = RedirectResponse(next_page, status_code=303)
        guard.start_session(response, result.token)
        return response

    @router.post(f"{ADMIN}/sign-out")
    async def sign_out(request: Request, current: Form) -> Response:
        await services.web_sessions.sign_out(current.token, current.actor)
        response = RedirectResponse(SIGN_IN_PATH, status_code=303)
        guard.forget(response, guard.session_cookie)
        return response
