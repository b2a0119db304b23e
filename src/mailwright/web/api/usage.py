"""``/usage``: messages accepted and delivered per month, by API key or by domain, with the
cost (global admins: everything; domain admins: their domains)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from mailwright.services.usage import UsageGroup, UsageLine, UsageReport
from mailwright.web.api.dependencies import AdminActor, ServicesDep
from mailwright.web.api.problems import problem_responses

router = APIRouter(prefix="/usage", tags=["usage"])


class UsageLinePublic(BaseModel):
    """Counters of one API key or domain (or of all, as the total)."""

    api_key_prefix: str | None = Field(
        description='group=key: the API key; "" for mail submitted over SMTP.'
    )
    domain: str | None = Field(description="group=domain: the sender domain.")
    accepted: int = Field(description="Messages the send API accepted (the billed count).")
    delivered: int = Field(description="Recipients delivered.")
    cost: float = Field(description="accepted x price_per_1000 / 1000, in `currency`.")

    @classmethod
    def of(cls, line: UsageLine, group: UsageGroup | None) -> UsageLinePublic:
        """The public view of ``line`` (``group`` None: the total)."""
        return cls(
            api_key_prefix=line.name if group is UsageGroup.KEY else None,
            domain=line.name if group is UsageGroup.DOMAIN else None,
            accepted=line.accepted,
            delivered=line.delivered,
            cost=float(line.cost),
        )


class UsagePublic(BaseModel):
    """One month of usage in the caller's scope."""

    month: str = Field(examples=["2026-01"])
    group: UsageGroup
    currency: str
    price_per_1000: float
    items: list[UsageLinePublic]
    total: UsageLinePublic

    @classmethod
    def of(cls, report: UsageReport) -> UsagePublic:
        """The public view of ``report``."""
        return cls(
            month=report.month,
            group=report.group,
            currency=report.currency,
            price_per_1000=float(report.price_per_1000),
            items=[UsageLinePublic.of(line, report.group) for line in report.lines],
            total=UsageLinePublic.of(report.total, None),
        )


@router.get("", response_model=UsagePublic, responses=problem_responses())
async def get_usage(
    services: ServicesDep,
    actor: AdminActor,
    month: Annotated[
        str | None,
        Query(
            pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$",
            description="The month, `YYYY-MM` (UTC); default: this month.",
        ),
    ] = None,
    group: Annotated[
        UsageGroup, Query(description="Add counters up by API key or by sender domain.")
    ] = UsageGroup.DOMAIN,
) -> UsagePublic:
    """Messages accepted and delivered in a month, and their cost."""
    return UsagePublic.of(await services.usage.report(actor, month, group))
