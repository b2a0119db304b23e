"""Every table, for Alembic and the migration tests: importing this registers them all."""

from __future__ import annotations

from mailwright.storage.sql import web_tables
from mailwright.storage.sql.tables import metadata

__all__ = ["metadata", "web_tables"]
