"""Tables of the mail store and the outbound queue."""

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

folders = Table(
    "folders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mailbox_id", Integer, ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(1024), nullable=False),
    Column("special_use", String(32)),
    Column("uidvalidity", BigInteger, nullable=False),
    Column("uidnext", BigInteger, nullable=False),
    Column("highest_modseq", BigInteger, nullable=False),
    Column("subscribed", Boolean, nullable=False, server_default="1"),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("mailbox_id", "name"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("folder_id", Integer, ForeignKey("folders.id", ondelete="CASCADE"), nullable=False),
    Column("uid", BigInteger, nullable=False),
    Column("blob", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("internal_date", UtcDateTime, nullable=False),
    Column("flags", Text, nullable=False, server_default=""),
    Column("modseq", BigInteger, nullable=False),
    Column("structure", JsonText, nullable=False),
    UniqueConstraint("folder_id", "uid"),
    Index(None, "folder_id", "modseq"),
    Index(None, "blob"),
)

outbound_messages = Table(
    "outbound_messages",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("blob", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sender", String(ADDRESS), nullable=False),
    Column("origin", String(16), nullable=False),
    Column("submitted_by", String(ADDRESS), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "created_at"),
)

outbound_recipients = Table(
    "outbound_recipients",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "message_id",
        String(32),
        ForeignKey("outbound_messages.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("recipient", String(ADDRESS), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UtcDateTime),
    Column("last_attempt_at", UtcDateTime),
    Column("last_reply", Text, nullable=False, server_default=""),
    Column("lease_owner", String(64)),
    Column("lease_until", UtcDateTime),
    Index(None, "status", "next_attempt_at"),
    Index(None, "message_id"),
)
