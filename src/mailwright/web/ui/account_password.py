"""The account portal's password change: the form (the only page open while a change is
required), its live policy check, and Save, after which the browser gets a fresh session.

Passwords are never written into a page (not even after an error) nor logged.
"""

# No ``from __future__ import annotations``: FastAPI must resolve the local ``Annotated``
# dependency aliases (ChangePage, ChangeForm, ChangeScript) when the routes are declared.

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mailwright.model.errors import InvalidInput, RateLimited
from mailwright.model.sessions import SessionRealm
from mailwright.security.policy import PolicySettings
from mailwright.services.container import Services
from mailwright.web.ui.account_guard import HOME, PASSWORD, SIGN_IN, OwnerGuard, OwnerRequest
from mailwright.web.ui.forms import read_form, text
from mailwright.web.ui.password_check import read_password, verdict
from mailwright.web.ui.rendering import FormErrors, Renderer

CHANGE_FIELDS = {"current", "password", "confirm"}


def policy_hint(policy: PolicySettings) -> str:
    """The password policy in one sentence (the live check gives the exact reasons)."""
    history = f", and not one of your last {policy.history} passwords" if policy.history else ""
    return (
        f"At least {policy.min_length} characters, hard to guess (no common password, not "
        f"your name or address){history}."
    )


def read_new_password(form_password: str, confirm: str) -> str:
    """The new password typed twice. Raises: InvalidInput (empty, or the two differ)."""
    if not form_password:
        raise InvalidInput.for_field("password", "Enter a new password.")
    if form_password != confirm:
        raise InvalidInput.for_field("confirm", "The two passwords differ.")
    return form_password


def build(router: APIRouter, services: Services, renderer: Renderer, owners: OwnerGuard) -> None:
    """Add the change form, its check and Save to ``router``."""
    guard = owners.guard
    ChangePage = Annotated[OwnerRequest, Depends(owners.change_page)]
    ChangeForm = Annotated[OwnerRequest, Depends(owners.change_form)]
    ChangeScript = Annotated[OwnerRequest, Depends(owners.change_script)]

    def change_page(
        request: Request, *, errors: FormErrors | None = None, status_code: int = 200
    ) -> Response:
        context = {
            "title": "Change your password",
            "section": "password",
            "errors": errors or FormErrors(),
            "policy_hint": policy_hint(services.passwords.policy),
        }
        return renderer.page(request, "password.html", context, status_code=status_code)

    @router.get(PASSWORD)
    async def change_form(request: Request, current: ChangePage) -> Response:
        return change_page(request)

    @router.post(PASSWORD + "/check")
    async def check(request: Request, current: ChangeScript) -> Response:
        password = await read_password(request)
        report = await services.passwords.check_new_password(current.mailbox.address, password)
        return verdict(report)

    @router.post(PASSWORD)
    async def change(request: Request, current: ChangeForm) -> Response:
        form = await read_form(request)
        try:
            new = read_new_password(text(form, "password"), text(form, "confirm"))
            result = await services.passwords.change_password(
                current.actor, current.mailbox.address, text(form, "current"), new
            )
        except InvalidInput as error:
            errors = FormErrors.from_error(error, CHANGE_FIELDS)
            return change_page(request, errors=errors, status_code=422)
        except RateLimited as error:
            return change_page(request, errors=FormErrors.message(error.message), status_code=429)
        # The change ended every session of the mailbox, this one included
        # (CredentialsChanged). Once that is written, this browser signs in afresh with the
        # new password: a new session token, so nothing from before the change survives.
        await services.web_sessions.settle()
        renewed = await services.web_sessions.sign_in(
            SessionRealm.ACCOUNT,
            result.mailbox.address,
            new,
            source=current.source,
            user_agent=request.headers.get("user-agent", ""),
        )
        del new
        if renewed.token is None:
            response = RedirectResponse(f"{SIGN_IN}?notice=password-changed", status_code=303)
            guard.forget(response, guard.session_cookie)
            return response
        response = RedirectResponse(f"{HOME}?notice=password-changed", status_code=303)
        guard.start_session(response, renewed.token)
        return response
