"""Transactional email API: message records, idempotency keys, templates, webhooks, webhook
deliveries, usage counters.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mailwright.storage.sql.types import JsonText, UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ADDRESS = 320


def upgrade() -> None:
    op.create_table(
        "api_messages",
        sa.Column("id", sa.String(32)),
        sa.Column("api_key_prefix", sa.String(32), nullable=False),
        sa.Column("domain", sa.String(253), nullable=False),
        sa.Column("from_address", sa.String(ADDRESS), nullable=False),
        sa.Column("subject", sa.Text, nullable=False, server_default=""),
        sa.Column("tags", JsonText, nullable=False),
        sa.Column("metadata", JsonText, nullable=False),
        sa.Column("template_name", sa.String(128)),
        sa.Column("template_version", sa.Integer),
        sa.Column("sandbox", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_api_messages"),
    )
    op.create_index(
        "ix_api_messages_api_key_prefix_created_at",
        "api_messages",
        ["api_key_prefix", "created_at"],
    )
    op.create_index("ix_api_messages_domain_created_at", "api_messages", ["domain", "created_at"])
    op.create_table(
        "idempotency_keys",
        sa.Column("api_key_prefix", sa.String(32)),
        sa.Column("key", sa.String(255)),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("response", JsonText, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("api_key_prefix", "key", name="pk_idempotency_keys"),
    )
    op.create_index("ix_idempotency_keys_expires_at", "idempotency_keys", ["expires_at"])
    op.create_table(
        "templates",
        sa.Column("id", sa.Integer),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("html", sa.Text),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("created_by", sa.String(ADDRESS), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_templates"),
        sa.UniqueConstraint("name", "version", name="uq_templates_name_version"),
    )
    op.create_table(
        "webhooks",
        sa.Column("id", sa.Integer),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("secret_sealed", sa.Text, nullable=False),
        sa.Column("events", JsonText, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default="1"),
        sa.Column("cursor", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("created_by", sa.String(ADDRESS), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhooks"),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer),
        sa.Column("webhook_id", sa.Integer, nullable=False),
        sa.Column("event_id", sa.BigInteger, nullable=False),
        sa.Column("payload", JsonText, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("response_code", sa.Integer),
        sa.Column("response_body", sa.Text, nullable=False, server_default=""),
        sa.Column("next_attempt_at", UtcDateTime),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("delivered_at", UtcDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["webhooks.id"],
            name="fk_webhook_deliveries_webhook_id_webhooks",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_webhook_deliveries_webhook_id_id", "webhook_deliveries", ["webhook_id", "id"]
    )
    op.create_index(
        "ix_webhook_deliveries_status_next_attempt_at",
        "webhook_deliveries",
        ["status", "next_attempt_at"],
    )
    op.create_table(
        "usage_counters",
        sa.Column("month", sa.String(7)),
        sa.Column("api_key_prefix", sa.String(32)),
        sa.Column("domain", sa.String(253)),
        sa.Column("accepted", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("delivered", sa.BigInteger, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("month", "api_key_prefix", "domain", name="pk_usage_counters"),
    )


def downgrade() -> None:
    for table in (
        "usage_counters",
        "webhook_deliveries",
        "webhooks",
        "templates",
        "idempotency_keys",
        "api_messages",
    ):
        op.drop_table(table)
