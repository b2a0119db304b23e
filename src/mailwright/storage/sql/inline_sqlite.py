"""SQLite driven inline on the event loop, behind the asyncio driver API SQLAlchemy expects.

Why: an SQLite statement takes microseconds, while aiosqlite hands every call to a worker
thread and back, which costs 100-500 microseconds per statement (measured: 2.8 us inline
against 250-500 us through aiosqlite). Mail delivery runs a handful of statements per message,
so the thread hops, not SQLite, were the limit. Running sqlite3 calls directly is safe for
an embedded database: writers within the process queue on an asyncio lock (see
``database.py``), the busy timeout is kept short and a locked database is retried by awaiting,
so the loop never sleeps inside SQLite; only COMMIT's fsync (well under a millisecond,
shared by a whole group commit) blocks it.

This module mimics the small part of ``aiosqlite`` that SQLAlchemy's aiosqlite dialect uses,
and registers the dialect as ``sqlite+mailwright``.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Generator, Iterable, Sequence
from sqlite3 import (
    DatabaseError,
    Error,
    IntegrityError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    sqlite_version,
    sqlite_version_info,
)
from types import ModuleType
from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
)

__version__ = "1.0"
DRIVER = "mailwright"
__all__ = [
    "Connection",
    "DatabaseError",
    "Error",
    "InlineSQLiteDialect",
    "IntegrityError",
    "NotSupportedError",
    "OperationalError",
    "ProgrammingError",
    "connect",
    "sqlite_version",
    "sqlite_version_info",
]


class Cursor:
    """An sqlite3 cursor with coroutine methods that complete at once."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> Cursor:
        self._cursor.execute(sql, parameters or ())
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> Cursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size or self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    async def nextset(self) -> None:
        return None

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _CursorOpener:
    """What ``Connection.cursor()`` returns: awaitable and an async context manager."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __await__(self) -> Generator[Any, None, Cursor]:
        return self.__aenter__().__await__()

    async def __aenter__(self) -> Cursor:
        return Cursor(self._connection.cursor())

    async def __aexit__(self, *exc: object) -> None:
        return None


class _NoThread:
    """SQLAlchemy marks aiosqlite's worker thread as a daemon; there is none here."""

    daemon = True


class _RunNow:
    """Stands in for aiosqlite's request queue: runs the function at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Any]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:
            future.set_exception(error)


class Connection:
    """An sqlite3 connection with aiosqlite's coroutine API."""

    def __init__(self, database: str, **kwargs: Any) -> None:
        self._database = database
        self._kwargs = kwargs
        self._conn: sqlite3.Connection | None = None
        self._thread = _NoThread()
        self._tx = _RunNow()

    def __await__(self) -> Generator[Any, None, Connection]:
        return self._open().__await__()

    async def _open(self) -> Connection:
        options = {**self._kwargs, "check_same_thread": False}
        self._conn = sqlite3.connect(self._database, **options)
        return self

    @property
    def _connection(self) -> sqlite3.Connection | None:
        return self._conn

    def _live(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError("no active connection")
        return self._conn

    @property
    def native(self) -> sqlite3.Connection:
        """The sqlite3 connection itself (for ``sqlite_direct``)."""
        return self._live()

    @property
    def isolation_level(self) -> str | None:
        return self._live().isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._live().isolation_level = value  # type: ignore[assignment]

    def cursor(self) -> _CursorOpener:
        return _CursorOpener(self._live())

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> Cursor:
        return await Cursor(self._live().cursor()).execute(sql, parameters)

    async def commit(self) -> None:
        self._live().commit()

    async def rollback(self) -> None:
        self._live().rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._live().create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def connect(database: str, **kwargs: Any) -> Connection:
    """Like ``aiosqlite.connect``: returns a connection to await."""
    return Connection(database, **kwargs)


class InlineSQLiteDialect(SQLiteDialect_aiosqlite):
    """SQLAlchemy's aiosqlite dialect over this module (``sqlite+mailwright://``)."""

    driver = DRIVER
    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> AsyncAdapt_aiosqlite_dbapi:
        import sys

        module: ModuleType = sys.modules[__name__]
        return AsyncAdapt_aiosqlite_dbapi(module, sqlite3)


registry.register(f"sqlite.{DRIVER}", __name__, "InlineSQLiteDialect")
