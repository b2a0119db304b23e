"""The direct SQLite statements of delivery agree with the SQLAlchemy ones they stand in for:
same stored values, same answers. Each case runs the same calls on a transaction with the
direct path and on one without it, and compares."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text, update

from mailwright.model.errors import NotFound
from mailwright.model.mailboxes import NewMailbox
from mailwright.model.mailstore import INBOX, NewMessage
from mailwright.storage.sql.database import SqlDatabase
from mailwright.storage.sql.sqlite_direct import DirectSqlite, load_time, store_time
from mailwright.storage.sql.tables import domains
from mailwright.storage.sql.transaction import SqlTransaction

NOW = datetime(2026, 3, 1, 12, 0, 5, 123456, tzinfo=UTC)
STRUCTURE = {"v": 1, "e": [None, "Grüße", [["A", None, "a", "x.test"]]], "r": {"l": 2}}


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[SqlDatabase]:
    database = SqlDatabase(f"sqlite+aiosqlite:///{tmp_path / 'direct.db'}")
    await database.migrate()
    async with database.transaction() as tx:
        domain = await tx.domains.add(
            "example.test", it_notification_address=None, default_quota_bytes=None, created_at=NOW
        )
        for name in ("ann", "bob"):
            mailbox = await tx.mailboxes.add(
                NewMailbox(
                    domain_id=domain.id,
                    address=f"{name}@example.test",
                    display_name=name.title(),
                    password_hash="{ARGON2ID}x",
                    must_change=False,
                    quota_bytes=1000,
                    recovery_address=None,
                    created_at=NOW,
                )
            )
            await tx.folders.add_defaults(mailbox.id, 7, NOW)
        await tx.aliases.add(
            domain.id, "team@example.test", ["ann@example.test", "far@remote.test"], NOW
        )
        await tx.aliases.add(domain.id, "@example.test", ["bob@example.test"], NOW)
    yield database
    await database.close()


def without_direct(tx: SqlTransaction) -> SqlTransaction:
    return SqlTransaction(tx.connection)


@pytest.mark.parametrize(
    "when",
    [
        NOW,
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
async def test_times_are_stored_as_sqlalchemy_stores_them(db: SqlDatabase, when: datetime) -> None:
    """A timestamp written by SQLAlchemy's UtcDateTime is the text store_time makes, and
    load_time reads it back to the same instant, aware in UTC."""
    async with db.transaction() as tx:
        await tx.connection.execute(update(domains).values(created_at=when))
        stored = (await tx.connection.execute(text("SELECT created_at FROM domains"))).scalar()
        found = await tx.domains.find_by_name("example.test")
    assert stored == store_time(when)
    assert load_time(stored) == when
    assert found is not None and found.created_at == load_time(stored)


def test_naive_times_are_refused() -> None:
    """Like UtcDateTime, the direct path refuses a time without a zone."""
    with pytest.raises(ValueError, match="naive"):
        store_time(datetime(2026, 1, 1))


@pytest.mark.parametrize(
    "address",
    [
        "ann@example.test",  # mailbox
        "team@example.test",  # alias with a local and a remote destination
        "nobody@example.test",  # only the catch-all matches
        "someone@remote.test",  # a domain not hosted here
    ],
)
async def test_lookup_answers_the_same(db: SqlDatabase, address: str) -> None:
    """The directory lookup gives the same entry both ways."""
    async with db.transaction() as tx:
        assert isinstance(tx.directory._direct, DirectSqlite)
        direct = await tx.directory.lookup(address, address.split("@")[1])
        plain = await without_direct(tx).directory.lookup(address, address.split("@")[1])
    assert direct == plain


async def test_lookup_of_a_hosted_domain_without_a_catch_all(db: SqlDatabase) -> None:
    """An unknown address in a hosted domain with no catch-all: hosted, nothing else."""
    async with db.transaction() as tx:
        await tx.connection.execute(text("DELETE FROM alias_destinations"))
        await tx.connection.execute(text("DELETE FROM aliases"))
        direct = await tx.directory.lookup("nobody@example.test", "example.test")
        plain = await without_direct(tx).directory.lookup("nobody@example.test", "example.test")
    assert direct == plain
    assert direct.hosted and direct.mailbox is None and direct.catch_all is None


async def test_delivery_writes_read_back_the_same(db: SqlDatabase) -> None:
    """UIDs, modseqs, stored rows and quota counters are the same whichever path wrote them."""
    new = [
        NewMessage("a" * 64, 10, NOW, frozenset({"\\Seen", "$Label"}), STRUCTURE),
        NewMessage("b" * 64, 20, NOW + timedelta(seconds=1), frozenset(), STRUCTURE),
    ]
    results = []
    for name, use_direct in (("ann", True), ("bob", False)):
        async with db.transaction() as tx:
            chosen = tx if use_direct else without_direct(tx)
            mailbox = await chosen.mailboxes.find_by_address(f"{name}@example.test")
            assert mailbox is not None
            folder = await chosen.folders.find(mailbox.id, INBOX)
            assert folder is not None
            first_uid, modseq = await chosen.folders.allocate(folder.id, len(new))
            uids = await chosen.messages.add_many(folder.id, first_uid, modseq, new)
            await chosen.mailboxes.add_used_bytes(mailbox.id, 30)
        async with db.snapshot() as tx:
            stored = await tx.messages.list_folder(folder.id)
            after = await tx.mailboxes.find_by_address(f"{name}@example.test")
            raw = (
                await tx.connection.execute(
                    text(
                        "SELECT internal_date, flags, structure FROM messages WHERE folder_id = :f"
                    ),
                    {"f": folder.id},
                )
            ).all()
        assert after is not None
        results.append(
            (
                first_uid,
                modseq,
                uids,
                [
                    (m.uid, m.blob, m.size, m.internal_date, m.flags, m.modseq, m.structure)
                    for m in stored
                ],
                after.used_bytes,
                [tuple(r) for r in raw],
            )
        )
    assert results[0] == results[1]
    assert results[0][3][0][4] == frozenset({"\\Seen", "$Label"})
    assert results[0][3][0][6] == STRUCTURE


async def test_allocating_in_a_missing_folder_is_not_found(db: SqlDatabase) -> None:
    """Both paths refuse a folder id that does not exist."""
    async with db.transaction() as tx:
        with pytest.raises(NotFound):
            await tx.folders.allocate(999_999, 1)
        with pytest.raises(NotFound):
            await without_direct(tx).folders.allocate(999_999, 1)
