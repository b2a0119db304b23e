"""Usage counters in SQL (one upsert per change)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.model.usage import UsageRow
from mailwright.storage.sql.sending_tables import usage_counters


class SqlUsageRepository:
    """Implements ``UsageRepository``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(
        self,
        month: str,
        api_key_prefix: str,
        domain: str,
        *,
        accepted: int = 0,
        delivered: int = 0,
    ) -> None:
        values = {
            "month": month,
            "api_key_prefix": api_key_prefix,
            "domain": domain,
            "accepted": accepted,
            "delivered": delivered,
        }
        c = usage_counters.c
        changes = {"accepted": c.accepted + accepted, "delivered": c.delivered + delivered}
        keys = ["month", "api_key_prefix", "domain"]
        if self._c.dialect.name == "postgresql":
            pg = postgresql.insert(usage_counters).values(values)
            await self._c.execute(pg.on_conflict_do_update(index_elements=keys, set_=changes))
            return
        lite = sqlite.insert(usage_counters).values(values)
        await self._c.execute(lite.on_conflict_do_update(index_elements=keys, set_=changes))

    async def list_rows(
        self,
        *,
        month: str | None = None,
        api_key_prefix: str | None = None,
        domain: str | None = None,
    ) -> list[UsageRow]:
        c = usage_counters.c
        statement = select(usage_counters).order_by(c.month.desc(), c.domain, c.api_key_prefix)
        if month is not None:
            statement = statement.where(c.month == month)
        if api_key_prefix is not None:
            statement = statement.where(c.api_key_prefix == api_key_prefix)
        if domain is not None:
            statement = statement.where(c.domain == domain)
        return [
            UsageRow(r.month, r.api_key_prefix, r.domain, int(r.accepted), int(r.delivered))
            for r in (await self._c.execute(statement)).all()
        ]
