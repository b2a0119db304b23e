"""``/suppressions``: addresses Mailwright will not send to (hard bounces, and by hand).

The list is one for the whole platform and names recipients of every domain, so keys of
global admins (either scope) read it, and those that are not sandboxed change it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from mailwright.model.errors import InvalidInput
from mailwright.model.outbound import Suppression, SuppressionReason
from mailwright.web.api.callers import AnyCaller
from mailwright.web.api.dependencies import ServicesDep
from mailwright.web.api.fields import AddressText, PlainText
from mailwright.web.api.pagination import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    Page,
    decode_cursor,
    encode_cursor,
)
from mailwright.web.api.problems import problem_responses

router = APIRouter(prefix="/suppressions", tags=["suppressions"])
SuppressedAddress = Annotated[str, Path(min_length=1, max_length=320, examples=["bob@example.net"])]
CSV_COLUMNS = ["address", "reason", "detail", "created_at"]
# OWASP "CSV injection": a cell starting with one of these is a formula in spreadsheets, and
# bounce details come from remote servers.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class SuppressionPublic(BaseModel):
    """An address on the suppression list."""

    address: str
    reason: SuppressionReason = Field(description="`hard-bounce`, `manual` or `complaint`.")
    detail: str = Field(description="The bounce reply, or the note given when added.")
    created_at: datetime

    @classmethod
    def of(cls, entry: Suppression) -> SuppressionPublic:
        """The public view of ``entry``."""
        return cls(
            address=entry.address,
            reason=entry.reason,
            detail=entry.detail,
            created_at=entry.created_at,
        )


class SuppressionPage(Page[SuppressionPublic]):
    """One page of the suppression list, by address."""


class SuppressionCreate(BaseModel):
    """An address to suppress by hand."""

    model_config = ConfigDict(extra="forbid")

    address: AddressText
    detail: Annotated[PlainText, Field(max_length=500, description="Why (for people).")] = ""


@router.get("", response_model=SuppressionPage, responses=problem_responses())
async def list_suppressions(
    services: ServicesDep, caller: AnyCaller, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> SuppressionPage:
    """The suppression list, by address."""
    after = None
    if cursor:
        parts = decode_cursor(cursor)
        if len(parts) != 1:
            raise InvalidInput.for_field("cursor", "The page cursor is not valid.")
        after = parts[0]
    found = await services.suppressions.list_page(caller, after=after, limit=limit + 1)
    page = found[:limit]
    next_cursor = encode_cursor([page[-1].address]) if len(found) > limit else None
    return SuppressionPage(items=[SuppressionPublic.of(s) for s in page], next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SuppressionPublic,
    responses=problem_responses(409),
)
async def add_suppression(
    body: SuppressionCreate, services: ServicesDep, caller: AnyCaller, response: Response
) -> SuppressionPublic:
    """Suppress an address (reason `manual`)."""
    entry = await services.suppressions.add(caller, body.address, body.detail)
    response.headers["Location"] = f"/api/v1/suppressions/{entry.address}"
    return SuppressionPublic.of(entry)


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


async def _csv(entries: AsyncIterator[Suppression]) -> AsyncIterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    async for entry in entries:
        writer.writerow(
            [
                _cell(entry.address),
                entry.reason.value,
                _cell(entry.detail),
                entry.created_at.isoformat(),
            ]
        )
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "Every entry as CSV (RFC 4180): address, reason, detail, created_at.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **problem_responses(),
    },
)
async def export_suppressions(services: ServicesDep, caller: AnyCaller) -> StreamingResponse:
    """Download the whole suppression list as CSV."""
    entries = await services.suppressions.export(caller)
    return StreamingResponse(
        _csv(entries),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="suppressions.csv"'},
    )


@router.get("/{address}", response_model=SuppressionPublic, responses=problem_responses(404))
async def get_suppression(
    address: SuppressedAddress, services: ServicesDep, caller: AnyCaller
) -> SuppressionPublic:
    """One entry."""
    return SuppressionPublic.of(await services.suppressions.get(caller, address))


@router.delete(
    "/{address}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404)
)
async def remove_suppression(
    address: SuppressedAddress, services: ServicesDep, caller: AnyCaller
) -> None:
    """Take an address off the list: mail to it is attempted again."""
    await services.suppressions.remove(caller, address)
