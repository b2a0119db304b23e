"""Outbound delivery: per-recipient events, the suppression list, DKIM keys.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mailwright.storage.sql.types import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ADDRESS = 320


def upgrade() -> None:
    op.create_table(
        "delivery_events",
        sa.Column("id", sa.Integer),
        sa.Column("message_id", sa.String(32), nullable=False),
        sa.Column("recipient", sa.String(ADDRESS), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("reply", sa.Text, nullable=False, server_default=""),
        sa.Column("remote_host", sa.String(255), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", name="pk_delivery_events"),
    )
    op.create_index("ix_delivery_events_message_id_id", "delivery_events", ["message_id", "id"])
    op.create_index("ix_delivery_events_recipient_id", "delivery_events", ["recipient", "id"])
    op.create_index("ix_delivery_events_at", "delivery_events", ["at"])
    op.create_table(
        "suppressions",
        sa.Column("address", sa.String(ADDRESS)),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("address", name="pk_suppressions"),
    )
    op.create_table(
        "dkim_keys",
        sa.Column("id", sa.Integer),
        sa.Column("domain_id", sa.Integer, nullable=False),
        sa.Column("selector", sa.String(63), nullable=False),
        sa.Column("private_key_sealed", sa.Text, nullable=False),
        sa.Column("public_key", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dkim_keys"),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["domains.id"],
            name="fk_dkim_keys_domain_id_domains",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_dkim_keys_domain_id_active", "dkim_keys", ["domain_id", "active"])


def downgrade() -> None:
    for table in ("dkim_keys", "suppressions", "delivery_events"):
        op.drop_table(table)
