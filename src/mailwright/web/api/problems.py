"""Errors of the REST API as RFC 9457 problem details (``application/problem+json``).

Each problem has a stable ``type`` URI, ``https://mailwright.dev/problems/<kind>``, where
``<kind>`` is ``MailwrightError.kind`` for errors raised by the services, or one of the edge's
own kinds: ``unauthorized`` (no or bad API key, 401), ``validation`` (the request does not fit
the schema, 422), ``method-not-allowed`` (405), ``http-error`` and ``internal`` (a bug: 500,
never for bad input). Details never include a secret, an input value or a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from mailwright.model.errors import (
    FieldProblem,
    InvalidInput,
    MailwrightError,
    PasswordRejected,
    RateLimited,
)

log = logging.getLogger(__name__)

PROBLEM_BASE = "https://mailwright.dev/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"
REALM = "mailwright"

# kind -> (HTTP status, title). The first block mirrors model.errors; the rest are the edge's.
KINDS: dict[str, tuple[int, str]] = {
    "not-found": (404, "Not found"),
    "conflict": (409, "Conflict"),
    "invalid-input": (422, "Invalid input"),
    "password-rejected": (422, "Password rejected"),
    "permission-denied": (403, "Permission denied"),
    "rate-limited": (429, "Too many requests"),
    "unavailable": (503, "Service unavailable"),
    "configuration": (500, "Server misconfigured"),
    "unauthorized": (401, "Unauthorized"),
    "validation": (422, "Request validation failed"),
    "method-not-allowed": (405, "Method not allowed"),
    "http-error": (400, "HTTP error"),
    "internal": (500, "Internal error"),
}
_KIND_BY_STATUS = {404: "not-found", 405: "method-not-allowed", 401: "unauthorized"}


class ProblemField(BaseModel):
    """One problem with one request field."""

    field: str = Field(description="The field, dotted for nested ones (e.g. `destinations.0`).")
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem details object."""

    type: str = Field(description="Stable URI naming the kind of problem.")
    title: str = Field(description="Short summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong this time, safe to show to the caller.")
    errors: list[ProblemField] | None = Field(
        default=None, description="Per-field problems (validation, invalid-input, password)."
    )
    reasons: list[str] | None = Field(
        default=None, description="Every rule a rejected password failed (password-rejected)."
    )
    retry_after: float | None = Field(
        default=None, description="Seconds to wait before trying again (rate-limited)."
    )


class Unauthorized(Exception):
    """No usable API key was presented (answered 401 with ``WWW-Authenticate: Bearer``).

    ``invalid_token`` distinguishes a presented-but-refused key (RFC 6750 3.1 ``invalid_token``)
    from no key at all, where the challenge carries no error code.
    """

    def __init__(self, message: str, *, invalid_token: bool) -> None:
        super().__init__(message)
        self.message = message
        self.invalid_token = invalid_token


@contextmanager
def fields_renamed(names: dict[str, str]) -> Iterator[None]:
    """Report the services' field names (``domain``) as the request's (``name``)."""
    try:
        yield
    except PasswordRejected:
        raise
    except InvalidInput as error:
        problems = [FieldProblem(names.get(p.field, p.field), p.message) for p in error.problems]
        raise InvalidInput(error.message, problems) from None


def problem_response(
    kind: str,
    detail: str,
    *,
    status: int | None = None,
    errors: Sequence[tuple[str, str]] | None = None,
    reasons: Sequence[str] | None = None,
    retry_after: float | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response for ``kind`` (its usual status unless ``status`` is given)."""
    default_status, title = KINDS.get(kind, KINDS["http-error"])
    code = status or default_status
    problem = Problem(
        type=PROBLEM_BASE + kind,
        title=title,
        status=code,
        detail=detail,
        errors=[ProblemField(field=f, message=m) for f, m in errors]
        if errors is not None
        else None,
        reasons=list(reasons) if reasons is not None else None,
        retry_after=retry_after,
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=code,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _mailwright_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, MailwrightError)
    kind = error.kind if error.kind in KINDS else "http-error"
    if isinstance(error, PasswordRejected):
        return problem_response(
            kind,
            error.message,
            errors=[(p.field, p.message) for p in error.problems],
            reasons=error.reasons,
        )
    if isinstance(error, InvalidInput):
        return problem_response(
            kind, error.message, errors=[(p.field, p.message) for p in error.problems]
        )
    if isinstance(error, RateLimited):
        seconds = max(1, round(error.retry_after))
        return problem_response(
            kind,
            error.message,
            retry_after=error.retry_after,
            headers={"Retry-After": str(seconds)},
        )
    if kind == "configuration":
        log.error("configuration error while serving the API: %s", error.message)
    return problem_response(kind, error.message)


def _unauthorized(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, Unauthorized)
    challenge = f'Bearer realm="{REALM}"'
    if error.invalid_token:
        challenge += ', error="invalid_token"'
    return problem_response("unauthorized", error.message, headers={"WWW-Authenticate": challenge})


def _field_name(location: Sequence[Any]) -> str:
    parts = [str(p) for p in location]
    if len(parts) > 1 and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    # Only the location and message of each error: pydantic's "input" would echo the value,
    # which may be a password.
    fields = [(_field_name(e.get("loc", ())), str(e.get("msg", "invalid"))) for e in error.errors()]
    detail = "; ".join(f"{f}: {m}" for f, m in fields) or "The request is not valid."
    return problem_response("validation", detail, errors=fields)


def _http_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 400:
        # FastAPI's answer to a body it cannot decode (not UTF-8, say): the same problem as
        # malformed JSON, so clients handle one kind.
        message = "The request body is not valid JSON text."
        return problem_response("validation", message, errors=[("body", message)])
    kind = _KIND_BY_STATUS.get(error.status_code, "http-error")
    detail = error.detail if isinstance(error.detail, str) else KINDS[kind][1]
    if error.status_code == 404 and detail == "Not Found":
        detail = "There is no such API resource."
    return problem_response(
        kind, detail, status=error.status_code, headers=dict(error.headers or {})
    )


def _internal_error(_: Request, error: Exception) -> JSONResponse:
    log.error("unhandled error in the REST API", exc_info=error)
    return problem_response("internal", "An internal error occurred; it has been logged.")


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error of ``app`` with a problem document."""
    app.add_exception_handler(MailwrightError, _mailwright_error)
    app.add_exception_handler(Unauthorized, _unauthorized)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _internal_error)


_DESCRIPTIONS = {
    401: "No API key, or one that is not (or no longer) valid.",
    403: "The key's admin may not do this (role or domain scope), or the key has another scope.",
    404: "No such resource (in the admin's scope).",
    409: "It exists already, or the change would clash with existing state.",
    422: "The request does not fit the schema, or a value is unacceptable.",
    429: "Too many attempts; retry later.",
    503: "Something the operation needs is not running.",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the problems an operation can answer (401, 403 and 422 are
    always included: every operation takes a key and validates its input)."""
    codes = sorted({401, 403, 422, *statuses})
    return {code: {"model": Problem, "description": _DESCRIPTIONS[code]} for code in codes}
