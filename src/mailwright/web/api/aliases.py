"""``/aliases``: addresses delivering to others; ``@domain`` is the domain's catch-all."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from mailwright.model.aliases import Alias
from mailwright.model.errors import NotFound
from mailwright.services.aliases import MAX_DESTINATIONS, parse_alias_source
from mailwright.web.api.dependencies import AdminActor, ServicesDep
from mailwright.web.api.fields import AddressText, DomainText
from mailwright.web.api.pagination import DEFAULT_LIMIT, Cursor, Limit, Page, paginate
from mailwright.web.api.problems import problem_responses

router = APIRouter(prefix="/aliases", tags=["aliases"])
AliasSource = Annotated[
    str,
    Path(
        min_length=1,
        max_length=320,
        description="`name@domain`, or `@domain` for the catch-all.",
        examples=["sales@example.org"],
    ),
]


class AliasPublic(BaseModel):
    """An alias and where it delivers."""

    source: str
    destinations: list[str]
    catch_all: bool
    created_at: datetime

    @classmethod
    def of(cls, alias: Alias) -> AliasPublic:
        """The public view of ``alias``."""
        return cls(
            source=alias.source,
            destinations=list(alias.destinations),
            catch_all=alias.is_catch_all,
            created_at=alias.created_at,
        )


class AliasPage(Page[AliasPublic]):
    """One page of aliases."""


class AliasCreate(BaseModel):
    """A new alias."""

    model_config = ConfigDict(extra="forbid")

    source: AddressText = Field(description="`name@domain`, or `@domain` for the catch-all.")
    destinations: list[AddressText] = Field(min_length=1, max_length=MAX_DESTINATIONS)


@router.get("", response_model=AliasPage, responses=problem_responses())
async def list_aliases(
    services: ServicesDep,
    actor: AdminActor,
    domain: Annotated[DomainText | None, Query(description="Only this domain.")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> AliasPage:
    """List aliases the key's admin may see, by source."""
    aliases = await services.aliases.list_aliases(actor, domain)
    page, next_cursor = paginate(aliases, lambda a: (a.source,), limit=limit, cursor=cursor)
    return AliasPage(items=[AliasPublic.of(a) for a in page], next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=AliasPublic,
    responses=problem_responses(404, 409),
)
async def create_alias(
    body: AliasCreate, services: ServicesDep, actor: AdminActor, response: Response
) -> AliasPublic:
    """Create an alias delivering to each destination (hosted or not)."""
    alias = await services.aliases.add(actor, body.source, list(body.destinations))
    response.headers["Location"] = f"/api/v1/aliases/{alias.source}"
    return AliasPublic.of(alias)


@router.get("/{source}", response_model=AliasPublic, responses=problem_responses(404))
async def get_alias(source: AliasSource, services: ServicesDep, actor: AdminActor) -> AliasPublic:
    """One alias."""
    wanted, domain = parse_alias_source(source)
    for alias in await services.aliases.list_aliases(actor, domain):
        if alias.source == wanted:
            return AliasPublic.of(alias)
    raise NotFound(f"There is no alias {wanted}.")


@router.delete(
    "/{source}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404)
)
async def delete_alias(source: AliasSource, services: ServicesDep, actor: AdminActor) -> None:
    """Delete an alias."""
    await services.aliases.remove(actor, source)
