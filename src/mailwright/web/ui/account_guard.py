"""Who may reach an account portal page: the owner's live session of the ``account`` realm,
checked by the same ``Guard`` as the admin center (cookie flags, same-origin and CSRF checks),
and the forced change: while the mailbox must change its password, only the change form and
sign-out answer; every other page sends the browser to the change form.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from mailwright.config import Settings
from mailwright.model.actors import Actor
from mailwright.model.errors import NotFound
from mailwright.model.mailboxes import Mailbox
from mailwright.model.sessions import SessionRealm
from mailwright.services.account import AccountService
from mailwright.services.web_sessions import WebSession, WebSessionService
from mailwright.web.ui.guard import Guard, RedirectRequired, SignInRequired, client_source

ACCOUNT = "/account"
HOME = f"{ACCOUNT}/"
SIGN_IN = f"{ACCOUNT}/sign-in"
PASSWORD = f"{ACCOUNT}/password"
CHANGE_FIRST = "Choose a new password first."


@dataclass(frozen=True)
class Owner:
    """What templates know of the signed-in owner (to show and hide; never to enforce)."""

    address: str
    must_change: bool


@dataclass(frozen=True)
class OwnerRequest:
    """A request made in a live account portal session."""

    web: WebSession
    token: str
    actor: Actor
    source: str
    mailbox: Mailbox

    @property
    def session_id(self) -> int:
        """The id of this browser's session."""
        return self.web.session.id


def account_guard(sessions: WebSessionService, settings: Settings) -> Guard:
    """The account portal's ``Guard``: realm ``account``, cookie ``mailwright-account``."""
    return Guard(
        sessions,
        settings,
        realm=SessionRealm.ACCOUNT,
        cookie="mailwright-account",
        sign_in_path=SIGN_IN,
    )


class OwnerGuard:
    """FastAPI dependencies of the account portal's pages, forms and scripts."""

    def __init__(self, guard: Guard, account: AccountService) -> None:
        self.guard = guard
        self._account = account

    async def _owner(self, request: Request) -> OwnerRequest:
        web, token = await self.guard.live_session(request)
        source = client_source(request)
        actor = web.actor(source)
        try:
            mailbox = await self._account.mailbox(actor)
        except NotFound:
            raise SignInRequired() from None
        request.state.who = Owner(mailbox.address, mailbox.must_change)
        return OwnerRequest(web, token, actor, source, mailbox)

    async def change_page(self, request: Request) -> OwnerRequest:
        """The password change page: open to a mailbox that must change its password."""
        return await self._owner(request)

    async def page(self, request: Request) -> OwnerRequest:
        """Every other page: refused (sent to the change form) while a change is required."""
        current = await self._owner(request)
        if current.mailbox.must_change:
            raise RedirectRequired(PASSWORD, CHANGE_FIRST)
        return current

    async def change_form(self, request: Request) -> OwnerRequest:
        """POSTs allowed during a required change (the change itself, sign-out)."""
        self.guard.require_same_origin(request)
        current = await self.change_page(request)
        await self.guard.require_csrf_field(request, current.token)
        return current

    async def change_script(self, request: Request) -> OwnerRequest:
        """The change form's policy check (a script): same origin, session, CSRF header."""
        self.guard.require_same_origin(request)
        current = await self.change_page(request)
        self.guard.require_csrf_header(request, current.token)
        return current

    async def form(self, request: Request) -> OwnerRequest:
        """Every other POST: same origin, live session without a required change, CSRF."""
        self.guard.require_same_origin(request)
        current = await self.page(request)
        await self.guard.require_csrf_field(request, current.token)
        return current
