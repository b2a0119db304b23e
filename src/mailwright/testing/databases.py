"""Throwaway databases for tests: a fresh SQLite file, or a PostgreSQL database cloned from a
template that was migrated once (``CREATE DATABASE ... TEMPLATE`` takes milliseconds)."""

from __future__ import annotations

import itertools
import os
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from mailwright.storage.sql.database import SqlDatabase

POSTGRES_ENV = "MAILWRIGHT_TEST_POSTGRES_URL"
_counter = itertools.count()


def postgres_admin_url() -> str | None:
    """The PostgreSQL server for tests (a ``postgresql://`` URL to a maintenance database)."""
    return os.environ.get(POSTGRES_ENV) or None


def _with_database(url: str, name: str, driver: str = "postgresql") -> str:
    parts = urlsplit(url)
    return urlunsplit((driver, parts.netloc, "/" + name, parts.query, parts.fragment))


class PostgresTemplates:
    """Creates one migrated template database per test run and clones it per test."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = _with_database(
            admin_url, urlsplit(admin_url).path.lstrip("/") or "postgres"
        )
        self.template = f"mw_template_{os.getpid()}"
        self._ready = False

    async def _admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(self.admin_url)

    async def _prepare(self) -> None:
        if self._ready:
            return
        connection = await self._admin()
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
            await connection.execute(f'CREATE DATABASE "{self.template}"')
        finally:
            await connection.close()
        database = SqlDatabase(_with_database(self.admin_url, self.template, "postgresql+asyncpg"))
        await database.migrate()
        await database.close()
        self._ready = True

    async def create(self) -> str:
        """A new migrated database; returns its SQLAlchemy URL."""
        await self._prepare()
        name = f"mw_test_{os.getpid()}_{next(_counter)}"
        connection = await self._admin()
        try:
            await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        finally:
            await connection.close()
        return _with_database(self.admin_url, name, "postgresql+asyncpg")

    async def drop(self, url: str) -> None:
        """Remove a database made by ``create``."""
        name = urlsplit(url).path.lstrip("/")
        connection = await self._admin()
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()

    async def cleanup(self) -> None:
        """Remove the template."""
        if not self._ready:
            return
        connection = await self._admin()
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        finally:
            await connection.close()
