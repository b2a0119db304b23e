"""``/admins``: role grants of the admin center (global admins only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from mailwright.model.admins import Admin, Role
from mailwright.model.errors import NotFound
from mailwright.services.authentication import address_key
from mailwright.web.api.dependencies import AdminActor, ServicesDep
from mailwright.web.api.fields import AddressText, DomainText
from mailwright.web.api.pagination import DEFAULT_LIMIT, Cursor, Limit, Page, paginate
from mailwright.web.api.problems import problem_responses

router = APIRouter(prefix="/admins", tags=["admins"])
AdminAddress = Annotated[str, Path(min_length=1, max_length=320, examples=["it@example.org"])]


class AdminPublic(BaseModel):
    """A mailbox holding a role."""

    address: str
    role: Role
    domains: list[str] = Field(
        description="Scope; empty for a global admin, and for a helpdesk admin of every domain."
    )
    created_at: datetime

    @classmethod
    def of(cls, admin: Admin) -> AdminPublic:
        """The public view of ``admin``."""
        return cls(
            address=admin.address,
            role=admin.role,
            domains=sorted(admin.domains),
            created_at=admin.created_at,
        )


class AdminPage(Page[AdminPublic]):
    """One page of admins."""


class AdminCreate(BaseModel):
    """A role for a hosted mailbox."""

    model_config = ConfigDict(extra="forbid")

    address: AddressText
    role: Role
    domains: list[DomainText] = Field(default_factory=list, max_length=1000)


@router.get("", response_model=AdminPage, responses=problem_responses())
async def list_admins(
    services: ServicesDep,
    actor: AdminActor,
    role: Annotated[Role | None, Query(description="Only this role.")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> AdminPage:
    """List admins, by address."""
    admins = [a for a in await services.admins.list_admins(actor) if role in (None, a.role)]
    page, next_cursor = paginate(admins, lambda a: (a.address,), limit=limit, cursor=cursor)
    return AdminPage(items=[AdminPublic.of(a) for a in page], next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=AdminPublic,
    responses=problem_responses(404, 409),
)
async def create_admin(
    body: AdminCreate, services: ServicesDep, actor: AdminActor, response: Response
) -> AdminPublic:
    """Give a hosted mailbox an admin role."""
    admin = await services.admins.add(actor, body.address, body.role, list(body.domains))
    response.headers["Location"] = f"/api/v1/admins/{admin.address}"
    return AdminPublic.of(admin)


@router.get("/{address}", response_model=AdminPublic, responses=problem_responses(404))
async def get_admin(address: AdminAddress, services: ServicesDep, actor: AdminActor) -> AdminPublic:
    """One admin grant."""
    wanted = address_key(address)
    for admin in await services.admins.list_admins(actor):
        if admin.address == wanted:
            return AdminPublic.of(admin)
    raise NotFound(f"{wanted} holds no admin role.")


@router.delete(
    "/{address}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404, 409)
)
async def delete_admin(address: AdminAddress, services: ServicesDep, actor: AdminActor) -> None:
    """Revoke an admin role (the mailbox stays; the admin's API keys stop working)."""
    await services.admins.remove(actor, address)
