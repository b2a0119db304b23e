"""Selecting and leaving folders: SELECT, EXAMINE (RFC 3501 6.3.1-2, CONDSTORE RFC 7162),
CLOSE (6.4.2), UNSELECT (RFC 3691), CHECK (6.4.1), EXPUNGE (6.4.3) and UID EXPUNGE
(RFC 4315)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailwright.model.mailstore import DELETED
from mailwright.protocols.imap import codes
from mailwright.protocols.imap import response as r
from mailwright.protocols.imap.codes import ResponseCode
from mailwright.protocols.imap.commands import (
    CheckCommand,
    CloseCommand,
    ExpungeCommand,
    SelectCommand,
    UnselectCommand,
)
from mailwright.servers.imap.selected import SelectedFolder
from mailwright.servers.imap.state import State

if TYPE_CHECKING:
    from mailwright.servers.imap.session import Session


async def select(session: Session, command: SelectCommand) -> None:
    """SELECT and EXAMINE (its read-only subclass)."""
    if any(param.name != "CONDSTORE" for param in command.params):
        session.reject(command.tag, "Only the CONDSTORE parameter is supported")
        return
    deselect(session)  # state rule 4: a failing SELECT leaves no folder selected
    if command.condstore:
        session.enable_condstore()
    snapshot = await session.services.mail.open(session.mailbox_id, command.mailbox)
    uids = [entry.uid for entry in snapshot.messages]
    recent = session.services.mail.recent.claim(
        snapshot.folder.id, uids, keep=not command.read_only
    )
    selected = SelectedFolder(snapshot, read_only=command.read_only, recent=recent)
    session.selected = selected
    session.state = State.SELECTED
    session.send(_select_responses(selected))
    code = codes.READ_ONLY if command.read_only else codes.READ_WRITE
    session.complete(command.tag, f"{command.name} completed", code)


def _select_responses(selected: SelectedFolder) -> bytes:
    lines = [
        selected.flags_responses(),
        r.exists_response(selected.exists),
        r.recent_response(len(selected.recent)),
    ]
    unseen = selected.first_unseen()
    if unseen is not None:
        lines.append(r.untagged(r.Status.OK, "First unseen", ResponseCode.unseen(unseen)))
    for text, code in (
        ("UIDs valid", ResponseCode.uid_validity(selected.uidvalidity)),
        ("Predicted next UID", ResponseCode.uid_next(selected.uidnext)),
        ("Highest mod-sequence", ResponseCode.highest_modseq(selected.highest_modseq)),
    ):
        lines.append(r.untagged(r.Status.OK, text, code))
    return b"".join(lines)


def deselect(session: Session) -> None:
    """Leave the selected folder (nothing is expunged)."""
    session.selected = None
    if session.state is State.SELECTED:
        session.state = State.AUTHENTICATED


async def close(session: Session, command: CloseCommand) -> None:
    """CLOSE: expunge \\Deleted messages without EXPUNGE responses, then leave."""
    selected = session.selected
    if selected is not None and not selected.read_only and not selected.gone:
        doomed = [uid for uid, entry in selected.entries.items() if DELETED in entry.flags]
        if doomed:
            await session.services.mail.expunge(session.mailbox_id, selected.folder_id, doomed)
    deselect(session)
    session.complete(command.tag, "CLOSE completed")


async def unselect(session: Session, command: UnselectCommand) -> None:
    """UNSELECT: leave without expunging."""
    deselect(session)
    session.complete(command.tag, "UNSELECT completed")


async def check(session: Session, command: CheckCommand) -> None:
    """CHECK: every change is durable at once, so this only looks for news."""
    await session.refresh(force=True)
    session.complete(command.tag, "CHECK completed")


async def expunge(session: Session, command: ExpungeCommand) -> None:
    """EXPUNGE, or UID EXPUNGE of a UID set (UIDPLUS)."""
    selected = session.selected
    assert selected is not None
    if selected.read_only:
        session.fail(command.tag, "The folder is read-only", codes.READ_ONLY)
        return
    if command.sequence_set is not None:
        candidates = selected.resolve(command.sequence_set, uid=True)
    else:
        candidates = list(selected.entries)
    doomed = [
        uid
        for uid in candidates
        if DELETED in selected.entries[uid].flags and not selected.is_expunged(uid)
    ]
    if doomed:
        removed = await session.services.mail.expunge(
            session.mailbox_id, selected.folder_id, doomed
        )
        selected.mark_expunged(removed)
    session.complete(command.tag, "EXPUNGE completed")
