"""Aliases in SQL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.model.aliases import Alias
from mailwright.model.errors import Conflict, NotFound
from mailwright.storage.sql.tables import alias_destinations, aliases
from mailwright.storage.sql.tables import domains as domain_table


class SqlAliasRepository:
    """Implements ``AliasRepository``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(
        self, domain_id: int, source: str, destinations: Sequence[str], created_at: datetime
    ) -> Alias:
        try:
            row = (
                await self._c.execute(
                    insert(aliases)
                    .values(domain_id=domain_id, source=source, created_at=created_at)
                    .returning(*aliases.c)
                )
            ).one()
            await self._c.execute(
                insert(alias_destinations),
                [
                    {"alias_id": row.id, "destination": d, "position": i}
                    for i, d in enumerate(destinations)
                ],
            )
        except IntegrityError:
            raise Conflict(f"The alias {source} exists already.") from None
        return Alias(row.id, domain_id, source, tuple(destinations), created_at)

    async def _load(self, rows: Sequence[Any]) -> list[Alias]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        targets: dict[int, list[str]] = defaultdict(list)
        statement = (
            select(alias_destinations)
            .where(alias_destinations.c.alias_id.in_(ids))
            .order_by(alias_destinations.c.alias_id, alias_destinations.c.position)
        )
        for d in (await self._c.execute(statement)).all():
            targets[d.alias_id].append(d.destination)
        return [
            Alias(r.id, r.domain_id, r.source, tuple(targets[r.id]), r.created_at) for r in rows
        ]

    async def find_by_source(self, source: str) -> Alias | None:
        rows = (await self._c.execute(select(aliases).where(aliases.c.source == source))).all()
        found = await self._load(rows)
        return found[0] if found else None

    async def list_all(self, domains: frozenset[str] | None = None) -> list[Alias]:
        statement = select(aliases).order_by(aliases.c.source)
        if domains is not None:
            ids = select(domain_table.c.id).where(domain_table.c.name.in_(sorted(domains)))
            statement = statement.where(aliases.c.domain_id.in_(ids))
        return await self._load((await self._c.execute(statement)).all())

    async def list_for_destination(self, destination: str) -> list[Alias]:
        ids = select(alias_destinations.c.alias_id).where(
            alias_destinations.c.destination == destination
        )
        statement = select(aliases).where(aliases.c.id.in_(ids)).order_by(aliases.c.source)
        return await self._load((await self._c.execute(statement)).all())

    async def delete(self, alias_id: int) -> None:
        await self._c.execute(
            delete(alias_destinations).where(alias_destinations.c.alias_id == alias_id)
        )
        result = await self._c.execute(delete(aliases).where(aliases.c.id == alias_id))
        if result.rowcount == 0:
            raise NotFound("The alias does not exist.")
