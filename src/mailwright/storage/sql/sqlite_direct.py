"""The statements of mail delivery in plain SQL on the SQLite connection itself.

Why: SQLAlchemy Core costs about 110 microseconds to execute a prebuilt statement on SQLite,
which itself needs 3-5 (measured, ``bench/smtp_inbound.py`` profile: SQLAlchemy's execution
machinery was 40 % of an MX's CPU per message). Delivery runs a handful of statements for every
message, so on the embedded database these few run here, inside the same SQLite transaction as
everything else of the ``SqlTransaction``; every other statement, and PostgreSQL always, goes
through SQLAlchemy. Values are stored exactly as SQLAlchemy stores them on SQLite (UTC
timestamps as ``YYYY-MM-DD HH:MM:SS.ffffff`` text, JSON as compact text), and
``tests/unit/storage/test_sqlite_direct.py`` keeps the two in step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from mailwright.model.directory import DirectoryEntry, alias_entry
from mailwright.model.mailboxes import Mailbox
from mailwright.model.mailstore import INBOX, NewMessage
from mailwright.storage.sql import inline_sqlite
from mailwright.storage.sql.types import dump_json, encode_flags

_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"

_MAILBOX = (
    "SELECT m.id, m.domain_id, m.address, m.display_name, m.password_hash, m.must_change,"
    " m.password_changed_at, m.disabled, m.quota_bytes, m.used_bytes, m.recovery_address,"
    " m.last_imap_login_at, m.last_smtp_login_at, m.created_at, f.id"
    " FROM mailboxes AS m LEFT OUTER JOIN folders AS f ON f.mailbox_id = m.id AND f.name = ?"
    " WHERE m.address = ?"
)
_ALIASES = (
    "SELECT (SELECT id FROM domains WHERE name = ?), a.source, d.destination"
    " FROM aliases AS a LEFT OUTER JOIN alias_destinations AS d ON d.alias_id = a.id"
    " WHERE a.source IN (?, ?) ORDER BY a.source, d.position"
)
_HOSTED = "SELECT id FROM domains WHERE name = ?"
_ALLOCATE = (
    "UPDATE folders SET uidnext = uidnext + ?, highest_modseq = highest_modseq + 1"
    " WHERE id = ? RETURNING uidnext, highest_modseq"
)
_ADD_MESSAGE = (
    "INSERT INTO messages (folder_id, uid, blob, size, internal_date, flags, modseq, structure)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_ADD_USED_BYTES = "UPDATE mailboxes SET used_bytes = used_bytes + ? WHERE id = ?"


def store_time(value: datetime) -> str:
    """A timestamp as SQLAlchemy's ``UtcDateTime`` stores it on SQLite.

    Raises:
        ValueError: a naive datetime (as ``UtcDateTime`` refuses it).
    """
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    return value.astimezone(UTC).strftime(_TIME_FORMAT)


def load_time(value: str | None) -> datetime | None:
    """A stored timestamp back as an aware UTC datetime."""
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


def native_sqlite(connection: Connection | None) -> sqlite3.Connection:
    """The sqlite3 connection under a SQLAlchemy connection of the inline driver."""
    assert connection is not None
    driver = connection.connection.driver_connection
    assert isinstance(driver, inline_sqlite.Connection)
    return driver.native


def _mailbox(row: Sequence[Any]) -> Mailbox:
    created_at = load_time(row[13])
    assert created_at is not None
    return Mailbox(
        id=row[0],
        domain_id=row[1],
        address=row[2],
        display_name=row[3],
        password_hash=row[4],
        must_change=bool(row[5]),
        password_changed_at=load_time(row[6]),
        disabled=bool(row[7]),
        quota_bytes=row[8],
        used_bytes=row[9],
        recovery_address=row[10],
        last_imap_login_at=load_time(row[11]),
        last_smtp_login_at=load_time(row[12]),
        created_at=created_at,
    )


class DirectSqlite:
    """The delivery statements on one sqlite3 connection (inside the caller's transaction)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._c = connection

    def lookup(self, address: str, domain: str) -> DirectoryEntry:
        """``DirectoryRepository.lookup``."""
        row = self._c.execute(_MAILBOX, (INBOX, address)).fetchone()
        if row is not None:
            return DirectoryEntry(True, _mailbox(row), row[14])
        catch_all = "@" + domain
        rows = self._c.execute(_ALIASES, (domain, address, catch_all)).fetchall()
        if not rows:
            hosted = self._c.execute(_HOSTED, (domain,)).fetchone() is not None
            return DirectoryEntry(hosted)
        pairs = [(source, destination) for _hosted, source, destination in rows]
        return alias_entry(rows[0][0] is not None, address, catch_all, pairs)

    def allocate(self, folder_id: int, count: int) -> tuple[int, int] | None:
        """``FolderRepository.allocate``; None when the folder does not exist."""
        row = self._c.execute(_ALLOCATE, (count, folder_id)).fetchone()
        return None if row is None else (int(row[0]) - count, int(row[1]))

    def add_messages(
        self, folder_id: int, first_uid: int, modseq: int, new: Sequence[NewMessage]
    ) -> None:
        """``MessageRepository.add_many``."""
        self._c.executemany(
            _ADD_MESSAGE,
            [
                (
                    folder_id,
                    first_uid + index,
                    message.blob,
                    message.size,
                    store_time(message.internal_date),
                    encode_flags(message.flags),
                    modseq,
                    dump_json(message.structure),
                )
                for index, message in enumerate(new)
            ],
        )

    def add_used_bytes(self, mailbox_id: int, delta: int) -> None:
        """``MailboxRepository.add_used_bytes``."""
        self._c.execute(_ADD_USED_BYTES, (delta, mailbox_id))
