"""Folders and the message index in SQL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, case, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.model.errors import Conflict, NotFound
from mailwright.model.mail_access import MessageEntry
from mailwright.model.mailstore import (
    INBOX,
    SEEN,
    SPECIAL_FOLDERS,
    Folder,
    FolderStatus,
    NewMessage,
    StoredMessage,
)
from mailwright.storage.sql.mail_tables import folders, messages
from mailwright.storage.sql.sqlite_direct import DirectSqlite
from mailwright.storage.sql.types import encode_flags


@lru_cache(maxsize=4096)
def decode_flags(text: str) -> frozenset[str]:
    """The stored flag string back as a set; equal strings share one set (a session holds the
    flags of every message of its folder, and most messages share a few combinations)."""
    return frozenset(text.split())


def _folder(row: Any) -> Folder:
    return Folder(
        id=row.id,
        mailbox_id=row.mailbox_id,
        name=row.name,
        special_use=row.special_use,
        uidvalidity=row.uidvalidity,
        uidnext=row.uidnext,
        highest_modseq=row.highest_modseq,
        subscribed=bool(row.subscribed),
        created_at=row.created_at,
    )


def _message(row: Any) -> StoredMessage:
    return StoredMessage(
        id=row.id,
        folder_id=row.folder_id,
        uid=row.uid,
        blob=row.blob,
        size=row.size,
        internal_date=row.internal_date,
        flags=decode_flags(row.flags),
        modseq=row.modseq,
        structure=row.structure,
    )


# Entry columns: the index row without the structure JSON, which only some FETCHes need.
_ENTRY_COLUMNS = (
    messages.c.uid,
    messages.c.flags,
    messages.c.modseq,
    messages.c.size,
    messages.c.internal_date,
    messages.c.blob,
)
# Rows per statement when filtering by UID lists (SQLite allows 32766 parameters; stay modest).
_CHUNK = 900


def _entry(row: Any) -> MessageEntry:
    return MessageEntry(
        row.uid, decode_flags(row.flags), row.modseq, row.size, row.internal_date, row.blob
    )


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


# Built once: it runs for every delivered or appended message.
_ALLOCATE = (
    update(folders)
    .where(folders.c.id == bindparam("b_id"))
    .values(
        uidnext=folders.c.uidnext + bindparam("b_count"),
        highest_modseq=folders.c.highest_modseq + 1,
    )
    .returning(folders.c.uidnext, folders.c.highest_modseq)
)


class SqlFolderRepository:
    """Implements ``FolderRepository``."""

    def __init__(self, connection: AsyncConnection, direct: DirectSqlite | None = None) -> None:
        self._c = connection
        self._direct = direct

    async def add(
        self,
        mailbox_id: int,
        name: str,
        *,
        special_use: str | None,
        uidvalidity: int,
        created_at: datetime,
    ) -> Folder:
        statement = (
            insert(folders)
            .values(
                mailbox_id=mailbox_id,
                name=name,
                special_use=special_use,
                uidvalidity=uidvalidity,
                uidnext=1,
                highest_modseq=1,
                subscribed=True,
                created_at=created_at,
            )
            .returning(*folders.c)
        )
        try:
            return _folder((await self._c.execute(statement)).one())
        except IntegrityError:
            raise Conflict(f"The folder {name} exists already.") from None

    async def add_defaults(self, mailbox_id: int, uidvalidity: int, created_at: datetime) -> None:
        rows = [(INBOX, None), *SPECIAL_FOLDERS]
        await self._c.execute(
            insert(folders),
            [
                {
                    "mailbox_id": mailbox_id,
                    "name": name,
                    "special_use": special,
                    "uidvalidity": uidvalidity,
                    "uidnext": 1,
                    "highest_modseq": 1,
                    "subscribed": True,
                    "created_at": created_at,
                }
                for name, special in rows
            ],
        )

    async def find(self, mailbox_id: int, name: str) -> Folder | None:
        statement = select(folders).where(
            folders.c.mailbox_id == mailbox_id, folders.c.name == name
        )
        row = (await self._c.execute(statement)).first()
        return None if row is None else _folder(row)

    async def find_by_id(self, folder_id: int) -> Folder | None:
        row = (await self._c.execute(select(folders).where(folders.c.id == folder_id))).first()
        return None if row is None else _folder(row)

    async def list_folders(self, mailbox_id: int) -> list[Folder]:
        statement = (
            select(folders).where(folders.c.mailbox_id == mailbox_id).order_by(folders.c.name)
        )
        return [_folder(r) for r in (await self._c.execute(statement)).all()]

    async def rename(self, folder_id: int, name: str) -> None:
        try:
            result = await self._c.execute(
                update(folders).where(folders.c.id == folder_id).values(name=name)
            )
        except IntegrityError:
            raise Conflict(f"The folder {name} exists already.") from None
        if result.rowcount == 0:
            raise NotFound("The folder does not exist.")

    async def delete(self, folder_id: int) -> None:
        await self._c.execute(delete(messages).where(messages.c.folder_id == folder_id))
        result = await self._c.execute(delete(folders).where(folders.c.id == folder_id))
        if result.rowcount == 0:
            raise NotFound("The folder does not exist.")

    async def set_subscribed(self, folder_id: int, subscribed: bool) -> None:
        await self._c.execute(
            update(folders).where(folders.c.id == folder_id).values(subscribed=subscribed)
        )

    async def allocate(self, folder_id: int, count: int) -> tuple[int, int]:
        # The UPDATE takes the folder row's write lock until commit (PostgreSQL) or runs inside
        # SQLite's single writer, so concurrent deliveries never get the same UIDs.
        if self._direct is not None:
            allocated = self._direct.allocate(folder_id, count)
        else:
            row = (await self._c.execute(_ALLOCATE, {"b_id": folder_id, "b_count": count})).first()
            allocated = None if row is None else (int(row.uidnext) - count, int(row.highest_modseq))
        if allocated is None:
            raise NotFound("The folder does not exist.")
        return allocated

    async def next_modseq(self, folder_id: int) -> int:
        statement = (
            update(folders)
            .where(folders.c.id == folder_id)
            .values(highest_modseq=folders.c.highest_modseq + 1)
            .returning(folders.c.highest_modseq)
        )
        row = (await self._c.execute(statement)).first()
        if row is None:
            raise NotFound("The folder does not exist.")
        return int(row.highest_modseq)


class SqlMessageRepository:
    """Implements ``MessageRepository``."""

    def __init__(self, connection: AsyncConnection, direct: DirectSqlite | None = None) -> None:
        self._c = connection
        self._direct = direct

    async def add_many(
        self, folder_id: int, first_uid: int, modseq: int, new: Sequence[NewMessage]
    ) -> list[int]:
        if self._direct is not None:
            self._direct.add_messages(folder_id, first_uid, modseq, new)
            return [first_uid + index for index in range(len(new))]
        rows = [
            {
                "folder_id": folder_id,
                "uid": first_uid + index,
                "blob": message.blob,
                "size": message.size,
                "internal_date": message.internal_date,
                "flags": encode_flags(message.flags),
                "modseq": modseq,
                "structure": message.structure,
            }
            for index, message in enumerate(new)
        ]
        await self._c.execute(insert(messages), rows)
        return [first_uid + index for index in range(len(new))]

    async def list_folder(self, folder_id: int) -> list[StoredMessage]:
        statement = (
            select(messages).where(messages.c.folder_id == folder_id).order_by(messages.c.uid)
        )
        return [_message(r) for r in (await self._c.execute(statement)).all()]

    async def find_by_uids(self, folder_id: int, uids: Sequence[int]) -> list[StoredMessage]:
        found: list[StoredMessage] = []
        for start in range(0, len(uids), 500):
            chunk = uids[start : start + 500]
            statement = (
                select(messages)
                .where(messages.c.folder_id == folder_id, messages.c.uid.in_(chunk))
                .order_by(messages.c.uid)
            )
            found.extend(_message(r) for r in (await self._c.execute(statement)).all())
        return found

    async def status(self, folder_id: int) -> FolderStatus:
        unseen = case((messages.c.flags.contains(SEEN, autoescape=True), 0), else_=1)
        statement = select(
            func.count(),
            func.coalesce(func.sum(messages.c.size), 0),
            func.coalesce(func.sum(unseen), 0),
        ).where(messages.c.folder_id == folder_id)
        count, size, unseen_count = (await self._c.execute(statement)).one()
        return FolderStatus(int(count), int(unseen_count), int(size))

    async def list_entries(self, folder_id: int) -> list[MessageEntry]:
        statement = (
            select(*_ENTRY_COLUMNS)
            .where(messages.c.folder_id == folder_id)
            .order_by(messages.c.uid)
        )
        return [_entry(r) for r in (await self._c.execute(statement)).all()]

    async def entries_since(self, folder_id: int, modseq: int) -> list[MessageEntry]:
        statement = (
            select(*_ENTRY_COLUMNS)
            .where(messages.c.folder_id == folder_id, messages.c.modseq > modseq)
            .order_by(messages.c.uid)
        )
        return [_entry(r) for r in (await self._c.execute(statement)).all()]

    async def entries_by_uids(self, folder_id: int, uids: Sequence[int]) -> list[MessageEntry]:
        found: list[MessageEntry] = []
        for chunk in _chunks(sorted(uids)):
            statement = (
                select(*_ENTRY_COLUMNS)
                .where(messages.c.folder_id == folder_id, messages.c.uid.in_(chunk))
                .order_by(messages.c.uid)
            )
            found.extend(_entry(r) for r in (await self._c.execute(statement)).all())
        return found

    async def list_uids(self, folder_id: int) -> list[int]:
        statement = (
            select(messages.c.uid).where(messages.c.folder_id == folder_id).order_by(messages.c.uid)
        )
        return [int(uid) for uid in (await self._c.execute(statement)).scalars()]

    async def count_below(self, folder_id: int, uid: int) -> int:
        statement = select(func.count()).where(
            messages.c.folder_id == folder_id, messages.c.uid < uid
        )
        return int((await self._c.execute(statement)).scalar_one())

    async def structures(self, folder_id: int, uids: Sequence[int]) -> dict[int, dict[str, Any]]:
        found: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(sorted(uids)):
            statement = select(messages.c.uid, messages.c.structure).where(
                messages.c.folder_id == folder_id, messages.c.uid.in_(chunk)
            )
            found.update((int(r.uid), r.structure) for r in (await self._c.execute(statement)))
        return found

    async def set_flags(
        self, folder_id: int, flags: Mapping[int, frozenset[str]], modseq: int
    ) -> None:
        if not flags:
            return
        statement = (
            update(messages)
            .where(messages.c.folder_id == folder_id, messages.c.uid == bindparam("b_uid"))
            .values(flags=bindparam("b_flags"), modseq=modseq)
        )
        rows = [{"b_uid": uid, "b_flags": encode_flags(f)} for uid, f in flags.items()]
        await self._c.execute(statement, rows)

    async def delete_uids(self, folder_id: int, uids: Sequence[int]) -> None:
        for chunk in _chunks(sorted(uids)):
            await self._c.execute(
                delete(messages).where(messages.c.folder_id == folder_id, messages.c.uid.in_(chunk))
            )

    async def move(
        self,
        source_folder_id: int,
        target_folder_id: int,
        renumber: Sequence[tuple[int, int]],
        modseq: int,
    ) -> None:
        if not renumber:
            return
        statement = (
            update(messages)
            .where(messages.c.folder_id == source_folder_id, messages.c.uid == bindparam("b_old"))
            .values(folder_id=target_folder_id, uid=bindparam("b_new"), modseq=modseq)
        )
        await self._c.execute(statement, [{"b_old": old, "b_new": new} for old, new in renumber])
