"""Admin role grants in SQL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.model.admins import Admin, Role
from mailwright.model.errors import Conflict, NotFound
from mailwright.storage.sql.tables import admin_domains, admins
from mailwright.storage.sql.tables import domains as domain_table


class SqlAdminRepository:
    """Implements ``AdminRepository``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(
        self, address: str, role: Role, domains: frozenset[str], created_at: datetime
    ) -> Admin:
        try:
            row = (
                await self._c.execute(
                    insert(admins)
                    .values(address=address, role=role.value, created_at=created_at)
                    .returning(admins.c.id)
                )
            ).one()
        except IntegrityError:
            raise Conflict(f"{address} holds an admin role already.") from None
        if domains:
            ids = (
                await self._c.execute(
                    select(domain_table.c.id).where(domain_table.c.name.in_(sorted(domains)))
                )
            ).scalars()
            await self._c.execute(
                insert(admin_domains), [{"admin_id": row.id, "domain_id": i} for i in ids]
            )
        return Admin(row.id, address, role, domains, created_at)

    async def _load(self, rows: Sequence[Any]) -> list[Admin]:
        if not rows:
            return []
        scopes: dict[int, set[str]] = defaultdict(set)
        statement = (
            select(admin_domains.c.admin_id, domain_table.c.name)
            .join(domain_table, domain_table.c.id == admin_domains.c.domain_id)
            .where(admin_domains.c.admin_id.in_([r.id for r in rows]))
        )
        for scope in (await self._c.execute(statement)).all():
            scopes[scope.admin_id].add(scope.name)
        return [
            Admin(r.id, r.address, Role(r.role), frozenset(scopes[r.id]), r.created_at)
            for r in rows
        ]

    async def find_by_address(self, address: str) -> Admin | None:
        rows = (await self._c.execute(select(admins).where(admins.c.address == address))).all()
        found = await self._load(rows)
        return found[0] if found else None

    async def list_all(self) -> list[Admin]:
        rows = (await self._c.execute(select(admins).order_by(admins.c.address))).all()
        return await self._load(rows)

    async def delete(self, admin_id: int) -> None:
        await self._c.execute(delete(admin_domains).where(admin_domains.c.admin_id == admin_id))
        result = await self._c.execute(delete(admins).where(admins.c.id == admin_id))
        if result.rowcount == 0:
            raise NotFound("The admin does not exist.")
