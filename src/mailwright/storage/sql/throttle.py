"""Failed-login counters in SQL."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.model.authentication import LoginFailures, ThrottleScope
from mailwright.storage.sql.tables import login_failures


class SqlThrottleRepository:
    """Implements ``ThrottleRepository``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def find(self, scope: ThrottleScope, key: str) -> LoginFailures | None:
        statement = select(login_failures).where(
            login_failures.c.scope == scope.value, login_failures.c.key == key
        )
        row = (await self._c.execute(statement)).first()
        if row is None:
            return None
        return LoginFailures(scope, key, row.failures, row.last_failure_at, row.locked_until)

    async def save(self, failures: LoginFailures) -> None:
        values = {
            "scope": failures.scope.value,
            "key": failures.key,
            "failures": failures.failures,
            "last_failure_at": failures.last_failure_at,
            "locked_until": failures.locked_until,
        }
        changes = {k: values[k] for k in ("failures", "last_failure_at", "locked_until")}
        if self._c.dialect.name == "postgresql":
            pg = postgresql.insert(login_failures).values(values)
            await self._c.execute(
                pg.on_conflict_do_update(index_elements=["scope", "key"], set_=changes)
            )
            return
        lite = sqlite.insert(login_failures).values(values)
        await self._c.execute(
            lite.on_conflict_do_update(index_elements=["scope", "key"], set_=changes)
        )

    async def clear(self, scope: ThrottleScope, key: str) -> None:
        await self._c.execute(
            delete(login_failures).where(
                login_failures.c.scope == scope.value, login_failures.c.key == key
            )
        )
