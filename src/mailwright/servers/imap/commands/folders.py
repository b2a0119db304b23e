"""Folder commands: CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE (RFC 3501 6.3.3-6.3.7),
STATUS (6.3.10, with HIGHESTMODSEQ from RFC 7162 and SIZE from RFC 8438), and the read-only
QUOTA commands GETQUOTA and GETQUOTAROOT (RFC 9208)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from mailwright.protocols.imap import codes
from mailwright.protocols.imap import response as r
from mailwright.protocols.imap.commands import (
    CreateCommand,
    DeleteCommand,
    GetQuotaCommand,
    GetQuotaRootCommand,
    RenameCommand,
    StatusCommand,
    StatusItem,
    SubscribeCommand,
    UnsubscribeCommand,
)

if TYPE_CHECKING:
    from mailwright.servers.imap.session import Session

QUOTA_ROOT: Final = ""
"""The one quota root: the whole mailbox, which every folder counts against."""


async def create(session: Session, command: CreateCommand) -> None:
    """CREATE, optionally with ``(USE (\\Sent))`` (RFC 6154 CREATE-SPECIAL-USE)."""
    special_use: str | None = None
    for param in command.params:
        value = param.value
        if param.name != "USE" or not isinstance(value, tuple) or len(value) != 1:
            session.reject(command.tag, f"Unsupported CREATE parameter {param.name}")
            return
        special_use = str(value[0])
    await session.services.folders.create(session.mailbox_id, command.mailbox, special_use)
    session.complete(command.tag, "CREATE completed")


async def delete(session: Session, command: DeleteCommand) -> None:
    """DELETE: the folder and its messages; children stay (RFC 3501 6.3.4)."""
    await session.services.folders.delete(session.mailbox_id, command.mailbox)
    session.complete(command.tag, "DELETE completed")


async def rename(session: Session, command: RenameCommand) -> None:
    """RENAME, children included; INBOX hands its messages to the new folder."""
    await session.services.folders.rename(session.mailbox_id, command.source, command.destination)
    session.complete(command.tag, "RENAME completed")


async def subscribe(session: Session, command: SubscribeCommand) -> None:
    """SUBSCRIBE an existing folder."""
    await session.services.folders.set_subscribed(session.mailbox_id, command.mailbox, True)
    session.complete(command.tag, "SUBSCRIBE completed")


async def unsubscribe(session: Session, command: UnsubscribeCommand) -> None:
    """UNSUBSCRIBE."""
    await session.services.folders.set_subscribed(session.mailbox_id, command.mailbox, False)
    session.complete(command.tag, "UNSUBSCRIBE completed")


async def status(session: Session, command: StatusCommand) -> None:
    """STATUS: counts of a folder without selecting it."""
    if StatusItem.HIGHESTMODSEQ in command.items:
        session.enable_condstore()
    values = await status_values(session, command.mailbox, command.items)
    session.send(r.status_response(command.mailbox, values))
    session.complete(command.tag, "STATUS completed")


async def status_values(
    session: Session, name: str, items: tuple[StatusItem, ...]
) -> dict[StatusItem, int]:
    """The values of STATUS items for one folder (also used by LIST-STATUS).

    Raises:
        NotFound: no such folder.
    """
    summary = await session.services.folders.summary(session.mailbox_id, name)
    folder = summary.folder
    recent = 0
    if StatusItem.RECENT in items:
        recent = await session.services.mail.recent_count(folder.id)
    known = {
        StatusItem.MESSAGES: summary.messages,
        StatusItem.RECENT: recent,
        StatusItem.UIDNEXT: folder.uidnext,
        StatusItem.UIDVALIDITY: folder.uidvalidity,
        StatusItem.UNSEEN: summary.unseen,
        StatusItem.HIGHESTMODSEQ: folder.highest_modseq,
        StatusItem.SIZE: summary.size,
    }
    return {item: known[item] for item in items}


async def get_quota_root(session: Session, command: GetQuotaRootCommand) -> None:
    """GETQUOTAROOT: every folder is under the mailbox's one root, if it has a quota."""
    await session.services.folders.summary(session.mailbox_id, command.mailbox)
    usage = await session.services.folders.quota(session.mailbox_id)
    roots = [QUOTA_ROOT] if usage.limit is not None else []
    session.send(r.quota_root_response(command.mailbox, roots))
    if usage.limit is not None:
        session.send(r.quota_response(QUOTA_ROOT, [_storage(usage.used, usage.limit)]))
    session.complete(command.tag, "GETQUOTAROOT completed")


async def get_quota(session: Session, command: GetQuotaCommand) -> None:
    """GETQUOTA of the mailbox's root."""
    usage = await session.services.folders.quota(session.mailbox_id)
    if command.root != QUOTA_ROOT or usage.limit is None:
        session.fail(command.tag, "No such quota root", codes.NONEXISTENT)
        return
    session.send(r.quota_response(QUOTA_ROOT, [_storage(usage.used, usage.limit)]))
    session.complete(command.tag, "GETQUOTA completed")


def _storage(used: int, limit: int) -> tuple[str, int, int]:
    # RFC 9208 5.1: STORAGE counts units of 1024 octets.
    return ("STORAGE", -(-used // 1024), limit // 1024)
