"""Folder use cases: names, create with parents, delete, rename with children and INBOX,
subscriptions, status and quota."""

from __future__ import annotations

import pytest

from mailwright.model.actors import Actor
from mailwright.model.errors import Conflict, InvalidInput, NotFound
from mailwright.model.events import Event, FolderDeleted, MessagesAdded, MessagesExpunged
from mailwright.model.mail_access import MessageUpload
from mailwright.services.container import Services
from mailwright.services.mail_folders import parents_of, parse_folder_name
from mailwright.services.mailboxes import MailboxChanges
from tests.values import STRONG

MESSAGE = b"From: x@remote.test\r\nSubject: hi\r\n\r\nHello\r\n"


async def _mailbox(services: Services, operator: Actor) -> int:
    await services.domains.add(operator, "example.test")
    created = await services.mailboxes.create(operator, "a@example.test", STRONG)
    return created.mailbox.id


async def _names(services: Services, mailbox_id: int) -> set[str]:
    return {folder.name for folder in await services.folders.list_folders(mailbox_id)}


def test_parse_folder_name_rules() -> None:
    """INBOX in any case is INBOX; a trailing separator is dropped; bad names are refused."""
    assert parse_folder_name("inbox") == "INBOX"
    assert parse_folder_name("Inbox/Sub") == "INBOX/Sub"
    assert parse_folder_name("Work/") == "Work"
    for bad in ("", "a//b", "/a", "a*", "a%b", "tab\there", "x" * 600):
        with pytest.raises(InvalidInput):
            parse_folder_name(bad)
    assert parents_of("a/b/c") == ["a", "a/b"]


async def test_create_makes_parents_and_unique_uidvalidity(
    services: Services, operator: Actor
) -> None:
    """Creating a/b/c creates a and a/b; every folder gets its own UIDVALIDITY, even a
    re-created name under a frozen clock."""
    mailbox_id = await _mailbox(services, operator)
    await services.folders.create(mailbox_id, "a/b/c")
    assert {"a", "a/b", "a/b/c"} <= await _names(services, mailbox_id)
    with pytest.raises(Conflict):
        await services.folders.create(mailbox_id, "a/b")
    with pytest.raises(Conflict):
        await services.folders.create(mailbox_id, "inbox")
    before = (await services.folders.summary(mailbox_id, "a/b/c")).folder.uidvalidity
    await services.folders.delete(mailbox_id, "a/b/c")
    after = (await services.folders.create(mailbox_id, "a/b/c")).uidvalidity
    assert after > before
    folders = await services.folders.list_folders(mailbox_id)
    made_here = [f.uidvalidity for f in folders if f.name.startswith("a")]
    assert len(set(made_here)) == 3


async def test_create_special_use(services: Services, operator: Actor) -> None:
    """A folder may be created with a known special use only."""
    mailbox_id = await _mailbox(services, operator)
    folder = await services.folders.create(mailbox_id, "Starred", "\\Flagged")
    assert folder.special_use == "\\Flagged"
    with pytest.raises(InvalidInput):
        await services.folders.create(mailbox_id, "Odd", "\\Odd")


async def test_delete_keeps_children_frees_quota_and_publishes(
    services: Services, operator: Actor
) -> None:
    """DELETE removes the folder and its messages, lowers used bytes, keeps children."""
    mailbox_id = await _mailbox(services, operator)
    await services.folders.create(mailbox_id, "p/c")
    await services.mail.append_many(mailbox_id, "p", [MessageUpload(MESSAGE)] * 2)
    seen: list[Event] = []
    services.events.subscribe(seen.append)
    await services.folders.delete(mailbox_id, "p")
    assert await _names(services, mailbox_id) >= {"p/c"}
    assert "p" not in await _names(services, mailbox_id)
    assert (await services.folders.quota(mailbox_id)).used == 0
    assert any(isinstance(event, FolderDeleted) for event in seen)
    with pytest.raises(InvalidInput):
        await services.folders.delete(mailbox_id, "INBOX")
    with pytest.raises(NotFound):
        await services.folders.delete(mailbox_id, "nowhere")


async def test_rename_moves_children_and_refuses_clashes(
    services: Services, operator: Actor
) -> None:
    """RENAME takes children along and refuses existing or inner destinations."""
    mailbox_id = await _mailbox(services, operator)
    await services.folders.create(mailbox_id, "a/b")
    await services.folders.rename(mailbox_id, "a", "x/y")
    assert {"x", "x/y", "x/y/b"} <= await _names(services, mailbox_id)
    with pytest.raises(Conflict):
        await services.folders.rename(mailbox_id, "x/y", "Sent")
    with pytest.raises(InvalidInput):
        await services.folders.rename(mailbox_id, "x", "x/y/z")
    with pytest.raises(InvalidInput):
        await services.folders.rename(mailbox_id, "Sent", "INBOX")


async def test_rename_inbox_moves_messages(services: Services, operator: Actor) -> None:
    """Renaming INBOX moves its messages into a new folder; INBOX stays, empty, and its UIDs
    are never reused."""
    mailbox_id = await _mailbox(services, operator)
    await services.mail.append_many(mailbox_id, "INBOX", [MessageUpload(MESSAGE)] * 3)
    seen: list[Event] = []
    services.events.subscribe(seen.append)
    await services.folders.rename(mailbox_id, "INBOX", "Old mail")
    assert (await services.folders.summary(mailbox_id, "INBOX")).messages == 0
    assert (await services.folders.summary(mailbox_id, "Old mail")).messages == 3
    assert {type(e) for e in seen} == {MessagesExpunged, MessagesAdded}
    result = await services.mail.append(
        mailbox_id, "INBOX", MESSAGE, flags=frozenset(), internal_date=None
    )
    assert result.uids == (4,)


async def test_subscription_status_and_quota(services: Services, operator: Actor) -> None:
    """Subscriptions toggle; STATUS counts messages, unseen and size; quota follows."""
    mailbox_id = await _mailbox(services, operator)
    await services.folders.set_subscribed(mailbox_id, "Sent", False)
    sent = [f for f in await services.folders.list_folders(mailbox_id) if f.name == "Sent"]
    assert not sent[0].subscribed
    with pytest.raises(NotFound):
        await services.folders.set_subscribed(mailbox_id, "nowhere", True)
    uploads = [MessageUpload(MESSAGE, frozenset({"\\Seen"})), MessageUpload(MESSAGE)]
    await services.mail.append_many(mailbox_id, "INBOX", uploads)
    summary = await services.folders.summary(mailbox_id, "inbox")
    assert (summary.messages, summary.unseen, summary.size) == (2, 1, 2 * len(MESSAGE))
    await services.mailboxes.update(operator, "a@example.test", MailboxChanges(quota_bytes=4096))
    usage = await services.folders.quota(mailbox_id)
    assert (usage.used, usage.limit) == (2 * len(MESSAGE), 4096)
