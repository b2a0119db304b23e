"""Local delivery: routing through aliases, durability order, quotas, the queue."""

from __future__ import annotations

import asyncio

import pytest

from mailwright.model.actors import Actor
from mailwright.model.errors import InvalidInput
from mailwright.model.events import Event, MessagesAdded
from mailwright.model.mailstore import INBOX
from mailwright.model.outbound import Origin
from mailwright.services.container import Services
from mailwright.services.local_delivery import OverQuota
from mailwright.services.mailboxes import MailboxChanges
from mailwright.services.routing import Verdict
from tests.values import STRONG

MESSAGE = b"From: x@remote.test\r\nTo: a@example.test\r\nSubject: hi\r\n\r\nHello\r\n"


async def _setup(services: Services, operator: Actor) -> None:
    await services.domains.add(operator, "example.test")
    for name in ("a", "b", "c"):
        await services.mailboxes.create(operator, f"{name}@example.test", STRONG)


async def _inbox(services: Services, address: str) -> list[bytes]:
    mailbox = await services.mailboxes.get(Actor.system(), address)
    async with services.database.snapshot() as tx:
        folder = await tx.folders.find(mailbox.id, INBOX)
        assert folder is not None
        rows = await tx.messages.list_folder(folder.id)
    return [services.blobs.read(r.blob) for r in rows]


async def deliver(services: Services, *recipients: str, message: bytes = MESSAGE) -> object:
    return await services.delivery.deliver(
        message,
        sender="x@remote.test",
        recipients=list(recipients),
        origin=Origin.SMTP,
        submitted_by="test",
    )


async def test_new_mailbox_has_special_folders(services: Services, operator: Actor) -> None:
    """Every new mailbox gets INBOX and the RFC 6154 special-use folders."""
    await _setup(services, operator)
    mailbox = await services.mailboxes.get(operator, "a@example.test")
    async with services.database.snapshot() as tx:
        folders = await tx.folders.list_folders(mailbox.id)
    assert {(f.name, f.special_use) for f in folders} == {
        ("INBOX", None),
        ("Sent", "\\Sent"),
        ("Drafts", "\\Drafts"),
        ("Trash", "\\Trash"),
        ("Junk", "\\Junk"),
        ("Archive", "\\Archive"),
    }


async def test_deliver_to_mailbox_alias_and_catch_all(services: Services, operator: Actor) -> None:
    """Mail reaches mailboxes directly, through aliases, and through the catch-all, once each."""
    await _setup(services, operator)
    await services.aliases.add(operator, "team@example.test", ["a@example.test", "b@example.test"])
    await services.aliases.add(operator, "@example.test", ["c@example.test"])
    seen: list[Event] = []
    services.events.subscribe(seen.append)
    report = await deliver(services, "team@example.test", "a@example.test", "whoever@example.test")
    assert set(report.delivered_to) == {"a@example.test", "b@example.test", "c@example.test"}  # type: ignore[attr-defined]
    assert await _inbox(services, "a@example.test") == [MESSAGE]
    assert len(await _inbox(services, "c@example.test")) == 1
    assert len([e for e in seen if isinstance(e, MessagesAdded)]) == 3
    a = await services.mailboxes.get(operator, "a@example.test")
    assert a.used_bytes == len(MESSAGE)


async def test_routing_verdicts(services: Services, operator: Actor) -> None:
    """Unknown, disabled, remote and looping aliases resolve as they should."""
    await _setup(services, operator)
    await services.aliases.add(operator, "loop1@example.test", ["loop2@example.test"])
    await services.aliases.add(
        operator, "loop2@example.test", ["loop1@example.test", "a@example.test"]
    )
    await services.aliases.add(operator, "out@example.test", ["someone@elsewhere.test"])
    await services.mailboxes.set_disabled(operator, "b@example.test", True)
    check = services.delivery.check_recipient
    assert (await check("nobody@example.test")).verdict is Verdict.UNKNOWN
    assert (await check("b@example.test")).verdict is Verdict.DISABLED
    assert (await check("x@elsewhere.test")).verdict is Verdict.REMOTE
    assert (await check("loop1@example.test")).verdict is Verdict.LOCAL
    assert (await check("out@example.test")).verdict is Verdict.LOCAL
    report = await deliver(services, "loop1@example.test", "out@example.test")
    assert report.delivered_to == ("a@example.test",)  # type: ignore[attr-defined]
    assert report.queued_to == ("someone@elsewhere.test",)  # type: ignore[attr-defined]
    async with services.database.snapshot() as tx:
        queued = await tx.outbound.find(report.queued_id)  # type: ignore[attr-defined]
    assert queued is not None and queued.recipients[0].recipient == "someone@elsewhere.test"
    with pytest.raises(InvalidInput, match="No recipient"):
        await deliver(services, "nobody@example.test")


async def test_quota(services: Services, operator: Actor) -> None:
    """A single over-quota recipient refuses the message; RCPT checks see it coming."""
    await _setup(services, operator)
    await services.mailboxes.update(operator, "a@example.test", MailboxChanges(quota_bytes=100))
    assert (await services.delivery.check_recipient("a@example.test", 500)).over_quota
    with pytest.raises(OverQuota):
        await deliver(services, "a@example.test", message=MESSAGE + b"x" * 200)
    assert await _inbox(services, "a@example.test") == []


async def test_concurrent_deliveries_get_unique_uids(services: Services, operator: Actor) -> None:
    """Many deliveries at once into one INBOX produce consecutive, unique UIDs."""
    await _setup(services, operator)
    await asyncio.gather(
        *(deliver(services, "a@example.test", message=MESSAGE + str(i).encode()) for i in range(30))
    )
    mailbox = await services.mailboxes.get(operator, "a@example.test")
    async with services.database.snapshot() as tx:
        folder = await tx.folders.find(mailbox.id, INBOX)
        assert folder is not None
        rows = await tx.messages.list_folder(folder.id)
        status = await tx.messages.status(folder.id)
    assert [r.uid for r in rows] == list(range(1, 31))
    assert folder.uidnext == 31
    assert (status.messages, status.unseen) == (30, 30)


async def test_one_group_commit_counts_quota_once(services: Services, operator: Actor) -> None:
    """Messages committed together fill the quota exactly: of three equal messages where two
    fit, two arrive (whichever reached the commit first), one is refused, and the stored use
    equals what arrived."""
    await _setup(services, operator)
    messages = [MESSAGE + str(i).encode() * 10 for i in range(3)]
    quota = sum(len(m) for m in messages[:2])
    await services.mailboxes.update(operator, "a@example.test", MailboxChanges(quota_bytes=quota))
    results = await asyncio.gather(
        *(deliver(services, "a@example.test", message=m) for m in messages),
        return_exceptions=True,
    )
    assert sorted(isinstance(r, OverQuota) for r in results) == [False, False, True]
    assert len(await _inbox(services, "a@example.test")) == 2
    mailbox = await services.mailboxes.get(operator, "a@example.test")
    assert mailbox.used_bytes == quota


async def test_refused_message_in_a_batch_disturbs_no_other(
    services: Services, operator: Actor
) -> None:
    """In one group commit, a refused message writes nothing and the others arrive in each of
    their folders (in the order they reached the commit)."""
    await _setup(services, operator)
    results = await asyncio.gather(
        deliver(services, "a@example.test", "b@example.test", message=MESSAGE + b"1"),
        deliver(services, "nobody@example.test", message=MESSAGE + b"2"),
        deliver(services, "b@example.test", message=MESSAGE + b"3"),
        return_exceptions=True,
    )
    assert isinstance(results[1], InvalidInput)
    assert await _inbox(services, "a@example.test") == [MESSAGE + b"1"]
    assert sorted(await _inbox(services, "b@example.test")) == [MESSAGE + b"1", MESSAGE + b"3"]


async def test_mail_loop_is_refused(services: Services, operator: Actor) -> None:
    """A message with more than 50 Received headers is refused."""
    await _setup(services, operator)
    looped = b"Received: from x\r\n" * 51 + MESSAGE
    with pytest.raises(InvalidInput, match="loop"):
        await deliver(services, "a@example.test", message=looped)


async def test_reset_notices_reach_recovery_and_it_addresses(
    services: Services, operator: Actor
) -> None:
    """A reset notifies the owner's recovery address and the domain's IT address, without the
    password."""
    from mailwright.services.domains import DomainChanges

    await _setup(services, operator)
    await services.domains.update(
        operator, "example.test", DomainChanges(it_notification_address="b@example.test")
    )
    await services.mailboxes.update(
        operator, "a@example.test", MailboxChanges(recovery_address="c@example.test")
    )
    new_password = "Copper-Lantern-Mosaic-58"
    result = await services.passwords.reset_password(
        operator, "a@example.test", new_password, must_change=True, reason="ticket 7", notify=True
    )
    assert set(result.notified) == {"b@example.test", "c@example.test"}
    for address in ("b@example.test", "c@example.test"):
        (notice,) = await _inbox(services, address)
        assert b"Password reset for a@example.test" in notice
        assert b"ticket 7" in notice and b"operator:tester" in notice
        assert new_password.encode() not in notice
    silent = await services.passwords.reset_password(
        operator, "a@example.test", None, must_change=False, reason="", notify=False
    )
    assert silent.notified == ("b@example.test",)
