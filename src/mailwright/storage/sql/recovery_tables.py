"""Tables of self-service recovery: recovery links and the requests that rate-limit them."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table

from mailwright.storage.sql.tables import ADDRESS, metadata
from mailwright.storage.sql.types import UtcDateTime

recovery_links = Table(
    "recovery_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_digest", String(64), nullable=False, unique=True),
    Column("purpose", String(32), nullable=False),
    Column("mailbox_id", Integer, ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False),
    Column("address", String(ADDRESS), nullable=False),
    Column("recipient", String(ADDRESS), nullable=False),
    Column("binding", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime),
    Column("source", String(64), nullable=False),
    Index(None, "mailbox_id"),
    Index(None, "expires_at"),
)

recovery_requests = Table(
    "recovery_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("address", String(ADDRESS), nullable=False),
    Column("source", String(64), nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Index(None, "address", "requested_at"),
    Index(None, "source", "requested_at"),
    Index(None, "requested_at"),
)
