"""Recovery links and recovery requests in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.model.recovery import LinkPurpose, RecoveryLink
from mailwright.storage.sql.recovery_tables import recovery_links, recovery_requests


def _link(row: Any) -> RecoveryLink:
    return RecoveryLink(
        id=row.id,
        purpose=LinkPurpose(row.purpose),
        mailbox_id=row.mailbox_id,
        address=row.address,
        recipient=row.recipient,
        binding=row.binding,
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_at=row.used_at,
        source=row.source,
    )


class SqlRecoveryRepository:
    """Implements ``RecoveryRepository``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add_link(
        self,
        token_digest: str,
        purpose: LinkPurpose,
        *,
        mailbox_id: int,
        address: str,
        recipient: str,
        binding: str,
        created_at: datetime,
        expires_at: datetime,
        source: str,
    ) -> RecoveryLink:
        statement = (
            insert(recovery_links)
            .values(
                token_digest=token_digest,
                purpose=purpose.value,
                mailbox_id=mailbox_id,
                address=address,
                recipient=recipient,
                binding=binding,
                created_at=created_at,
                expires_at=expires_at,
                source=source,
            )
            .returning(*recovery_links.c)
        )
        return _link((await self._c.execute(statement)).one())

    async def find_link(self, token_digest: str) -> RecoveryLink | None:
        statement = select(recovery_links).where(recovery_links.c.token_digest == token_digest)
        row = (await self._c.execute(statement)).first()
        return None if row is None else _link(row)

    async def use_link(self, link_id: int, at: datetime) -> bool:
        # Conditional on used_at IS NULL: of two concurrent uses, exactly one updates the row.
        result = await self._c.execute(
            update(recovery_links)
            .where(recovery_links.c.id == link_id, recovery_links.c.used_at.is_(None))
            .values(used_at=at)
        )
        return int(result.rowcount) == 1

    async def forget_links(self, expired_before: datetime) -> int:
        result = await self._c.execute(
            delete(recovery_links).where(recovery_links.c.expires_at < expired_before)
        )
        return int(result.rowcount)

    async def add_request(self, address: str, source: str, at: datetime) -> None:
        await self._c.execute(
            insert(recovery_requests).values(address=address, source=source, requested_at=at)
        )

    async def request_times(
        self,
        *,
        since: datetime,
        address: str | None = None,
        source: str | None = None,
        limit: int = 100,
    ) -> list[datetime]:
        statement = select(recovery_requests.c.requested_at).where(
            recovery_requests.c.requested_at > since
        )
        if address is not None:
            statement = statement.where(recovery_requests.c.address == address)
        if source is not None:
            statement = statement.where(recovery_requests.c.source == source)
        statement = statement.order_by(recovery_requests.c.requested_at).limit(limit)
        return list((await self._c.execute(statement)).scalars())

    async def forget_requests(self, before: datetime) -> int:
        result = await self._c.execute(
            delete(recovery_requests).where(recovery_requests.c.requested_at < before)
        )
        return int(result.rowcount)
