"""The JSON policy check behind the live feedback of every new-password form: the admin
center's reset dialog, the account portal's change form and the recovery link's page.

The script posts what is typed; the answer lists every reason the policy gives in words and
the zxcvbn score for the strength meter. It is never cached, and the password is not logged.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from mailwright.model.errors import InvalidInput
from mailwright.security.policy import PolicyReport

# Far above the policy's maximum, far below anything that would make the check itself costly.
MAX_CHECKED = 1024
NO_STORE = {"Cache-Control": "no-store"}


async def read_json_fields(request: Request, *names: str) -> dict[str, str]:
    """The named string members of a JSON body, each at most ``MAX_CHECKED`` characters.

    Raises:
        InvalidInput: not JSON, or a member missing, not a string, or too long.
    """
    try:
        body = await request.json()
    except ValueError:
        raise InvalidInput.for_field(names[0], "Send JSON with a password.") from None
    fields: dict[str, str] = {}
    for name in names:
        value = body.get(name) if isinstance(body, dict) else None
        if not isinstance(value, str) or len(value) > MAX_CHECKED:
            raise InvalidInput.for_field(name, f"Send JSON with a {name}.")
        fields[name] = value
    return fields


async def read_password(request: Request) -> str:
    """The ``password`` member of a JSON body. Raises: InvalidInput."""
    return (await read_json_fields(request, "password"))["password"]


def verdict(report: PolicyReport) -> JSONResponse:
    """The policy's verdict as the forms' script reads it."""
    body = {
        "ok": report.ok,
        "reasons": list(report.reasons),
        "score": report.score,
        "strength": report.strength,
    }
    return JSONResponse(body, headers=NO_STORE)
