"""Who may reach a page: the session cookie, CSRF and same-origin checks, and the route class
that turns refusals and service errors into pages.

Every state-changing request (POST) must
1. come from a page of ours: its ``Origin`` (or, without one, its ``Referer``) is this server;
2. carry the CSRF token of its session, in the ``csrf_token`` form field or, for our scripts,
   the ``X-CSRF-Token`` header;
3. belong to a live session of the guard's realm (cookie), unless it is the sign-in itself,
   which is bound to its pre-session cookie instead.
Anything else is refused with 403 (or sent to the sign-in page when the session is gone).
Permissions are not decided here: every action calls a service, which checks role and scope.

One ``Guard`` per realm: the admin center's (cookie ``mailwright-admin``) and the account
portal's (``mailwright-account``, see ``account_guard``) differ only in names and paths.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from mailwright.config import Settings
from mailwright.model.actors import Actor
from mailwright.model.admins import Admin, Role
from mailwright.model.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unavailable,
)
from mailwright.model.sessions import SessionRealm
from mailwright.services.web_sessions import WebSession, WebSessionService
from mailwright.web.ui.rendering import ADMIN, Renderer, with_query

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SIGN_IN_PATH = f"{ADMIN}/sign-in"
# The pre-session cookie of the sign-in form only needs to outlive filling in the form.
SIGN_IN_COOKIE_SECONDS = 3600


class SignInRequired(Exception):
    """No live session of the realm: go to its sign-in page."""


class RedirectRequired(Exception):
    """The page cannot be shown now: the browser is sent to ``location`` (a page of ours),
    a script is told ``message``."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(message)
        self.location = location
        self.message = message


class RequestRefused(Exception):
    """A POST failed the same-origin or CSRF check."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Who:
    """What templates know of the signed-in admin (to show and hide; never to enforce)."""

    address: str
    role: Role
    domains: frozenset[str]

    @property
    def is_global(self) -> bool:
        """True for a global admin."""
        return self.role is Role.GLOBAL_ADMIN

    @property
    def may_manage(self) -> bool:
        """True for roles that manage mailboxes and aliases (within their scope)."""
        return self.role in (Role.GLOBAL_ADMIN, Role.DOMAIN_ADMIN)

    @property
    def role_name(self) -> str:
        """The role in words."""
        return self.role.value.replace("-", " ")


@dataclass(frozen=True)
class AdminRequest:
    """A request made in a live admin session."""

    web: WebSession
    token: str
    actor: Actor
    source: str

    @property
    def admin(self) -> Admin:
        """The admin grant in force."""
        assert self.web.admin is not None
        return self.web.admin


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of a URL, lower case, or None when it has none."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def client_source(request: Request) -> str:
    """The client's network address, as the throttle and the audit log record it."""
    return request.client.host if request.client else "unknown"


def wants_json(request: Request) -> bool:
    """True for requests made by our scripts."""
    return "application/json" in request.headers.get("accept", "")


class Guard:
    """Session cookies and request checks of one realm (the admin center by default)."""

    def __init__(
        self,
        sessions: WebSessionService,
        settings: Settings,
        *,
        realm: SessionRealm = SessionRealm.ADMIN,
        cookie: str = "mailwright-admin",
        sign_in_path: str = SIGN_IN_PATH,
    ) -> None:
        self.sessions = sessions
        self.realm = realm
        self.sign_in_path = sign_in_path
        self.secure = settings.http.secure_cookies
        # __Host- cookies are only accepted over HTTPS with Path=/ and no Domain: a sibling
        # subdomain cannot plant or overwrite them.
        prefix = "__Host-" if self.secure else ""
        self.session_cookie = f"{prefix}{cookie}"
        self.sign_in_cookie = f"{prefix}{cookie}-sign-in"
        self._public_origin = (
            origin_of(settings.http.public_url) if settings.http.public_url else None
        )

    def _set_cookie(self, response: Response, name: str, value: str, max_age: int | None) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path="/",
            secure=self.secure,
            httponly=True,
            # Strict: no cross-site request, not even a top-level link, carries the session.
            samesite="strict",
        )

    def start_session(self, response: Response, token: str) -> None:
        """Give the browser its session cookie (ends with the browser; the server ends it
        sooner) and drop the sign-in form's cookie."""
        self._set_cookie(response, self.session_cookie, token, None)
        self.forget(response, self.sign_in_cookie)

    def forget(self, response: Response, name: str) -> None:
        """Delete a cookie of ours."""
        response.delete_cookie(name, path="/", secure=self.secure, httponly=True, samesite="strict")

    def sign_in_form_token(self, request: Request) -> tuple[str, str]:
        """The pre-session token (current or new) and the sign-in form's CSRF token bound to
        it; ``keep_sign_in_token`` puts the former in a cookie."""
        pre = request.cookies.get(self.sign_in_cookie) or self.sessions.new_sign_in_token()
        return pre, self.sessions.sign_in_csrf_token(pre)

    def keep_sign_in_token(self, response: Response, pre: str) -> None:
        """Set the sign-in form's pre-session cookie."""
        self._set_cookie(response, self.sign_in_cookie, pre, SIGN_IN_COOKIE_SECONDS)

    def check_sign_in_form(self, request: Request, submitted: str) -> None:
        """Raises: RequestRefused unless the sign-in form came from our page in this browser."""
        self.require_same_origin(request)
        pre = request.cookies.get(self.sign_in_cookie, "")
        if not self.sessions.check_sign_in_csrf(pre, submitted):
            raise RequestRefused(
                "The sign-in form has expired or did not come from this site. "
                "Open the sign-in page again."
            )

    def require_same_origin(self, request: Request) -> None:
        """Raises: RequestRefused unless Origin (or Referer) names this server."""
        origin = request.headers.get("origin")
        if origin is None or origin == "null":
            referer = request.headers.get("referer")
            origin = origin_of(referer) if referer else None
        if origin is None:
            raise RequestRefused("The request did not say which page sent it, so it is refused.")
        allowed = {f"{request.url.scheme}://{request.headers.get('host', '')}".lower()}
        if self._public_origin:
            allowed.add(self._public_origin)
        if origin.lower() not in allowed:
            raise RequestRefused("The request came from another site, so it is refused.")

    async def live_session(self, request: Request) -> tuple[WebSession, str]:
        """The live session of this guard's realm and its cookie token (the page's CSRF token
        is set for the templates). Raises: SignInRequired."""
        token = request.cookies.get(self.session_cookie, "")
        web = await self.sessions.resume(self.realm, token)
        if web is None:
            raise SignInRequired()
        request.state.csrf_token = web.csrf_token
        return web, token

    async def require_csrf_field(self, request: Request, token: str) -> None:
        """Raises: RequestRefused unless the form carries the CSRF token of session ``token``."""
        submitted = (await request.form()).get(CSRF_FIELD)
        if not isinstance(submitted, str) or not self.sessions.check_csrf(token, submitted):
            raise RequestRefused(
                "The form did not carry this session's security token. Reload the page and "
                "try again."
            )

    def require_csrf_header(self, request: Request, token: str) -> None:
        """Raises: RequestRefused unless the script sent the CSRF token of session ``token``."""
        if not self.sessions.check_csrf(token, request.headers.get(CSRF_HEADER, "")):
            raise RequestRefused("The request did not carry this session's security token.")

    async def page(self, request: Request) -> AdminRequest:
        """Dependency of every admin page: the live session, or SignInRequired."""
        web, token = await self.live_session(request)
        if web.admin is None:
            raise SignInRequired()
        source = client_source(request)
        request.state.who = Who(web.admin.address, web.admin.role, web.admin.domains)
        return AdminRequest(web, token, web.actor(source), source)

    async def form(self, request: Request) -> AdminRequest:
        """Dependency of every form POST: same origin, live session, CSRF field."""
        self.require_same_origin(request)
        current = await self.page(request)
        await self.require_csrf_field(request, current.token)
        return current

    async def script(self, request: Request) -> AdminRequest:
        """Dependency of every POST made by our scripts: same origin, session, CSRF header."""
        self.require_same_origin(request)
        current = await self.page(request)
        self.require_csrf_header(request, current.token)
        return current


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def page_route_class(renderer: Renderer, guard: Guard) -> type[APIRoute]:
    """A route class that answers refusals and service errors with pages (or JSON for our
    scripts), without touching the application's global exception handlers."""

    class PageRoute(APIRoute):
        def get_route_handler(self) -> Handler:
            handler = super().get_route_handler()

            async def guarded(request: Request) -> Response:
                try:
                    return await handler(request)
                except SignInRequired:
                    return _to_sign_in(request, guard)
                except RedirectRequired as elsewhere:
                    return _elsewhere(request, elsewhere)
                except RequestRefused as refused:
                    return _refusal(renderer, request, 403, "Request refused", refused.message)
                except PermissionDenied as error:
                    return _refusal(renderer, request, 403, "Not allowed", error.message)
                except NotFound as error:
                    return _refusal(renderer, request, 404, "Not found", error.message)
                except Conflict as error:
                    return _refusal(renderer, request, 409, "Not possible", error.message)
                except InvalidInput as error:
                    return _refusal(renderer, request, 400, "Invalid request", error.message)
                except RateLimited as error:
                    return _refusal(renderer, request, 429, "Too many requests", error.message)
                except Unavailable as error:
                    return _refusal(renderer, request, 503, "Unavailable", error.message)

            return guarded

    return PageRoute


def _to_sign_in(request: Request, guard: Guard) -> Response:
    response: Response
    if wants_json(request):
        response = JSONResponse({"error": "Your session has ended; sign in again."}, 401)
    else:
        target = request.url.path if request.method == "GET" else None
        if request.method == "GET" and request.url.query:
            target = f"{target}?{request.url.query}"
        response = RedirectResponse(with_query(guard.sign_in_path, next=target), status_code=303)
    if guard.session_cookie in request.cookies:
        guard.forget(response, guard.session_cookie)
    return response


def _elsewhere(request: Request, elsewhere: RedirectRequired) -> Response:
    if wants_json(request):
        body = {"error": elsewhere.message}
        return JSONResponse(body, 403, headers={"Cache-Control": "no-store"})
    return RedirectResponse(elsewhere.location, status_code=303)


def _refusal(
    renderer: Renderer, request: Request, status_code: int, title: str, message: str
) -> Response:
    if wants_json(request):
        return JSONResponse({"error": message}, status_code, headers={"Cache-Control": "no-store"})
    return renderer.error(request, status_code, title, message)
