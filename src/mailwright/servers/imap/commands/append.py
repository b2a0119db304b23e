"""APPEND (RFC 3501 6.3.11) and MULTIAPPEND (RFC 3502), with LITERAL+ (RFC 7888), BINARY
literal8 (RFC 3516) and ``[APPENDUID]`` (RFC 4315).

The messages are on disk (fsynced) and indexed before the OK goes out; several messages in
one command are stored all or none. Appending to the selected folder reports the new EXISTS
with the OK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailwright.model.errors import NotFound
from mailwright.model.mail_access import MessageUpload
from mailwright.protocols.imap import codes
from mailwright.protocols.imap.codes import ResponseCode
from mailwright.protocols.imap.commands import AppendCommand
from mailwright.protocols.imap.sequence import SequenceSet

if TYPE_CHECKING:
    from mailwright.servers.imap.session import Session


async def append(session: Session, command: AppendCommand) -> None:
    """Store the command's messages in a folder."""
    mail = session.services.mail
    uploads = [MessageUpload(m.data, frozenset(m.flags), m.internal_date) for m in command.messages]
    try:
        if len(uploads) == 1:
            result = await mail.append(
                session.mailbox_id,
                command.mailbox,
                uploads[0].data,
                flags=uploads[0].flags,
                internal_date=uploads[0].internal_date,
            )
        else:
            result = await mail.append_many(session.mailbox_id, command.mailbox, uploads)
    except NotFound as error:
        session.fail(command.tag, error.message, codes.TRYCREATE)
        return
    selected = session.selected
    if selected is not None and selected.folder_id == result.folder_id:
        selected.dirty = True
        await session.refresh()
    uids = result.uids[0] if len(result.uids) == 1 else SequenceSet.of(result.uids)
    code = ResponseCode.append_uid(result.uidvalidity, uids)
    session.complete(command.tag, "APPEND completed", code)
