"""Mailboxes and password history in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.model.authentication import LoginProtocol
from mailwright.model.errors import Conflict, NotFound
from mailwright.model.mailboxes import Mailbox, MailboxQuery, MailboxSort, NewMailbox
from mailwright.storage.sql.sqlite_direct import DirectSqlite
from mailwright.storage.sql.tables import domains, mailboxes, password_history

_SORT_COLUMNS = {
    MailboxSort.ADDRESS: mailboxes.c.address,
    MailboxSort.DISPLAY_NAME: mailboxes.c.display_name,
    MailboxSort.CREATED: mailboxes.c.created_at,
}
_LOGIN_COLUMNS = {
    LoginProtocol.IMAP: "last_imap_login_at",
    LoginProtocol.SMTP: "last_smtp_login_at",
}
# Escape for LIKE patterns, so a search for "a_b" does not match "axb".
_LIKE_ESCAPE = "\\"


# Built once: it runs for every delivered message.
_ADD_USED_BYTES = (
    update(mailboxes)
    .where(mailboxes.c.id == bindparam("b_id"))
    .values(used_bytes=mailboxes.c.used_bytes + bindparam("b_delta"))
)


def _mailbox(row: Any) -> Mailbox:
    return Mailbox(
        id=row.id,
        domain_id=row.domain_id,
        address=row.address,
        display_name=row.display_name,
        password_hash=row.password_hash,
        must_change=bool(row.must_change),
        password_changed_at=row.password_changed_at,
        disabled=bool(row.disabled),
        quota_bytes=row.quota_bytes,
        used_bytes=row.used_bytes,
        recovery_address=row.recovery_address,
        last_imap_login_at=row.last_imap_login_at,
        last_smtp_login_at=row.last_smtp_login_at,
        created_at=row.created_at,
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


class SqlMailboxRepository:
    """Implements ``MailboxRepository``."""

    def __init__(self, connection: AsyncConnection, direct: DirectSqlite | None = None) -> None:
        self._c = connection
        self._direct = direct

    async def add(self, new: NewMailbox) -> Mailbox:
        statement = insert(mailboxes).values(**asdict(new)).returning(*mailboxes.c)
        try:
            row = (await self._c.execute(statement)).one()
        except IntegrityError:
            raise Conflict(f"The mailbox {new.address} exists already.") from None
        await self._c.execute(
            insert(password_history).values(
                mailbox_id=row.id, password_hash=new.password_hash, created_at=new.created_at
            )
        )
        return _mailbox(row)

    async def add_many(self, new: Sequence[NewMailbox]) -> dict[str, int]:
        if not new:
            return {}
        try:
            await self._c.execute(insert(mailboxes), [asdict(n) for n in new])
        except IntegrityError:
            raise Conflict("One of the mailboxes exists already.") from None
        rows = await self._c.execute(
            select(mailboxes.c.address, mailboxes.c.id).where(
                mailboxes.c.address.in_([n.address for n in new])
            )
        )
        ids = {address: mailbox_id for address, mailbox_id in rows}
        await self._c.execute(
            insert(password_history),
            [
                {
                    "mailbox_id": ids[n.address],
                    "password_hash": n.password_hash,
                    "created_at": n.created_at,
                }
                for n in new
            ],
        )
        return ids

    async def find_by_address(self, address: str) -> Mailbox | None:
        statement = select(mailboxes).where(mailboxes.c.address == address)
        row = (await self._c.execute(statement)).first()
        return None if row is None else _mailbox(row)

    async def find_by_id(self, mailbox_id: int) -> Mailbox | None:
        statement = select(mailboxes).where(mailboxes.c.id == mailbox_id)
        row = (await self._c.execute(statement)).first()
        return None if row is None else _mailbox(row)

    def _filtered(self, statement: Select[Any], query: MailboxQuery) -> Select[Any]:
        conditions: list[ColumnElement[bool]] = []
        if query.domains is not None:
            domain_ids = select(domains.c.id).where(domains.c.name.in_(sorted(query.domains)))
            conditions.append(mailboxes.c.domain_id.in_(domain_ids))
        if query.search:
            pattern = _like(query.search)
            # Addresses are stored in lower case. SQLite's LIKE already ignores ASCII case and
            # its lower() folds nothing more, so lower() there would only double the cost of
            # the scan (measured: bench/admin.py); PostgreSQL's LIKE needs it.
            name: ColumnElement[str] = mailboxes.c.display_name
            if self._c.dialect.name != "sqlite":
                name = func.lower(name)
            conditions.append(
                or_(
                    mailboxes.c.address.like(pattern, escape=_LIKE_ESCAPE),
                    name.like(pattern, escape=_LIKE_ESCAPE),
                )
            )
        return statement.where(and_(*conditions)) if conditions else statement

    async def list_page(self, query: MailboxQuery) -> list[Mailbox]:
        column = _SORT_COLUMNS[query.sort]
        statement = self._filtered(select(mailboxes), query)
        if query.after is not None:
            value, address = query.after
            key: Any = datetime.fromisoformat(value) if query.sort is MailboxSort.CREATED else value
            if query.descending:
                statement = statement.where(
                    or_(column < key, and_(column == key, mailboxes.c.address < address))
                )
            else:
                statement = statement.where(
                    or_(column > key, and_(column == key, mailboxes.c.address > address))
                )
        if query.descending:
            statement = statement.order_by(column.desc(), mailboxes.c.address.desc())
        else:
            statement = statement.order_by(column, mailboxes.c.address)
        statement = statement.limit(query.limit).offset(query.offset)
        return [_mailbox(r) for r in (await self._c.execute(statement)).all()]

    async def count(self, query: MailboxQuery) -> int:
        statement = self._filtered(select(func.count()).select_from(mailboxes), query)
        return int((await self._c.execute(statement)).scalar_one())

    async def existing_addresses(self, addresses: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(addresses), 500):
            chunk = addresses[start : start + 500]
            statement = select(mailboxes.c.address).where(mailboxes.c.address.in_(chunk))
            found.update((await self._c.execute(statement)).scalars())
        return found

    async def update(self, mailbox: Mailbox) -> Mailbox:
        result = await self._c.execute(
            update(mailboxes)
            .where(mailboxes.c.id == mailbox.id)
            .values(
                display_name=mailbox.display_name,
                password_hash=mailbox.password_hash,
                must_change=mailbox.must_change,
                password_changed_at=mailbox.password_changed_at,
                disabled=mailbox.disabled,
                quota_bytes=mailbox.quota_bytes,
                recovery_address=mailbox.recovery_address,
            )
        )
        if result.rowcount == 0:
            raise NotFound(f"The mailbox {mailbox.address} does not exist.")
        return mailbox

    async def delete(self, mailbox_id: int) -> None:
        await self._c.execute(
            delete(password_history).where(password_history.c.mailbox_id == mailbox_id)
        )
        result = await self._c.execute(delete(mailboxes).where(mailboxes.c.id == mailbox_id))
        if result.rowcount == 0:
            raise NotFound("The mailbox does not exist.")

    async def add_used_bytes(self, mailbox_id: int, delta: int) -> None:
        if self._direct is not None:
            self._direct.add_used_bytes(mailbox_id, delta)
            return
        await self._c.execute(_ADD_USED_BYTES, {"b_id": mailbox_id, "b_delta": delta})

    async def record_login(self, mailbox_id: int, protocol: LoginProtocol, at: datetime) -> None:
        column = _LOGIN_COLUMNS.get(protocol)
        if column is None:
            return
        await self._c.execute(
            update(mailboxes).where(mailboxes.c.id == mailbox_id).values({column: at})
        )

    async def add_password_history(
        self, mailbox_id: int, password_hash: str, at: datetime, keep: int
    ) -> None:
        await self._c.execute(
            insert(password_history).values(
                mailbox_id=mailbox_id, password_hash=password_hash, created_at=at
            )
        )
        newest = (
            select(password_history.c.id)
            .where(password_history.c.mailbox_id == mailbox_id)
            .order_by(password_history.c.id.desc())
            .limit(keep)
        )
        await self._c.execute(
            delete(password_history).where(
                password_history.c.mailbox_id == mailbox_id,
                password_history.c.id.not_in(newest.scalar_subquery()),
            )
        )

    async def list_password_history(self, mailbox_id: int) -> list[str]:
        statement = (
            select(password_history.c.password_hash)
            .where(password_history.c.mailbox_id == mailbox_id)
            .order_by(password_history.c.id.desc())
        )
        return list((await self._c.execute(statement)).scalars())
