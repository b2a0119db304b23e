"""IDLE (RFC 2177): changes of the selected folder are pushed as they happen.

Nothing polls: another session's change publishes an event, the registry marks this session's
folder and wakes its connection, and the loop below asks the store what changed and writes
the untagged responses at once (EXPUNGE included: IDLE is not FETCH, STORE or SEARCH).
The client ends IDLE with the line ``DONE``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailwright.protocols.imap import response as r
from mailwright.protocols.imap.commands import IdleCommand
from mailwright.protocols.imap.framing import RawLineReceived
from mailwright.servers.imap.connection import Interruption
from mailwright.servers.imap.state import State

if TYPE_CHECKING:
    from mailwright.servers.imap.session import Session


async def idle(session: Session, command: IdleCommand) -> None:
    """Push updates until DONE, a timeout or the client leaves."""
    connection = session.conn
    session.send(session.updates() + r.continuation("idling"))
    connection.framer.enter_raw_mode()
    while True:
        await session.refresh()
        session.send(session.updates())
        await session.flush()
        event = await connection.next_event(session.timeout(), wakeable=True)
        match event:
            case Interruption.WOKEN:
                continue
            case Interruption.CLOSED:
                session.state = State.LOGOUT
                return
            case Interruption.TIMED_OUT:
                session.send(r.bye("Autologout; idle for too long"))
                session.state = State.LOGOUT
                return
            case RawLineReceived(line=line):
                connection.framer.enter_command_mode()
                if line.strip().upper() == b"DONE":
                    session.complete(command.tag, "IDLE terminated")
                else:
                    session.reject(command.tag, "Expected DONE to end IDLE")
                return
            case _:
                connection.framer.enter_command_mode()
                session.reject(command.tag, "Expected DONE to end IDLE")
                return
