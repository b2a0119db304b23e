"""Self-service recovery: recovery links and recovery requests.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mailwright.storage.sql.types import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ADDRESS = 320


def upgrade() -> None:
    op.create_table(
        "recovery_links",
        sa.Column("id", sa.Integer),
        sa.Column("token_digest", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("mailbox_id", sa.Integer, nullable=False),
        sa.Column("address", sa.String(ADDRESS), nullable=False),
        sa.Column("recipient", sa.String(ADDRESS), nullable=False),
        sa.Column("binding", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("used_at", UtcDateTime),
        sa.Column("source", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_recovery_links"),
        sa.UniqueConstraint("token_digest", name="uq_recovery_links_token_digest"),
        sa.ForeignKeyConstraint(
            ["mailbox_id"],
            ["mailboxes.id"],
            name="fk_recovery_links_mailbox_id_mailboxes",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_recovery_links_mailbox_id", "recovery_links", ["mailbox_id"])
    op.create_index("ix_recovery_links_expires_at", "recovery_links", ["expires_at"])
    op.create_table(
        "recovery_requests",
        sa.Column("id", sa.Integer),
        sa.Column("address", sa.String(ADDRESS), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("requested_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_recovery_requests"),
    )
    op.create_index(
        "ix_recovery_requests_address_requested_at",
        "recovery_requests",
        ["address", "requested_at"],
    )
    op.create_index(
        "ix_recovery_requests_source_requested_at",
        "recovery_requests",
        ["source", "requested_at"],
    )
    op.create_index("ix_recovery_requests_requested_at", "recovery_requests", ["requested_at"])


def downgrade() -> None:
    for table in ("recovery_requests", "recovery_links"):
        op.drop_table(table)
