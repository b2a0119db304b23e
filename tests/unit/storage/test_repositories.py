"""Contract tests of the SQL repositories, run against SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from mailwright.model.admins import Role
from mailwright.model.audit import AuditEntry, AuditQuery, Outcome
from mailwright.model.authentication import LoginFailures, LoginProtocol, ThrottleScope
from mailwright.model.errors import Conflict, NotFound
from mailwright.model.mailboxes import MailboxQuery, MailboxSort, NewMailbox
from mailwright.storage.sql.database import SqlDatabase

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[SqlDatabase]:
    database = SqlDatabase(database_url)
    await database.migrate()
    yield database
    await database.close()


def new_mailbox(domain_id: int, address: str, name: str = "", minutes: int = 0) -> NewMailbox:
    return NewMailbox(
        domain_id=domain_id,
        address=address,
        display_name=name,
        password_hash="{ARGON2ID}x",
        must_change=False,
        quota_bytes=None,
        recovery_address=None,
        created_at=NOW + timedelta(minutes=minutes),
    )


async def test_domain_add_find_conflict(db: SqlDatabase) -> None:
    """Domains are unique by name and come back with aware UTC times."""
    async with db.transaction() as tx:
        domain = await tx.domains.add(
            "example.test",
            it_notification_address="it@example.test",
            default_quota_bytes=10,
            created_at=NOW,
        )
    async with db.snapshot() as tx:
        found = await tx.domains.find_by_name("example.test")
    assert found == domain
    assert found.created_at.tzinfo is not None
    with pytest.raises(Conflict):
        async with db.transaction() as tx:
            await tx.domains.add(
                "example.test",
                it_notification_address=None,
                default_quota_bytes=None,
                created_at=NOW,
            )


async def test_transaction_rolls_back_on_error(db: SqlDatabase) -> None:
    """Nothing of a failed transaction is kept (no half-written state)."""

    async def add_then_fail() -> None:
        async with db.transaction() as tx:
            await tx.domains.add(
                "a.test", it_notification_address=None, default_quota_bytes=None, created_at=NOW
            )
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await add_then_fail()
    async with db.snapshot() as tx:
        assert await tx.domains.find_by_name("a.test") is None


async def test_mailbox_listing_search_sort_and_cursor(db: SqlDatabase) -> None:
    """Pages follow the sort order with keyset cursors; search matches address and name."""
    async with db.transaction() as tx:
        d = await tx.domains.add(
            "example.test", it_notification_address=None, default_quota_bytes=None, created_at=NOW
        )
        await tx.mailboxes.add_many(
            [new_mailbox(d.id, f"user{i:02}@example.test", f"User {i:02}", i) for i in range(25)]
        )
        await tx.mailboxes.add(new_mailbox(d.id, "a_b@example.test", "Under Score"))
    async with db.snapshot() as tx:
        first = await tx.mailboxes.list_page(MailboxQuery(limit=10))
        after = (first[-1].address, first[-1].address)
        second = await tx.mailboxes.list_page(MailboxQuery(limit=10, after=after))
        found = await tx.mailboxes.list_page(MailboxQuery(search="USER 1"))
        literal = await tx.mailboxes.list_page(MailboxQuery(search="a_b"))
        newest = await tx.mailboxes.list_page(
            MailboxQuery(sort=MailboxSort.CREATED, descending=True, limit=1)
        )
        total = await tx.mailboxes.count(MailboxQuery(domains=frozenset({"example.test"})))
        none = await tx.mailboxes.count(MailboxQuery(domains=frozenset({"other.test"})))
    assert [m.address for m in first][:2] == ["a_b@example.test", "user00@example.test"]
    assert second[0].address == "user09@example.test"
    assert len(found) == 10
    assert [m.address for m in literal] == ["a_b@example.test"]
    assert newest[0].address == "user24@example.test"
    assert (total, none) == (26, 0)


async def test_password_history_keeps_newest(db: SqlDatabase) -> None:
    """History starts with the first hash and keeps only the newest N."""
    async with db.transaction() as tx:
        d = await tx.domains.add(
            "example.test", it_notification_address=None, default_quota_bytes=None, created_at=NOW
        )
        m = await tx.mailboxes.add(new_mailbox(d.id, "a@example.test"))
        for i in range(7):
            await tx.mailboxes.add_password_history(m.id, f"h{i}", NOW, keep=5)
    async with db.snapshot() as tx:
        assert await tx.mailboxes.list_password_history(m.id) == ["h6", "h5", "h4", "h3", "h2"]


async def test_mailbox_update_login_and_delete(db: SqlDatabase) -> None:
    """Updates persist, logins are stamped, deletes cascade the history, unknown ids raise."""
    async with db.transaction() as tx:
        d = await tx.domains.add(
            "example.test", it_notification_address=None, default_quota_bytes=None, created_at=NOW
        )
        m = await tx.mailboxes.add(new_mailbox(d.id, "a@example.test"))
        await tx.mailboxes.record_login(m.id, LoginProtocol.IMAP, NOW)
    async with db.transaction() as tx:
        current = await tx.mailboxes.find_by_id(m.id)
        assert current is not None and current.last_imap_login_at == NOW
        assert await tx.mailboxes.existing_addresses(["a@example.test", "b@example.test"]) == {
            "a@example.test"
        }
        await tx.mailboxes.delete(m.id)
        with pytest.raises(NotFound):
            await tx.mailboxes.delete(m.id)


async def test_aliases_and_admins(db: SqlDatabase) -> None:
    """Aliases keep destination order; admin grants keep their domain scope."""
    async with db.transaction() as tx:
        d = await tx.domains.add(
            "example.test", it_notification_address=None, default_quota_bytes=None, created_at=NOW
        )
        await tx.aliases.add(d.id, "sales@example.test", ["b@x.test", "a@x.test"], NOW)
        await tx.aliases.add(d.id, "@example.test", ["a@x.test"], NOW)
        admin = await tx.admins.add(
            "h@example.test", Role.HELPDESK, frozenset({"example.test"}), NOW
        )
    async with db.snapshot() as tx:
        sales = await tx.aliases.find_by_source("sales@example.test")
        assert sales is not None and sales.destinations == ("b@x.test", "a@x.test")
        assert len(await tx.aliases.list_for_destination("a@x.test")) == 2
        assert [a.source for a in await tx.aliases.list_all(frozenset({"other.test"}))] == []
        found = await tx.admins.find_by_address("h@example.test")
        assert found == admin
        assert found.covers("example.test") and not found.covers("other.test")
    with pytest.raises(Conflict):
        async with db.transaction() as tx:
            await tx.aliases.add(d.id, "sales@example.test", ["c@x.test"], NOW)


async def test_audit_filters_and_paging(db: SqlDatabase) -> None:
    """Audit events filter by actor, target, action family and time, newest first."""
    async with db.transaction() as tx:
        for i in range(5):
            await tx.audit.add(
                AuditEntry(
                    at=NOW + timedelta(hours=i),
                    actor=f"admin{i % 2}@example.test",
                    action="mailbox.password.reset" if i % 2 else "mailbox.create",
                    target="a@example.test",
                    source="127.0.0.1",
                    outcome=Outcome.SUCCESS,
                    reason=f"ticket {i}",
                    details={"n": i},
                )
            )
    async with db.snapshot() as tx:
        all_events = await tx.audit.list_events(AuditQuery())
        resets = await tx.audit.list_events(AuditQuery(action="mailbox.password"))
        by_actor = await tx.audit.list_events(AuditQuery(actor="admin0@example.test"))
        late = await tx.audit.list_events(AuditQuery(since=NOW + timedelta(hours=3)))
        page = await tx.audit.list_events(AuditQuery(before=all_events[1].id, limit=2))
    assert all_events[0].entry.reason == "ticket 4"
    assert len(resets) == 2 and len(by_actor) == 3 and len(late) == 2
    assert [e.id for e in page] == [all_events[2].id, all_events[3].id]
    assert all_events[0].entry.details == {"n": 4}


async def test_throttle_upsert_and_clear(db: SqlDatabase) -> None:
    """Failure counters are created, replaced and cleared per scope and key."""
    async with db.transaction() as tx:
        await tx.throttle.save(LoginFailures(ThrottleScope.SOURCE, "10.0.0.1", 1, NOW, None))
        await tx.throttle.save(
            LoginFailures(ThrottleScope.SOURCE, "10.0.0.1", 2, NOW, NOW + timedelta(seconds=5))
        )
    async with db.transaction() as tx:
        found = await tx.throttle.find(ThrottleScope.SOURCE, "10.0.0.1")
        assert found is not None and found.failures == 2 and found.locked_until is not None
        assert await tx.throttle.find(ThrottleScope.ADDRESS, "10.0.0.1") is None
        await tx.throttle.clear(ThrottleScope.SOURCE, "10.0.0.1")
        assert await tx.throttle.find(ThrottleScope.SOURCE, "10.0.0.1") is None


async def test_sessions_lifecycle(db: SqlDatabase) -> None:
    """Sessions are found by digest, slide, and are revoked one by one or all but one."""
    from mailwright.model.sessions import SessionRealm

    async with db.transaction() as tx:
        one = await tx.sessions.add(
            "d1",
            SessionRealm.ADMIN,
            "a@example.test",
            created_at=NOW,
            expires_at=NOW + timedelta(hours=1),
            source="127.0.0.1",
            user_agent="test",
        )
        two = await tx.sessions.add(
            "d2",
            SessionRealm.ADMIN,
            "a@example.test",
            created_at=NOW,
            expires_at=NOW + timedelta(hours=1),
            source="127.0.0.1",
            user_agent="test",
        )
        await tx.sessions.touch(one.id, NOW + timedelta(minutes=5), NOW + timedelta(hours=2))
    async with db.transaction() as tx:
        found = await tx.sessions.find_by_digest("d1")
        assert found is not None and found.expires_at == NOW + timedelta(hours=2)
        assert found.is_live(NOW) and not found.is_live(NOW + timedelta(hours=3))
        assert len(await tx.sessions.list_live("a@example.test", SessionRealm.ADMIN, NOW)) == 2
        assert await tx.sessions.revoke_all("a@example.test", NOW, keep=two.id) == 1
        live = await tx.sessions.list_live("a@example.test", SessionRealm.ADMIN, NOW)
        assert [s.id for s in live] == [two.id]


async def test_api_keys_lifecycle(db: SqlDatabase) -> None:
    """Keys are unique by prefix, keep their scope and domains, and revoke once."""
    from mailwright.model.api_keys import ApiKeyScope

    async with db.transaction() as tx:
        key = await tx.api_keys.add(
            prefix="abc123",
            digest="f" * 64,
            name="shop",
            admin_address="a@example.test",
            scope=ApiKeyScope.SEND,
            sandbox=True,
            domains=frozenset({"example.test"}),
            created_at=NOW,
            created_by="operator:root",
        )
        await tx.api_keys.touch(key.id, NOW)
    async with db.transaction() as tx:
        found = await tx.api_keys.find_by_prefix("abc123")
        assert found is not None and found.scope is ApiKeyScope.SEND and found.sandbox
        assert found.domains == {"example.test"} and found.last_used_at == NOW
        await tx.api_keys.revoke(key.id, NOW)
        with pytest.raises(NotFound):
            await tx.api_keys.revoke(key.id, NOW)
        assert (await tx.api_keys.list_keys("a@example.test"))[0].revoked_at == NOW
