"""Tables of the web front ends: sessions and API keys."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, String, Table, Text

from mailwright.storage.sql.tables import ADDRESS, metadata
from mailwright.storage.sql.types import JsonText, UtcDateTime

sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_digest", String(64), nullable=False, unique=True),
    Column("realm", String(16), nullable=False),
    Column("address", String(ADDRESS), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("source", String(64), nullable=False),
    Column("user_agent", Text, nullable=False, server_default=""),
    Column("revoked_at", UtcDateTime),
    Index(None, "realm", "address"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("prefix", String(32), nullable=False, unique=True),
    Column("digest", String(64), nullable=False),
    Column("name", String(128), nullable=False, server_default=""),
    Column("admin_address", String(ADDRESS), nullable=False),
    Column("scope", String(16), nullable=False),
    Column("sandbox", Boolean, nullable=False, server_default="0"),
    Column("domains", JsonText, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(ADDRESS), nullable=False),
    Column("last_used_at", UtcDateTime),
    Column("revoked_at", UtcDateTime),
    Index(None, "admin_address"),
)
