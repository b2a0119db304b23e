"""Web sessions in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.model.sessions import Session, SessionRealm
from mailwright.storage.sql.web_tables import sessions


def _session(row: Any) -> Session:
    return Session(
        id=row.id,
        realm=SessionRealm(row.realm),
        address=row.address,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
        source=row.source,
        user_agent=row.user_agent,
        revoked_at=row.revoked_at,
    )


class SqlSessionRepository:
    """Implements ``SessionRepository``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(
        self,
        token_digest: str,
        realm: SessionRealm,
        address: str,
        *,
        created_at: datetime,
        expires_at: datetime,
        source: str,
        user_agent: str,
    ) -> Session:
        statement = (
            insert(sessions)
            .values(
                token_digest=token_digest,
                realm=realm.value,
                address=address,
                created_at=created_at,
                last_seen_at=created_at,
                expires_at=expires_at,
                source=source,
                user_agent=user_agent[:500],
            )
            .returning(*sessions.c)
        )
        return _session((await self._c.execute(statement)).one())

    async def find_by_digest(self, token_digest: str) -> Session | None:
        statement = select(sessions).where(sessions.c.token_digest == token_digest)
        row = (await self._c.execute(statement)).first()
        return None if row is None else _session(row)

    async def find_by_id(self, session_id: int) -> Session | None:
        row = (await self._c.execute(select(sessions).where(sessions.c.id == session_id))).first()
        return None if row is None else _session(row)

    async def touch(self, session_id: int, at: datetime, expires_at: datetime) -> None:
        await self._c.execute(
            update(sessions)
            .where(sessions.c.id == session_id)
            .values(last_seen_at=at, expires_at=expires_at)
        )

    async def revoke(self, session_id: int, at: datetime) -> None:
        await self._c.execute(
            update(sessions)
            .where(sessions.c.id == session_id, sessions.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    async def revoke_all(
        self,
        address: str,
        at: datetime,
        *,
        realm: SessionRealm | None = None,
        keep: int | None = None,
    ) -> int:
        statement = update(sessions).where(
            sessions.c.address == address, sessions.c.revoked_at.is_(None)
        )
        if realm is not None:
            statement = statement.where(sessions.c.realm == realm.value)
        if keep is not None:
            statement = statement.where(sessions.c.id != keep)
        result = await self._c.execute(statement.values(revoked_at=at))
        return int(result.rowcount)

    async def list_live(self, address: str, realm: SessionRealm, now: datetime) -> list[Session]:
        statement = (
            select(sessions)
            .where(
                sessions.c.address == address,
                sessions.c.realm == realm.value,
                sessions.c.revoked_at.is_(None),
                sessions.c.expires_at > now,
            )
            .order_by(sessions.c.last_seen_at.desc())
        )
        return [_session(r) for r in (await self._c.execute(statement)).all()]
