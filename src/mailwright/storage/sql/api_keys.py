"""API keys in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.model.api_keys import ApiKey, ApiKeyScope
from mailwright.model.errors import Conflict, NotFound
from mailwright.storage.sql.web_tables import api_keys


def _key(row: Any) -> ApiKey:
    return ApiKey(
        id=row.id,
        prefix=row.prefix,
        digest=row.digest,
        name=row.name,
        admin_address=row.admin_address,
        scope=ApiKeyScope(row.scope),
        sandbox=bool(row.sandbox),
        domains=frozenset(row.domains),
        created_at=row.created_at,
        created_by=row.created_by,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


class SqlApiKeyRepository:
    """Implements ``ApiKeyRepository``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(
        self,
        *,
        prefix: str,
        digest: str,
        name: str,
        admin_address: str,
        scope: ApiKeyScope,
        sandbox: bool,
        domains: frozenset[str],
        created_at: datetime,
        created_by: str,
    ) -> ApiKey:
        statement = (
            insert(api_keys)
            .values(
                prefix=prefix,
                digest=digest,
                name=name,
                admin_address=admin_address,
                scope=scope.value,
                sandbox=sandbox,
                domains=sorted(domains),
                created_at=created_at,
                created_by=created_by,
            )
            .returning(*api_keys.c)
        )
        try:
            return _key((await self._c.execute(statement)).one())
        except IntegrityError:
            raise Conflict("An API key with this prefix exists; try again.") from None

    async def find_by_prefix(self, prefix: str) -> ApiKey | None:
        row = (await self._c.execute(select(api_keys).where(api_keys.c.prefix == prefix))).first()
        return None if row is None else _key(row)

    async def list_keys(self, admin_address: str | None = None) -> list[ApiKey]:
        statement = select(api_keys).order_by(api_keys.c.created_at.desc(), api_keys.c.id.desc())
        if admin_address is not None:
            statement = statement.where(api_keys.c.admin_address == admin_address)
        return [_key(r) for r in (await self._c.execute(statement)).all()]

    async def touch(self, key_id: int, at: datetime) -> None:
        await self._c.execute(
            update(api_keys).where(api_keys.c.id == key_id).values(last_used_at=at)
        )

    async def revoke(self, key_id: int, at: datetime) -> None:
        result = await self._c.execute(
            update(api_keys)
            .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        if result.rowcount == 0:
            raise NotFound("The API key does not exist or is revoked already.")
