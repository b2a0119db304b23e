"""Alembic migrations produce exactly the tables the code uses."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from mailwright.storage.sql.database import MIGRATIONS, SCHEMA_REVISION, SqlDatabase
from mailwright.storage.sql.schema import metadata


def test_schema_revision_is_alembic_head() -> None:
    """The fast up-to-date check compares against the real newest migration."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_REVISION


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": False})
    return list(compare_metadata(context, metadata))


async def test_migrations_match_tables(database_url: str, tmp_path: Path) -> None:
    """After migrating, autogenerate finds nothing left to change (SQLite and PostgreSQL)."""
    database = SqlDatabase(database_url)
    await database.migrate()
    await database.migrate()
    assert await database.schema_revision() == SCHEMA_REVISION
    async with database.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    await database.close()
    assert differences == []
