"""Every table, for Alembic and the migration tests: importing this registers them all."""

from __future__ import annotations

from mailwright.storage.sql import (
    delivery_tables,
    mail_tables,
    recovery_tables,
    sending_tables,
    web_tables,
)
from mailwright.storage.sql.tables import metadata

__all__ = [
    "delivery_tables",
    "mail_tables",
    "metadata",
    "recovery_tables",
    "sending_tables",
    "web_tables",
]
