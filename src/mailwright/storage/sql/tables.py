"""The tables, in SQLAlchemy Core. Alembic migrations must produce exactly these
(``tests/unit/storage/test_migrations.py`` compares them)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from mailwright.storage.sql.types import JsonText, UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ADDRESS = 320

domains = Table(
    "domains",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(253), nullable=False, unique=True),
    Column("it_notification_address", String(ADDRESS)),
    Column("password_min_length", Integer),
    Column("password_min_score", Integer),
    Column("default_quota_bytes", BigInteger),
    Column("created_at", UtcDateTime, nullable=False),
)

mailboxes = Table(
    "mailboxes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("domain_id", Integer, ForeignKey("domains.id", ondelete="RESTRICT"), nullable=False),
    Column("address", String(ADDRESS), nullable=False, unique=True),
    Column("display_name", String(256), nullable=False, server_default=""),
    Column("password_hash", Text, nullable=False),
    Column("must_change", Boolean, nullable=False, server_default="0"),
    Column("password_changed_at", UtcDateTime),
    Column("disabled", Boolean, nullable=False, server_default="0"),
    Column("quota_bytes", BigInteger),
    Column("used_bytes", BigInteger, nullable=False, server_default="0"),
    Column("recovery_address", String(ADDRESS)),
    Column("last_imap_login_at", UtcDateTime),
    Column("last_smtp_login_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "domain_id", "address"),
    Index(None, "display_name"),
    Index(None, "created_at"),
)

password_history = Table(
    "password_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mailbox_id", Integer, ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "mailbox_id", "id"),
)

aliases = Table(
    "aliases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("domain_id", Integer, ForeignKey("domains.id", ondelete="RESTRICT"), nullable=False),
    Column("source", String(ADDRESS), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
)

alias_destinations = Table(
    "alias_destinations",
    metadata,
    Column("alias_id", Integer, ForeignKey("aliases.id", ondelete="CASCADE"), primary_key=True),
    Column("destination", String(ADDRESS), primary_key=True),
    Column("position", Integer, nullable=False),
    Index(None, "destination"),
)

admins = Table(
    "admins",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("address", String(ADDRESS), nullable=False, unique=True),
    Column("role", String(32), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

admin_domains = Table(
    "admin_domains",
    metadata,
    Column("admin_id", Integer, ForeignKey("admins.id", ondelete="CASCADE"), primary_key=True),
    Column("domain_id", Integer, ForeignKey("domains.id", ondelete="CASCADE"), primary_key=True),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(ADDRESS), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(ADDRESS), nullable=False),
    Column("source", String(64), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("reason", Text, nullable=False, server_default=""),
    Column("details", JsonText, nullable=False),
    Index(None, "at"),
    Index(None, "actor", "id"),
    Index(None, "target", "id"),
    Index(None, "action", "id"),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("scope", String(16), primary_key=True),
    Column("key", String(ADDRESS), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", UtcDateTime, nullable=False),
    Column("locked_until", UtcDateTime),
)
