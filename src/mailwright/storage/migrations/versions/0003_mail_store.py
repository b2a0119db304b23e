"""Mail store (folders, message index) and the outbound queue.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mailwright.storage.sql.types import JsonText, UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ADDRESS = 320


def upgrade() -> None:
    op.create_table(
        "folders",
        sa.Column("id", sa.Integer),
        sa.Column("mailbox_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(1024), nullable=False),
        sa.Column("special_use", sa.String(32)),
        sa.Column("uidvalidity", sa.BigInteger, nullable=False),
        sa.Column("uidnext", sa.BigInteger, nullable=False),
        sa.Column("highest_modseq", sa.BigInteger, nullable=False),
        sa.Column("subscribed", sa.Boolean, nullable=False, server_default="1"),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_folders"),
        sa.UniqueConstraint("mailbox_id", "name", name="uq_folders_mailbox_id_name"),
        sa.ForeignKeyConstraint(
            ["mailbox_id"],
            ["mailboxes.id"],
            name="fk_folders_mailbox_id_mailboxes",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer),
        sa.Column("folder_id", sa.Integer, nullable=False),
        sa.Column("uid", sa.BigInteger, nullable=False),
        sa.Column("blob", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("internal_date", UtcDateTime, nullable=False),
        sa.Column("flags", sa.Text, nullable=False, server_default=""),
        sa.Column("modseq", sa.BigInteger, nullable=False),
        sa.Column("structure", JsonText, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_messages"),
        sa.UniqueConstraint("folder_id", "uid", name="uq_messages_folder_id_uid"),
        sa.ForeignKeyConstraint(
            ["folder_id"],
            ["folders.id"],
            name="fk_messages_folder_id_folders",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_messages_folder_id_modseq", "messages", ["folder_id", "modseq"])
    op.create_index("ix_messages_blob", "messages", ["blob"])
    op.create_table(
        "outbound_messages",
        sa.Column("id", sa.String(32)),
        sa.Column("blob", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sender", sa.String(ADDRESS), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("submitted_by", sa.String(ADDRESS), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbound_messages"),
    )
    op.create_index("ix_outbound_messages_created_at", "outbound_messages", ["created_at"])
    op.create_table(
        "outbound_recipients",
        sa.Column("id", sa.Integer),
        sa.Column("message_id", sa.String(32), nullable=False),
        sa.Column("recipient", sa.String(ADDRESS), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", UtcDateTime),
        sa.Column("last_attempt_at", UtcDateTime),
        sa.Column("last_reply", sa.Text, nullable=False, server_default=""),
        sa.Column("lease_owner", sa.String(64)),
        sa.Column("lease_until", UtcDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_outbound_recipients"),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outbound_messages.id"],
            name="fk_outbound_recipients_message_id_outbound_messages",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_outbound_recipients_status_next_attempt_at",
        "outbound_recipients",
        ["status", "next_attempt_at"],
    )
    op.create_index("ix_outbound_recipients_message_id", "outbound_recipients", ["message_id"])


def downgrade() -> None:
    for table in ("outbound_recipients", "outbound_messages", "messages", "folders"):
        op.drop_table(table)
