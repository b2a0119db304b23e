"""Tables of outbound delivery: events per recipient, suppressions, DKIM keys."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from mailwright.storage.sql.tables import ADDRESS, metadata
from mailwright.storage.sql.types import UtcDateTime

delivery_events = Table(
    "delivery_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_id", String(32), nullable=False),
    Column("recipient", String(ADDRESS), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("reply", Text, nullable=False, server_default=""),
    Column("remote_host", String(255), nullable=False, server_default=""),
    Index(None, "message_id", "id"),
    Index(None, "recipient", "id"),
    Index(None, "at"),
)

suppressions = Table(
    "suppressions",
    metadata,
    Column("address", String(ADDRESS), primary_key=True),
    Column("reason", String(16), nullable=False),
    Column("detail", Text, nullable=False, server_default=""),
    Column("created_at", UtcDateTime, nullable=False),
)

dkim_keys = Table(
    "dkim_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("domain_id", Integer, ForeignKey("domains.id", ondelete="CASCADE"), nullable=False),
    Column("selector", String(63), nullable=False),
    Column("private_key_sealed", Text, nullable=False),
    Column("public_key", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "domain_id", "active"),
)
