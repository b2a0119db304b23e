"""Domains in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.model.domains import Domain, DomainSummary
from mailwright.model.errors import Conflict, NotFound
from mailwright.storage.sql.tables import aliases, domains, mailboxes


def _domain(row: Any) -> Domain:
    return Domain(
        id=row.id,
        name=row.name,
        it_notification_address=row.it_notification_address,
        password_min_length=row.password_min_length,
        password_min_score=row.password_min_score,
        default_quota_bytes=row.default_quota_bytes,
        created_at=row.created_at,
    )


class SqlDomainRepository:
    """Implements ``DomainRepository``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(
        self,
        name: str,
        *,
        it_notification_address: str | None,
        default_quota_bytes: int | None,
        created_at: datetime,
    ) -> Domain:
        statement = (
            insert(domains)
            .values(
                name=name,
                it_notification_address=it_notification_address,
                default_quota_bytes=default_quota_bytes,
                created_at=created_at,
            )
            .returning(*domains.c)
        )
        try:
            row = (await self._c.execute(statement)).one()
        except IntegrityError:
            raise Conflict(f"The domain {name} exists already.") from None
        return _domain(row)

    async def find_by_name(self, name: str) -> Domain | None:
        row = (await self._c.execute(select(domains).where(domains.c.name == name))).first()
        return None if row is None else _domain(row)

    async def find_by_id(self, domain_id: int) -> Domain | None:
        row = (await self._c.execute(select(domains).where(domains.c.id == domain_id))).first()
        return None if row is None else _domain(row)

    async def list_all(self) -> list[DomainSummary]:
        mailbox_count = (
            select(func.count()).where(mailboxes.c.domain_id == domains.c.id).scalar_subquery()
        )
        alias_count = (
            select(func.count()).where(aliases.c.domain_id == domains.c.id).scalar_subquery()
        )
        statement = select(domains, mailbox_count.label("mc"), alias_count.label("ac")).order_by(
            domains.c.name
        )
        rows = (await self._c.execute(statement)).all()
        return [DomainSummary(_domain(r), r.mc, r.ac) for r in rows]

    async def update(self, domain: Domain) -> Domain:
        result = await self._c.execute(
            update(domains)
            .where(domains.c.id == domain.id)
            .values(
                it_notification_address=domain.it_notification_address,
                password_min_length=domain.password_min_length,
                password_min_score=domain.password_min_score,
                default_quota_bytes=domain.default_quota_bytes,
            )
        )
        if result.rowcount == 0:
            raise NotFound(f"The domain {domain.name} does not exist.")
        return domain

    async def delete(self, domain_id: int) -> None:
        try:
            result = await self._c.execute(delete(domains).where(domains.c.id == domain_id))
        except IntegrityError:
            raise Conflict("The domain still has mailboxes or aliases.") from None
        if result.rowcount == 0:
            raise NotFound("The domain does not exist.")
