"""Tables of the transactional email API: message records, idempotency, templates,
webhooks and their deliveries, usage counters."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from mailwright.storage.sql.tables import ADDRESS, metadata
from mailwright.storage.sql.types import JsonText, UtcDateTime

api_messages = Table(
    "api_messages",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("api_key_prefix", String(32), nullable=False),
    Column("domain", String(253), nullable=False),
    Column("from_address", String(ADDRESS), nullable=False),
    Column("subject", Text, nullable=False, server_default=""),
    Column("tags", JsonText, nullable=False),
    Column("metadata", JsonText, nullable=False),
    Column("template_name", String(128)),
    Column("template_version", Integer),
    Column("sandbox", Boolean, nullable=False, server_default="0"),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "api_key_prefix", "created_at"),
    Index(None, "domain", "created_at"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("api_key_prefix", String(32), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response", JsonText, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Index(None, "expires_at"),
)

templates = Table(
    "templates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(128), nullable=False),
    Column("version", Integer, nullable=False),
    Column("subject", Text, nullable=False),
    Column("text", Text),
    Column("html", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(ADDRESS), nullable=False),
    UniqueConstraint("name", "version"),
)

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("secret_sealed", Text, nullable=False),
    Column("events", JsonText, nullable=False),
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("cursor", BigInteger, nullable=False, server_default="0"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(ADDRESS), nullable=False),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("webhook_id", Integer, ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", BigInteger, nullable=False),
    Column("payload", JsonText, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("response_code", Integer),
    Column("response_body", Text, nullable=False, server_default=""),
    Column("next_attempt_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("delivered_at", UtcDateTime),
    Index(None, "webhook_id", "id"),
    Index(None, "status", "next_attempt_at"),
)

usage_counters = Table(
    "usage_counters",
    metadata,
    Column("month", String(7), primary_key=True),
    Column("api_key_prefix", String(32), primary_key=True),
    Column("domain", String(253), primary_key=True),
    Column("accepted", BigInteger, nullable=False, server_default="0"),
    Column("delivered", BigInteger, nullable=False, server_default="0"),
)
