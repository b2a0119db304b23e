"""``/api-keys``: bearer keys acting for admins (global admins only).

The key itself is in the creation response only; lists and lookups show its prefix.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from mailwright.model.api_keys import ApiKey, ApiKeyScope
from mailwright.services.api_keys import MAX_NAME
from mailwright.web.api.dependencies import AdminActor, ServicesDep
from mailwright.web.api.fields import AddressText, DomainText, PlainText
from mailwright.web.api.pagination import DEFAULT_LIMIT, Cursor, Limit, Page, paginate
from mailwright.web.api.problems import problem_responses

router = APIRouter(prefix="/api-keys", tags=["api-keys"])
KeyPrefix = Annotated[
    str, Path(min_length=1, max_length=64, description="The key's public prefix.")
]


class ApiKeyPublic(BaseModel):
    """A key as lists show it (never the key or its digest)."""

    prefix: str = Field(description="Public id: the part after `mw_` and before the next `_`.")
    name: str
    admin: str = Field(description="The admin the key acts for.")
    scope: ApiKeyScope
    sandbox: bool
    domains: list[str] = Field(description="Send keys: the domains it may send from.")
    created_at: datetime
    created_by: str
    last_used_at: datetime | None = Field(description="Recorded at most once a minute.")
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyPublic:
        """The public view of ``key``."""
        return cls(**_public_fields(key))


class ApiKeyPage(Page[ApiKeyPublic]):
    """One page of API keys."""


class ApiKeyCreated(ApiKeyPublic):
    """A new key, with the key itself: shown this once, it cannot be retrieved again."""

    key: str = Field(description="The bearer credential `mw_<prefix>_<secret>`.")


class ApiKeyCreate(BaseModel):
    """A key to make."""

    model_config = ConfigDict(extra="forbid")

    admin: AddressText = Field(description="The admin the key acts for.")
    scope: ApiKeyScope
    name: Annotated[PlainText, Field(max_length=MAX_NAME)] = ""
    sandbox: bool = Field(default=False, description="Send keys only: accept, never deliver.")
    domains: list[DomainText] = Field(
        default_factory=list, max_length=1000, description="Send keys only: allowed domains."
    )


def _public_fields(key: ApiKey) -> dict[str, object]:
    return {
        "prefix": key.prefix,
        "name": key.name,
        "admin": key.admin_address,
        "scope": key.scope,
        "sandbox": key.sandbox,
        "domains": sorted(key.domains),
        "created_at": key.created_at,
        "created_by": key.created_by,
        "last_used_at": key.last_used_at,
        "revoked_at": key.revoked_at,
    }


@router.get("", response_model=ApiKeyPage, responses=problem_responses())
async def list_api_keys(
    services: ServicesDep,
    actor: AdminActor,
    admin: Annotated[
        AddressText | None, Query(description="Only keys acting for this admin.")
    ] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> ApiKeyPage:
    """List keys, newest first, revoked ones included."""
    keys = await services.api_keys.list_keys(actor, admin)
    page, next_cursor = paginate(
        keys,
        lambda k: (k.created_at.isoformat(), k.prefix),
        limit=limit,
        cursor=cursor,
        descending=True,
    )
    return ApiKeyPage(items=[ApiKeyPublic.of(k) for k in page], next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
    responses=problem_responses(404, 409),
)
async def create_api_key(
    body: ApiKeyCreate, services: ServicesDep, actor: AdminActor, response: Response
) -> ApiKeyCreated:
    """Make a key; the response holds the key, this once."""
    created = await services.api_keys.create(
        actor,
        body.admin,
        body.scope,
        name=body.name,
        sandbox=body.sandbox,
        domains=list(body.domains),
    )
    response.headers["Location"] = f"/api/v1/api-keys/{created.api_key.prefix}"
    response.headers["Cache-Control"] = "no-store"
    return ApiKeyCreated(**_public_fields(created.api_key), key=created.key)


@router.get("/{prefix}", response_model=ApiKeyPublic, responses=problem_responses(404))
async def get_api_key(prefix: KeyPrefix, services: ServicesDep, actor: AdminActor) -> ApiKeyPublic:
    """One key."""
    return ApiKeyPublic.of(await services.api_keys.get(actor, prefix))


@router.delete(
    "/{prefix}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404, 409)
)
async def revoke_api_key(prefix: KeyPrefix, services: ServicesDep, actor: AdminActor) -> None:
    """Revoke a key for good (it stays listed, with `revoked_at`)."""
    await services.api_keys.revoke(actor, prefix)
