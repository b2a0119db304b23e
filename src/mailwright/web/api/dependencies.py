"""What every endpoint depends on: the services, and the actor behind the bearer key.

The key is checked at every request (``ApiKeyService.find_caller``): its admin's grant and
mailbox are read each time, so revoking a role, disabling the mailbox or revoking the key takes
effect on the next call.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from mailwright.model.actors import Actor
from mailwright.model.api_keys import ApiKeyScope
from mailwright.services.api_keys import require_key_scope
from mailwright.services.container import Services
from mailwright.web.api.problems import Unauthorized

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    bearerFormat="mw_<prefix>_<secret>",
    description="An API key made with `mailwright apikey create` or `POST /api-keys`.",
)


def get_services(request: Request) -> Services:
    """The services the API application was built around."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def client_source(request: Request) -> str:
    """The client's network address, as the audit log records it."""
    return request.client.host if request.client else "unknown"


async def get_admin_actor(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> Actor:
    """The admin an admin-scope key acts for.

    Raises:
        Unauthorized: no bearer key, or one that is not (or no longer) valid.
        PermissionDenied: a valid key of another scope (a send key).
    """
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
    require_key_scope(caller, ApiKeyScope.ADMIN)
    return caller.actor


AdminActor = Annotated[Actor, Depends(get_admin_actor)]
