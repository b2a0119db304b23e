"""The reset dialog of the mailbox page: policy verdicts as the admin types, a generated
password, and Save, which resets the password and then tests it on the live IMAP and SMTP
listeners.

The new password is never written into a page after Save, nor logged: the result page shows
only the login tests' outcomes. A generated password is shown once, in the dialog that asked
for it (its response is not cached).
"""

# No ``from __future__ import annotations``: FastAPI must resolve the local ``Annotated``
# dependency aliases (Page, Form, Script) when the routes are declared.

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mailwright.model.errors import InvalidInput
from mailwright.security.generator import generate_password
from mailwright.services.container import Services
from mailwright.services.mailboxes import MailboxDetails
from mailwright.web.ui.forms import checked, read_form, text
from mailwright.web.ui.guard import AdminRequest, Guard
from mailwright.web.ui.password_check import NO_STORE, read_password, verdict
from mailwright.web.ui.permissions import require_may_reset
from mailwright.web.ui.rendering import ADMIN, FormErrors, Renderer

PASSWORD = f"{ADMIN}/mailboxes/{{address:path}}/password"
RESET_FIELDS = {"password", "confirm", "reason"}


def build(router: APIRouter, services: Services, renderer: Renderer, guard: Guard) -> None:
    """Add the reset routes to ``router`` (before the mailbox page's catch-all path)."""
    Page = Annotated[AdminRequest, Depends(guard.page)]
    Form = Annotated[AdminRequest, Depends(guard.form)]
    Script = Annotated[AdminRequest, Depends(guard.script)]

    async def resettable(current: AdminRequest, address: str) -> MailboxDetails:
        details = await services.mailboxes.details(current.actor, address)
        mailbox = details.mailbox
        require_may_reset(current.actor, mailbox.address, mailbox.domain_name, details.admin)
        return details

    def reset_page(
        request: Request,
        details: MailboxDetails,
        *,
        values: dict[str, Any] | None = None,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Response:
        context = {
            "title": f"Reset password of {details.mailbox.address}",
            "section": "mailboxes",
            "mailbox": details.mailbox,
            "values": values or {"notify": True, "must_change": False, "reason": ""},
            "errors": errors or FormErrors(),
        }
        return renderer.page(request, "reset.html", context, status_code=status_code)

    @router.post(PASSWORD + "/check")
    async def check_password(request: Request, current: Script, address: str) -> Response:
        details = await resettable(current, address)
        password = await read_password(request)
        report = await services.passwords.check_new_password(details.mailbox.address, password)
        return verdict(report)

    @router.post(PASSWORD + "/generate")
    async def generate(current: Script, address: str) -> Response:
        await resettable(current, address)
        return JSONResponse({"password": generate_password()}, headers=NO_STORE)

    @router.get(PASSWORD)
    async def reset_form(request: Request, current: Page, address: str) -> Response:
        return reset_page(request, await resettable(current, address))

    @router.post(PASSWORD)
    async def save(request: Request, current: Form, address: str) -> Response:
        # Only the view permission here: the reset service decides, and audits a refusal.
        details = await services.mailboxes.details(current.actor, address)
        form = await read_form(request)
        values = {
            "must_change": checked(form, "must_change"),
            "notify": checked(form, "notify"),
            "reason": text(form, "reason"),
        }
        password = text(form, "password")
        try:
            if not password:
                raise InvalidInput.for_field("password", "Enter a new password or generate one.")
            if password != text(form, "confirm"):
                raise InvalidInput.for_field("confirm", "The two passwords differ.")
            result = await services.passwords.reset_password(
                current.actor,
                details.mailbox.address,
                password,
                must_change=bool(values["must_change"]),
                reason=str(values["reason"]),
                notify=bool(values["notify"]),
            )
        except InvalidInput as error:
            errors = FormErrors.from_error(error, RESET_FIELDS)
            return reset_page(request, details, values=values, errors=errors, status_code=422)
        report = await services.verifier.verify(
            result.mailbox.address, password, expect_must_change=result.must_change
        )
        del password
        context = {
            "title": f"Password reset for {result.mailbox.address}",
            "section": "mailboxes",
            "result": result,
            "report": report,
            "probes": [("IMAP", report.imap), ("SMTP", report.smtp)],
        }
        return renderer.page(request, "reset_result.html", context)
