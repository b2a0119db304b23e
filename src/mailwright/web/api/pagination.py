"""Cursor pagination shared by every list endpoint: ``?limit=&cursor=`` in, ``{items,
next_cursor}`` out.

A cursor is opaque to clients (URL-safe base64 of the sort key of the last item returned), so a
page never skips or repeats items when others are added or removed meanwhile, which offsets
would. ``next_cursor`` is null on the last page.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from mailwright.model.errors import InvalidInput

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_CURSOR = 2048

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page (1 to {MAX_LIMIT}).")]
Cursor = Annotated[
    str | None,
    Query(
        max_length=MAX_CURSOR,
        description="The `next_cursor` of the previous page; omit for the first page.",
    ),
]

ItemT = TypeVar("ItemT", bound=BaseModel)
RowT = TypeVar("RowT")


class Page(BaseModel, Generic[ItemT]):
    """One page of a listing; each resource names its own subclass (``MailboxPage``)."""

    items: list[ItemT]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


def encode_cursor(key: Sequence[str]) -> str:
    """An opaque cursor for the sort key ``key``."""
    raw = json.dumps(list(key), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, ...]:
    """Raises: InvalidInput (field ``cursor``) for a cursor this API did not make."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        value = None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput.for_field("cursor", "The page cursor is not valid.")
    return tuple(value)


def paginate(
    rows: Sequence[RowT],
    key: Callable[[RowT], tuple[str, ...]],
    *,
    limit: int,
    cursor: str | None,
    descending: bool = False,
) -> tuple[list[RowT], str | None]:
    """One page of ``rows`` ordered by ``key``, starting after ``cursor``; returns the page and
    the next cursor (None on the last page). For listings the services return whole."""
    ordered = sorted(rows, key=key, reverse=descending)
    if cursor:
        after = decode_cursor(cursor)
        ordered = [r for r in ordered if (key(r) < after if descending else key(r) > after)]
    page = ordered[:limit]
    next_cursor = encode_cursor(key(page[-1])) if len(ordered) > limit else None
    return page, next_cursor
