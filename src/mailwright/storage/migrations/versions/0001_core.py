"""Core tables: domains, mailboxes, password history, aliases, admins, audit, login failures.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mailwright.storage.sql.types import JsonText, UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ADDRESS = 320


def upgrade() -> None:
    op.create_table(
        "domains",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(253), nullable=False),
        sa.Column("it_notification_address", sa.String(ADDRESS)),
        sa.Column("password_min_length", sa.Integer),
        sa.Column("password_min_score", sa.Integer),
        sa.Column("default_quota_bytes", sa.BigInteger),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_domains"),
        sa.UniqueConstraint("name", name="uq_domains_name"),
    )
    op.create_table(
        "mailboxes",
        sa.Column("id", sa.Integer),
        sa.Column("domain_id", sa.Integer, nullable=False),
        sa.Column("address", sa.String(ADDRESS), nullable=False),
        sa.Column("display_name", sa.String(256), nullable=False, server_default=""),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("must_change", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("password_changed_at", UtcDateTime),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("quota_bytes", sa.BigInteger),
        sa.Column("used_bytes", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("recovery_address", sa.String(ADDRESS)),
        sa.Column("last_imap_login_at", UtcDateTime),
        sa.Column("last_smtp_login_at", UtcDateTime),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_mailboxes"),
        sa.UniqueConstraint("address", name="uq_mailboxes_address"),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["domains.id"],
            name="fk_mailboxes_domain_id_domains",
            ondelete="RESTRICT",
        ),
    )
    op.create_index("ix_mailboxes_domain_id_address", "mailboxes", ["domain_id", "address"])
    op.create_index("ix_mailboxes_display_name", "mailboxes", ["display_name"])
    op.create_index("ix_mailboxes_created_at", "mailboxes", ["created_at"])
    op.create_table(
        "password_history",
        sa.Column("id", sa.Integer),
        sa.Column("mailbox_id", sa.Integer, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_password_history"),
        sa.ForeignKeyConstraint(
            ["mailbox_id"],
            ["mailboxes.id"],
            name="fk_password_history_mailbox_id_mailboxes",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_password_history_mailbox_id_id", "password_history", ["mailbox_id", "id"])
    op.create_table(
        "aliases",
        sa.Column("id", sa.Integer),
        sa.Column("domain_id", sa.Integer, nullable=False),
        sa.Column("source", sa.String(ADDRESS), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_aliases"),
        sa.UniqueConstraint("source", name="uq_aliases_source"),
        sa.ForeignKeyConstraint(
            ["domain_id"], ["domains.id"], name="fk_aliases_domain_id_domains", ondelete="RESTRICT"
        ),
    )
    op.create_table(
        "alias_destinations",
        sa.Column("alias_id", sa.Integer),
        sa.Column("destination", sa.String(ADDRESS)),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("alias_id", "destination", name="pk_alias_destinations"),
        sa.ForeignKeyConstraint(
            ["alias_id"],
            ["aliases.id"],
            name="fk_alias_destinations_alias_id_aliases",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_alias_destinations_destination", "alias_destinations", ["destination"])
    op.create_table(
        "admins",
        sa.Column("id", sa.Integer),
        sa.Column("address", sa.String(ADDRESS), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_admins"),
        sa.UniqueConstraint("address", name="uq_admins_address"),
    )
    op.create_table(
        "admin_domains",
        sa.Column("admin_id", sa.Integer),
        sa.Column("domain_id", sa.Integer),
        sa.PrimaryKeyConstraint("admin_id", "domain_id", name="pk_admin_domains"),
        sa.ForeignKeyConstraint(
            ["admin_id"],
            ["admins.id"],
            name="fk_admin_domains_admin_id_admins",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["domains.id"],
            name="fk_admin_domains_domain_id_domains",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("actor", sa.String(ADDRESS), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(ADDRESS), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("details", JsonText, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_index("ix_audit_events_actor_id", "audit_events", ["actor", "id"])
    op.create_index("ix_audit_events_target_id", "audit_events", ["target", "id"])
    op.create_index("ix_audit_events_action_id", "audit_events", ["action", "id"])
    op.create_table(
        "login_failures",
        sa.Column("scope", sa.String(16)),
        sa.Column("key", sa.String(ADDRESS)),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure_at", UtcDateTime, nullable=False),
        sa.Column("locked_until", UtcDateTime),
        sa.PrimaryKeyConstraint("scope", "key", name="pk_login_failures"),
    )


def downgrade() -> None:
    for table in (
        "login_failures",
        "audit_events",
        "admin_domains",
        "admins",
        "alias_destinations",
        "aliases",
        "password_history",
        "mailboxes",
        "domains",
    ):
        op.drop_table(table)
