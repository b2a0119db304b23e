"""The SQL database: engine, connection settings, migrations and transactions.

SQLite (the embedded default) runs in WAL mode with ``synchronous=FULL`` so a committed
transaction survives power loss, not just a crash; write transactions start with
``BEGIN IMMEDIATE`` so two writers never deadlock upgrading read locks, and within one process
writers queue on an asyncio lock instead of SQLite's sleeping busy handler.
PostgreSQL runs at READ COMMITTED; code that allocates sequence numbers locks the row it bumps.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from mailwright.storage.sql import inline_sqlite
from mailwright.storage.sql.sqlite_direct import native_sqlite
from mailwright.storage.sql.transaction import SqlTransaction

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# The newest migration; ``tests/unit/storage/test_migrations.py`` keeps it equal to Alembic's head.
SCHEMA_REVISION = "0006"
# SQLite waits at most this long inside a statement for another process's lock (it blocks the
# event loop while it waits); BEGIN IMMEDIATE retries by awaiting for up to LOCK_WAIT_SECONDS.
BUSY_TIMEOUT_SECONDS = 0.05
LOCK_WAIT_SECONDS = 30.0
_MODE = "mailwright_mode"


class SqlDatabase:
    """Implements ``model.interfaces.Database`` over SQLAlchemy (SQLite or PostgreSQL)."""

    def __init__(self, url: str, *, pool_size: int = 10, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        options: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            # Our inline driver instead of aiosqlite (see inline_sqlite.py for the measurements).
            url = url.replace("sqlite+aiosqlite://", f"sqlite+{inline_sqlite.DRIVER}://", 1)
            options["connect_args"] = {"timeout": BUSY_TIMEOUT_SECONDS}
        else:
            options.update(pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
        self.engine: AsyncEngine = create_async_engine(url, **options)
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        self._writer: tuple[AsyncConnection, sqlite3.Connection] | None = None
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_on_connect)
            event.listen(self.engine.sync_engine, "begin", _sqlite_on_begin)

    async def migrate(self) -> None:
        """Bring the schema to the newest migration (idempotent; cheap when up to date)."""
        if await self.schema_revision() == SCHEMA_REVISION:
            return
        async with self.engine.begin() as connection:
            await connection.run_sync(_upgrade)

    async def schema_revision(self) -> str | None:
        """The migration the database is at, or None for an empty database."""
        try:
            async with self._connect("read") as connection:
                result = await connection.execute(text("SELECT version_num FROM alembic_version"))
                return result.scalar_one_or_none()
        except DBAPIError:
            return None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqlTransaction]:
        """A read-write transaction: commits on normal exit, rolls back on an exception."""
        if self._write_lock is None:
            async with self.engine.begin() as connection:
                yield SqlTransaction(connection)
            return
        async with self._write_lock:
            connection, native = await self._writer_connection()
            await _begin_when_unlocked(native)
            try:
                await connection.begin()
                yield SqlTransaction(connection, direct=True)
            except BaseException:
                await connection.rollback()
                raise
            try:
                await connection.commit()
            except BaseException:
                # Whatever state SQLite was left in, the next writer starts on a fresh connection.
                self._writer = None
                with contextlib.suppress(Exception):
                    await connection.rollback()
                    await connection.close()
                raise

    async def _writer_connection(self) -> tuple[AsyncConnection, sqlite3.Connection]:
        """SQLite's one write connection, kept open: writers queue on the lock anyway, and a
        pool checkout plus SQLAlchemy's BEGIN cost more than the delivery statements. The
        connection runs in "autocommit" mode for SQLAlchemy (no BEGIN of its own): the
        transaction is opened here with BEGIN IMMEDIATE and ended by SQLAlchemy's commit or
        rollback, which the driver passes to SQLite."""
        if self._writer is None:
            connection = await self.engine.connect()
            await connection.execution_options(**{_MODE: "autocommit"})
            self._writer = connection, native_sqlite(connection.sync_connection)
        return self._writer

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[SqlTransaction]:
        """A read-only transaction; always rolled back."""
        async with self._connect("read") as connection:
            transaction = await connection.begin()
            try:
                yield SqlTransaction(connection, direct=self.is_sqlite)
            finally:
                await transaction.rollback()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqlTransaction]:
        """Reads without a transaction around them: each statement sees committed data of
        its own moment. For hot single lookups (RCPT checks), where BEGIN and ROLLBACK
        would double the cost."""
        async with self._connect("autocommit") as connection:
            if not self.is_sqlite:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
            yield SqlTransaction(connection, direct=self.is_sqlite)

    @asynccontextmanager
    async def _connect(self, mode: str) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as connection:
            await connection.execution_options(**{_MODE: mode})
            yield connection

    async def close(self) -> None:
        """Close every pooled connection."""
        if self._writer is not None:
            connection, _ = self._writer
            self._writer = None
            await connection.close()
        await self.engine.dispose()


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from the driver: _sqlite_on_begin issues BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=FULL",
        "foreign_keys=ON",
        f"busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}",
        "cache_size=-32000",
        "mmap_size=268435456",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(_MODE, "write")
    if mode == "autocommit":
        return
    connection.exec_driver_sql("BEGIN" if mode == "read" else "BEGIN IMMEDIATE")


async def _begin_when_unlocked(native: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting (without blocking the loop) while another process writes."""
    delay = 0.002
    deadline = asyncio.get_running_loop().time() + LOCK_WAIT_SECONDS
    while True:
        try:
            native.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or asyncio.get_running_loop().time() > deadline:
                raise OperationalError("BEGIN IMMEDIATE", None, error) from error
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.1)


def _upgrade(connection: Connection) -> None:
    # Alembic is imported only when there is something to migrate: it costs half a second.
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases."""
    prefix = "sqlite+aiosqlite:///"
    return Path(url[len(prefix) :]) if url.startswith(prefix) else None
