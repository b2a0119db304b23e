"""Message use cases: open, changes since a modseq, flags, expunge, copy, move, append,
structures and bodies, \\Recent, and concurrent appends (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from mailwright.model.actors import Actor
from mailwright.model.errors import InvalidInput, NotFound
from mailwright.model.events import Event, FlagsChanged, MessagesAdded, MessagesExpunged
from mailwright.model.mail_access import FlagAction, MessageUpload, apply_flags
from mailwright.services.container import Services
from mailwright.services.local_delivery import OverQuota
from mailwright.services.mail_access import RecentTracker
from mailwright.services.mailboxes import MailboxChanges
from tests.values import STRONG


def message(number: int) -> bytes:
    return f"From: x@remote.test\r\nSubject: {number}\r\n\r\nBody {number}\r\n".encode()


async def _mailbox(services: Services, operator: Actor, count: int = 0) -> int:
    await services.domains.add(operator, "example.test")
    created = await services.mailboxes.create(operator, "a@example.test", STRONG)
    if count:
        uploads = [MessageUpload(message(n)) for n in range(1, count + 1)]
        await services.mail.append_many(created.mailbox.id, "INBOX", uploads)
    return created.mailbox.id


def test_apply_flags_is_case_insensitive() -> None:
    """Adding or removing a flag ignores case; replacing drops duplicates."""
    current = frozenset({"\\Seen", "$Junk"})
    assert apply_flags(current, FlagAction.ADD, frozenset({"$junk"})) == current
    assert apply_flags(current, FlagAction.REMOVE, frozenset({"\\SEEN"})) == {"$Junk"}
    assert len(apply_flags(current, FlagAction.REPLACE, frozenset({"$a", "$A"}))) == 1


def test_recent_tracker_claims_once() -> None:
    """A message is recent to the first session that claims it; EXAMINE only looks."""
    tracker = RecentTracker()
    assert tracker.claim(1, [1, 2], keep=False) == {1, 2}
    assert tracker.claim(1, [1, 2]) == {1, 2}
    assert tracker.claim(1, [1, 2, 3]) == {3}
    assert tracker.boundary(1) == 3 and tracker.boundary(2) == 0


async def test_open_and_changes_since(services: Services, operator: Actor) -> None:
    """changes() reports new and changed entries above a modseq, and expunged UIDs."""
    mailbox_id = await _mailbox(services, operator, 3)
    snapshot = await services.mail.open(mailbox_id, "inbox")
    folder = snapshot.folder
    assert [e.uid for e in snapshot.messages] == [1, 2, 3]
    same = await services.mail.changes(
        folder.id, since_modseq=folder.highest_modseq, below_uid=folder.uidnext, known=3
    )
    assert same is not None and same.changed == [] and same.present_uids is None
    await services.mail.store_flags(
        mailbox_id, folder.id, [2, 3], FlagAction.ADD, frozenset({"\\Deleted"})
    )
    await services.mail.expunge(mailbox_id, folder.id, [3])
    await services.mail.append(
        mailbox_id, "INBOX", message(4), flags=frozenset(), internal_date=None
    )
    changes = await services.mail.changes(
        folder.id, since_modseq=folder.highest_modseq, below_uid=folder.uidnext, known=3
    )
    assert changes is not None
    assert [(e.uid, "\\Deleted" in e.flags) for e in changes.changed] == [(2, True), (4, False)]
    assert changes.present_uids == [1, 2, 4]
    trash = (await services.mail.open(mailbox_id, "Trash")).folder
    await services.folders.delete(mailbox_id, "Trash")
    assert await services.mail.changes(trash.id, since_modseq=0, below_uid=1, known=0) is None


async def test_store_flags_modseq_and_unchangedsince(services: Services, operator: Actor) -> None:
    """One new modseq for the changed messages; UNCHANGEDSINCE refuses newer ones; \\Recent
    cannot be stored; an event is published only when something changed."""
    mailbox_id = await _mailbox(services, operator, 2)
    folder = (await services.mail.open(mailbox_id, "INBOX")).folder
    seen: list[Event] = []
    services.events.subscribe(seen.append)
    update = await services.mail.store_flags(
        mailbox_id, folder.id, [1, 2], FlagAction.ADD, frozenset({"\\Seen"})
    )
    assert update.changed == {1, 2} and len({e.modseq for e in update.entries}) == 1
    modseq = update.entries[0].modseq
    again = await services.mail.store_flags(
        mailbox_id, folder.id, [1], FlagAction.ADD, frozenset({"\\Seen"})
    )
    assert again.changed == frozenset() and len(seen) == 1
    assert isinstance(seen[0], FlagsChanged) and seen[0].modseq == modseq
    refused = await services.mail.store_flags(
        mailbox_id, folder.id, [1, 2], FlagAction.ADD, frozenset({"$x"}), unchanged_since=1
    )
    assert refused.modified == [1, 2] and refused.changed == frozenset()
    with pytest.raises(InvalidInput):
        await services.mail.store_flags(
            mailbox_id, folder.id, [1], FlagAction.ADD, frozenset({"\\recent"})
        )


async def test_expunge_only_deleted_and_frees_bytes(services: Services, operator: Actor) -> None:
    """EXPUNGE removes only \\Deleted messages, lowers used bytes and says which UIDs."""
    mailbox_id = await _mailbox(services, operator, 3)
    folder = (await services.mail.open(mailbox_id, "INBOX")).folder
    await services.mail.store_flags(
        mailbox_id, folder.id, [1, 3], FlagAction.ADD, frozenset({"\\Deleted"})
    )
    used = (await services.folders.quota(mailbox_id)).used
    seen: list[Event] = []
    services.events.subscribe(seen.append)
    assert await services.mail.expunge(mailbox_id, folder.id, [1, 2, 3]) == [1, 3]
    assert (await services.folders.quota(mailbox_id)).used == used - len(message(1)) - len(
        message(3)
    )
    assert seen == [MessagesExpunged(mailbox_id, folder.id, (1, 3))]
    with pytest.raises(NotFound):
        await services.mail.expunge(mailbox_id + 1, folder.id, [2])


async def test_copy_respects_quota_and_move_keeps_bytes(
    services: Services, operator: Actor
) -> None:
    """COPY adds bytes (and refuses over quota); MOVE renumbers without adding bytes."""
    mailbox_id = await _mailbox(services, operator, 2)
    folder = (await services.mail.open(mailbox_id, "INBOX")).folder
    copied = await services.mail.copy(mailbox_id, folder.id, [1, 2], "Archive")
    assert (copied.source_uids, copied.target_uids) == ([1, 2], [1, 2])
    used = (await services.folders.quota(mailbox_id)).used
    await services.mailboxes.update(operator, "a@example.test", MailboxChanges(quota_bytes=used))
    with pytest.raises(OverQuota):
        await services.mail.copy(mailbox_id, folder.id, [1], "Archive")
    seen: list[Event] = []
    services.events.subscribe(seen.append)
    moved = await services.mail.move(mailbox_id, folder.id, [2], "Archive")
    assert (moved.source_uids, moved.target_uids) == ([2], [3])
    assert (await services.folders.quota(mailbox_id)).used == used
    assert {type(e) for e in seen} == {MessagesExpunged, MessagesAdded}
    with pytest.raises(NotFound):
        await services.mail.copy(mailbox_id, folder.id, [1], "Nowhere")


async def test_append_and_read_back(services: Services, operator: Actor) -> None:
    """APPEND keeps flags (never \\Recent) and date; bodies and structures read back."""
    mailbox_id = await _mailbox(services, operator)
    when = datetime(2025, 12, 24, 18, 0, tzinfo=UTC)
    result = await services.mail.append(
        mailbox_id,
        "INBOX",
        message(1),
        flags=frozenset({"\\Seen", "\\Recent"}),
        internal_date=when,
    )
    entry = (await services.mail.open(mailbox_id, "INBOX")).messages[0]
    assert entry.uid == result.uids[0] and entry.flags == {"\\Seen"}
    assert entry.internal_date == when
    bodies = await services.mail.read_bodies(
        [(entry.blob, 0, None), (entry.blob, 0, 4), (entry.blob, 6, None), ("0" * 64, 0, None)]
    )
    assert bodies == [message(1), b"From", message(1)[6:], b""]
    structures = await services.mail.structures(result.folder_id, [entry])
    assert structures[entry.uid].envelope.subject == "1"
    with pytest.raises(InvalidInput):
        await services.mail.append(mailbox_id, "INBOX", b"", flags=frozenset(), internal_date=None)
    with pytest.raises(NotFound):
        await services.mail.append_many(mailbox_id, "Nowhere", [MessageUpload(message(2))])


async def test_concurrent_appends_never_share_uids(services: Services, operator: Actor) -> None:
    """Twenty appends at once get twenty distinct, gap-free UIDs (folder row lock)."""
    mailbox_id = await _mailbox(services, operator)
    results = await asyncio.gather(
        *(
            services.mail.append(
                mailbox_id, "INBOX", message(n), flags=frozenset(), internal_date=None
            )
            for n in range(20)
        )
    )
    assert sorted(uid for r in results for uid in r.uids) == list(range(1, 21))
    snapshot = await services.mail.open(mailbox_id, "INBOX")
    assert snapshot.folder.uidnext == 21
    assert len({e.modseq for e in snapshot.messages}) == 20
