"""Who calls the sending API: the bearer key as a ``SendingCaller``, and the request body limit
of the sending endpoints.

``/messages`` takes send keys only (an admin key gets 403, as a send key does on the admin
API); ``/templates`` and ``/suppressions`` take keys of either scope, and the services decide
what each may do there (``services/sending_access.py``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mailwright.model.api_keys import ApiKeyScope
from mailwright.model.sending import SendingCaller
from mailwright.services.api_keys import ApiCaller, require_key_scope
from mailwright.services.container import Services
from mailwright.services.sending import sending_caller
from mailwright.web.api.dependencies import ServicesDep, bearer, client_source
from mailwright.web.api.problems import Unauthorized, problem_response

MIB = 1024 * 1024


async def _api_caller(
    request: Request,
    services: ServicesDep,
    credentials: HTTPAuthorizationCredentials | None,
) -> ApiCaller:
    if credentials is None:
        raise Unauthorized(
            "This call needs an API key: send 'Authorization: Bearer <key>'.",
            invalid_token=False,
        )
    caller = await services.api_keys.find_caller(credentials.credentials, client_source(request))
    if caller is None:
        raise Unauthorized(
            "The API key is not valid: it is unknown or revoked, or its admin may no longer act.",
            invalid_token=True,
        )
    return caller


async def get_send_caller(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> SendingCaller:
    """The caller behind a send-scope key.

    Raises: Unauthorized (no or bad key), PermissionDenied (an admin-scope key).
    """
    caller = await _api_caller(request, services, credentials)
    require_key_scope(caller, ApiKeyScope.SEND)
    return sending_caller(caller)


async def get_any_caller(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> SendingCaller:
    """The caller behind a key of either scope. Raises: Unauthorized."""
    return sending_caller(await _api_caller(request, services, credentials))


SendCaller = Annotated[SendingCaller, Depends(get_send_caller)]
AnyCaller = Annotated[SendingCaller, Depends(get_any_caller)]


def body_limits(services: Services) -> dict[str, int]:
    """Request body limits of the sending endpoints: a message's attachments in base64 plus
    room for its text and HTML parts; a batch four times that (at least 64 MiB)."""
    single = services.sending.policy.limits.max_attachment_bytes * 4 // 3 + 8 * MIB
    return {"/messages": single, "/messages/batch": max(4 * single, 64 * MIB)}


def _route_path(scope: Scope) -> str:
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


class BodyLimit:
    """Refuses request bodies above a limit on the sending endpoints (413) without holding
    more than the limit in memory: a base64 attachment limit means nothing if the JSON around
    it may be of any size. ``limits`` maps a path (inside the API) to its limit in bytes.

    The body is read here, up to the limit, and handed on whole (FastAPI would read it whole
    anyway, and turns errors raised while it reads into 400s)."""

    def __init__(self, app: ASGIApp, *, limits: dict[str, int]) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limits.get(_route_path(scope)) if scope["type"] == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(limit, scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                await self._refuse(limit, scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"The request body is larger than {limit // MIB} MiB."
        response = problem_response("request-too-large", detail, status=413)
        await response(scope, receive, send)
