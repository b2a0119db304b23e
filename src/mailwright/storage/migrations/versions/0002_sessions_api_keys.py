"""Web sessions and API keys.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mailwright.storage.sql.types import JsonText, UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ADDRESS = 320


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer),
        sa.Column("token_digest", sa.String(64), nullable=False),
        sa.Column("realm", sa.String(16), nullable=False),
        sa.Column("address", sa.String(ADDRESS), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("last_seen_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("user_agent", sa.Text, nullable=False, server_default=""),
        sa.Column("revoked_at", UtcDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
        sa.UniqueConstraint("token_digest", name="uq_sessions_token_digest"),
    )
    op.create_index("ix_sessions_realm_address", "sessions", ["realm", "address"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer),
        sa.Column("prefix", sa.String(32), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("name", sa.String(128), nullable=False, server_default=""),
        sa.Column("admin_address", sa.String(ADDRESS), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("sandbox", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("domains", JsonText, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("created_by", sa.String(ADDRESS), nullable=False),
        sa.Column("last_used_at", UtcDateTime),
        sa.Column("revoked_at", UtcDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("prefix", name="uq_api_keys_prefix"),
    )
    op.create_index("ix_api_keys_admin_address", "api_keys", ["admin_address"])


def downgrade() -> None:
    op.drop_table("api_keys")
    op.drop_table("sessions")
