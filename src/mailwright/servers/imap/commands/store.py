"""STORE and UID STORE (RFC 3501 6.4.6), with UNCHANGEDSINCE and ``[MODIFIED]`` (RFC 7162
3.1.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from mailwright.model.mail_access import FlagAction, MessageEntry
from mailwright.protocols.imap import codes
from mailwright.protocols.imap.codes import ResponseCode
from mailwright.protocols.imap.commands import StoreAction, StoreCommand
from mailwright.protocols.imap.sequence import SequenceSet
from mailwright.servers.imap import wire
from mailwright.servers.imap.selected import SelectedFolder

if TYPE_CHECKING:
    from mailwright.servers.imap.session import Session

ACTIONS: Final = {
    StoreAction.REPLACE: FlagAction.REPLACE,
    StoreAction.ADD: FlagAction.ADD,
    StoreAction.REMOVE: FlagAction.REMOVE,
}


async def store(session: Session, command: StoreCommand) -> None:
    """Change flags; report each message's flags unless .SILENT."""
    selected = session.selected
    assert selected is not None
    if selected.read_only:
        session.fail(command.tag, "The folder is read-only", codes.READ_ONLY)
        return
    if command.unchanged_since is not None:
        session.enable_condstore()
    uids = [
        uid
        for uid in selected.resolve(command.sequence_set, uid=command.uid)
        if not selected.is_expunged(uid)
    ]
    update = await session.services.mail.store_flags(
        session.mailbox_id,
        selected.folder_id,
        uids,
        ACTIONS[command.action],
        frozenset(command.flags),
        unchanged_since=command.unchanged_since,
    )
    selected.update_entries(update.entries)
    for entry in update.entries:
        if command.silent and not (session.condstore and entry.uid in update.changed):
            continue
        session.send(_report(session, selected, command, entry))
    code = None
    if update.modified:
        numbers = update.modified
        if not command.uid:
            numbers = [selected.sequence_number(uid) for uid in update.modified]
        code = ResponseCode.modified(SequenceSet.of(numbers))
    session.complete(command.tag, "STORE completed", code)


def _report(
    session: Session, selected: SelectedFolder, command: StoreCommand, entry: MessageEntry
) -> bytes:
    # RFC 3501 6.4.6 FETCH of the new flags; UID for UID STORE (6.4.8); MODSEQ under
    # CONDSTORE, which also reports changes of .SILENT stores (RFC 7162 3.1.3).
    items = []
    if command.uid or command.silent:
        items.append(b"UID %d" % entry.uid)
    if not command.silent:
        items.append(b"FLAGS " + wire.flag_list(entry.flags, entry.uid in selected.recent))
    if session.condstore:
        items.append(b"MODSEQ (%d)" % entry.modseq)
    return wire.fetch_line(selected.sequence_number(entry.uid), b" ".join(items))
