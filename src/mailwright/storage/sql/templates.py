"""Message templates in SQL: every version of a name is a row; the newest is the template."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.model.errors import Conflict
from mailwright.model.sending import Template
from mailwright.storage.sql.sending_tables import templates


def _template(row: Any) -> Template:
    return Template(
        id=row.id,
        name=row.name,
        version=row.version,
        subject=row.subject,
        text=row.text,
        html=row.html,
        created_at=row.created_at,
        created_by=row.created_by,
    )


class SqlTemplateRepository:
    """Implements ``TemplateRepository``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(
        self,
        name: str,
        *,
        subject: str,
        text: str | None,
        html: str | None,
        created_at: datetime,
        created_by: str,
    ) -> Template:
        t = templates.c
        newest = select(func.max(t.version)).where(t.name == name)
        version = int((await self._c.execute(newest)).scalar_one() or 0) + 1
        statement = (
            insert(templates)
            .values(
                name=name,
                version=version,
                subject=subject,
                text=text,
                html=html,
                created_at=created_at,
                created_by=created_by,
            )
            .returning(templates)
        )
        try:
            # A savepoint, so a lost race leaves the caller's transaction usable.
            async with self._c.begin_nested():
                row = (await self._c.execute(statement)).one()
        except IntegrityError:
            raise Conflict(
                f"Another version of the template {name} was saved at the same time; try again."
            ) from None
        return _template(row)

    async def find(self, name: str, version: int | None = None) -> Template | None:
        t = templates.c
        statement = select(templates).where(t.name == name)
        if version is None:
            statement = statement.order_by(t.version.desc()).limit(1)
        else:
            statement = statement.where(t.version == version)
        row = (await self._c.execute(statement)).first()
        return None if row is None else _template(row)

    async def list_latest(self, *, after: str | None = None, limit: int = 100) -> list[Template]:
        t = templates.c
        newest = (
            select(templates.c.name, func.max(t.version).label("version"))
            .group_by(t.name)
            .subquery()
        )
        statement = (
            select(templates)
            .join(newest, (newest.c.name == t.name) & (newest.c.version == t.version))
            .order_by(t.name)
            .limit(limit)
        )
        if after is not None:
            statement = statement.where(t.name > after)
        return [_template(row) for row in (await self._c.execute(statement)).all()]

    async def list_versions(self, name: str) -> list[Template]:
        t = templates.c
        statement = select(templates).where(t.name == name).order_by(t.version.desc())
        return [_template(row) for row in (await self._c.execute(statement)).all()]

    async def delete(self, name: str, version: int | None = None) -> int:
        t = templates.c
        statement = delete(templates).where(t.name == name)
        if version is not None:
            statement = statement.where(t.version == version)
        return int((await self._c.execute(statement)).rowcount)
