"""``/domains``: hosted mail domains (global admins change them; others see those in scope)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel, ConfigDict, Field

from mailwright.model.domains import DomainSummary
from mailwright.model.errors import NotFound
from mailwright.services.domains import DomainChanges
from mailwright.web.api.dependencies import AdminActor, ServicesDep
from mailwright.web.api.fields import AddressText, ByteCount, DomainText
from mailwright.web.api.pagination import DEFAULT_LIMIT, Cursor, Limit, Page, paginate
from mailwright.web.api.problems import fields_renamed, problem_responses

router = APIRouter(prefix="/domains", tags=["domains"])
DomainName = Annotated[str, Path(min_length=1, max_length=253, examples=["example.org"])]


class DomainPublic(BaseModel):
    """A hosted mail domain with its counts."""

    name: str
    it_notification_address: str | None = Field(
        description="Where notices of password resets in this domain go."
    )
    password_min_length: int | None = Field(description="Stricter than the platform, or null.")
    password_min_score: int | None = Field(description="Stricter than the platform, or null.")
    default_quota_bytes: int | None = Field(description="Quota of new mailboxes; null: none.")
    mailbox_count: int
    alias_count: int
    created_at: datetime

    @classmethod
    def of(cls, summary: DomainSummary) -> DomainPublic:
        """The public view of a domain summary."""
        d = summary.domain
        return cls(
            name=d.name,
            it_notification_address=d.it_notification_address,
            password_min_length=d.password_min_length,
            password_min_score=d.password_min_score,
            default_quota_bytes=d.default_quota_bytes,
            mailbox_count=summary.mailbox_count,
            alias_count=summary.alias_count,
            created_at=d.created_at,
        )


class DomainPage(Page[DomainPublic]):
    """One page of domains."""


class DomainCreate(BaseModel):
    """A domain to host."""

    model_config = ConfigDict(extra="forbid")

    name: DomainText
    it_notification_address: AddressText | None = None
    default_quota_bytes: ByteCount | None = None


class DomainUpdate(BaseModel):
    """Settings to change; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    it_notification_address: AddressText | None = Field(
        default=None, description="null removes it."
    )
    password_min_length: int | None = Field(
        default=None, ge=8, le=256, description="null or omitted: unchanged."
    )
    password_min_score: int | None = Field(
        default=None, ge=0, le=4, description="zxcvbn score 0 to 4; null or omitted: unchanged."
    )
    default_quota_bytes: ByteCount | None = Field(
        default=None, description="null or omitted: unchanged."
    )


async def _summary(services: ServicesDep, actor: AdminActor, name: str) -> DomainPublic:
    domain = await services.domains.get(actor, name)
    for summary in await services.domains.list_domains(actor):
        if summary.domain.id == domain.id:
            return DomainPublic.of(summary)
    raise NotFound(f"There is no domain {domain.name}.")


@router.get("", response_model=DomainPage, responses=problem_responses())
async def list_domains(
    services: ServicesDep, actor: AdminActor, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> DomainPage:
    """List the domains the key's admin may see, by name."""
    summaries = await services.domains.list_domains(actor)
    page, next_cursor = paginate(summaries, lambda s: (s.domain.name,), limit=limit, cursor=cursor)
    return DomainPage(items=[DomainPublic.of(s) for s in page], next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=DomainPublic,
    responses=problem_responses(404, 409),
)
async def create_domain(
    body: DomainCreate, services: ServicesDep, actor: AdminActor, response: Response
) -> DomainPublic:
    """Host a new mail domain (global admins)."""
    with fields_renamed({"domain": "name"}):
        domain = await services.domains.add(
            actor,
            body.name,
            it_notification_address=body.it_notification_address,
            default_quota_bytes=body.default_quota_bytes,
        )
    response.headers["Location"] = f"/api/v1/domains/{domain.name}"
    return DomainPublic.of(DomainSummary(domain, 0, 0))


@router.get("/{name}", response_model=DomainPublic, responses=problem_responses(404))
async def get_domain(name: DomainName, services: ServicesDep, actor: AdminActor) -> DomainPublic:
    """One domain with its counts."""
    return await _summary(services, actor, name)


@router.patch("/{name}", response_model=DomainPublic, responses=problem_responses(404))
async def update_domain(
    name: DomainName, body: DomainUpdate, services: ServicesDep, actor: AdminActor
) -> DomainPublic:
    """Change a domain's settings (global admins)."""
    given = body.model_fields_set
    changes = DomainChanges(
        it_notification_address=body.it_notification_address,
        clear_it_notification_address=(
            "it_notification_address" in given and body.it_notification_address is None
        ),
        password_min_length=body.password_min_length,
        password_min_score=body.password_min_score,
        default_quota_bytes=body.default_quota_bytes,
    )
    await services.domains.update(actor, name, changes)
    return await _summary(services, actor, name)


@router.delete(
    "/{name}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404, 409)
)
async def delete_domain(name: DomainName, services: ServicesDep, actor: AdminActor) -> None:
    """Stop hosting a domain that has no mailboxes or aliases left (global admins)."""
    await services.domains.remove(actor, name)
