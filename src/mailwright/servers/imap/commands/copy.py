"""COPY (RFC 3501 6.4.7) and MOVE (RFC 6851), with their UID forms and ``[COPYUID]``
(RFC 4315)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailwright.model.errors import NotFound
from mailwright.model.mail_access import CopyResult
from mailwright.protocols.imap import codes
from mailwright.protocols.imap import response as r
from mailwright.protocols.imap.codes import ResponseCode
from mailwright.protocols.imap.commands import CopyCommand, MoveCommand
from mailwright.protocols.imap.sequence import SequenceSet

if TYPE_CHECKING:
    from mailwright.servers.imap.session import Session


def _copy_uid(result: CopyResult) -> ResponseCode | None:
    if not result.source_uids:
        return None
    source, target = SequenceSet.of(result.source_uids), SequenceSet.of(result.target_uids)
    return ResponseCode.copy_uid(result.uidvalidity, source, target)


def _messages(session: Session, command: CopyCommand | MoveCommand) -> list[int]:
    selected = session.selected
    assert selected is not None
    uids = selected.resolve(command.sequence_set, uid=command.uid)
    return [uid for uid in uids if not selected.is_expunged(uid)]


async def copy(session: Session, command: CopyCommand) -> None:
    """COPY: new UIDs in the target, flags and internal dates kept."""
    selected = session.selected
    assert selected is not None
    uids = _messages(session, command)
    try:
        result = await session.services.mail.copy(
            session.mailbox_id, selected.folder_id, uids, command.mailbox
        )
    except NotFound as error:
        session.fail(command.tag, error.message, None if selected.gone else codes.TRYCREATE)
        return
    session.complete(command.tag, "COPY completed", _copy_uid(result))


async def move(session: Session, command: MoveCommand) -> None:
    """MOVE: ``* OK [COPYUID ...]``, then EXPUNGE of the moved messages, then OK."""
    selected = session.selected
    assert selected is not None
    if selected.read_only:
        session.fail(command.tag, "The folder is read-only", codes.READ_ONLY)
        return
    uids = _messages(session, command)
    try:
        result = await session.services.mail.move(
            session.mailbox_id, selected.folder_id, uids, command.mailbox
        )
    except NotFound as error:
        session.fail(command.tag, error.message, None if selected.gone else codes.TRYCREATE)
        return
    code = _copy_uid(result)
    if code is not None:
        session.send(r.untagged(r.Status.OK, "Moved", code))
    selected.mark_expunged(result.source_uids)
    session.complete(command.tag, "MOVE completed")
