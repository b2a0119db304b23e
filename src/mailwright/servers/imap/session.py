"""One IMAP session: reads framed commands, checks them against the state machine (see
``state``), runs their handlers and writes the answers.

Handlers live in ``commands/`` (one module per command group) and end every command with
``complete``, ``fail`` or ``reject``. Errors of the service layer raised by a handler become
``NO`` with the RFC 5530 code that fits; anything else is logged and answered
``NO [SERVERBUG]`` without ending the session.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Final

from mailwright.model.errors import (
    Conflict,
    InvalidInput,
    MailwrightError,
    NotFound,
    PermissionDenied,
)
from mailwright.model.mailboxes import Mailbox
from mailwright.protocols.imap import codes
from mailwright.protocols.imap import response as r
from mailwright.protocols.imap.commands import Command
from mailwright.protocols.imap.framing import (
    CommandReceived,
    ContinuationNeeded,
    FramerEvent,
    LimitExceeded,
    RawLineReceived,
)
from mailwright.protocols.imap.parser import ParseError, parse_command
from mailwright.servers.imap.config import (
    AUTHENTICATED_CAPABILITIES,
    ImapConfig,
    greeting_capabilities,
)
from mailwright.servers.imap.connection import ImapConnection, Interruption
from mailwright.servers.imap.dispatch import HANDLERS
from mailwright.servers.imap.selected import InvalidSequence, SelectedFolder
from mailwright.servers.imap.state import State, expunge_allowed, refusal
from mailwright.services.container import Services
from mailwright.services.local_delivery import OverQuota

if TYPE_CHECKING:
    from mailwright.servers.imap.registry import SessionRegistry

log = logging.getLogger(__name__)

_CHUNK: Final = 256 * 1024
"""Buffered response octets written to the transport in one go."""


class Session:
    """The state of one connection and the helpers its command handlers use."""

    def __init__(
        self,
        connection: ImapConnection,
        services: Services,
        config: ImapConfig,
        registry: SessionRegistry,
        *,
        starttls_port: bool,
    ) -> None:
        self.conn = connection
        self.services = services
        self.config = config
        self.registry = registry
        self.starttls_port = starttls_port
        self.state = State.NOT_AUTHENTICATED
        self.mailbox: Mailbox | None = None
        self.selected: SelectedFolder | None = None
        self.condstore = False
        self.task: asyncio.Task[None] | None = None
        self._command: Command | None = None
        self._out: list[bytes] = []
        self._out_size = 0
        self._bad_in_a_row = 0

    @property
    def mailbox_id(self) -> int:
        """The logged-in mailbox (only valid after login)."""
        assert self.mailbox is not None
        return self.mailbox.id

    @property
    def peer(self) -> str:
        """The client's address."""
        return self.conn.peer

    def capabilities(self) -> tuple[str, ...]:
        """What CAPABILITY announces now."""
        if self.state in (State.AUTHENTICATED, State.SELECTED):
            return AUTHENTICATED_CAPABILITIES
        return greeting_capabilities(tls=self.conn.tls, starttls_port=self.starttls_port)

    def timeout(self) -> float:
        """Seconds of client silence allowed in the current state."""
        if self.state is State.NOT_AUTHENTICATED:
            return self.config.login_timeout
        return self.config.idle_timeout

    def send(self, data: bytes) -> None:
        """Queue whole responses; they go out in large writes."""
        self._out.append(data)
        self._out_size += len(data)
        if self._out_size >= _CHUNK:
            self.write_now()

    def write_now(self) -> None:
        """Hand whatever is queued to the transport now (no waiting)."""
        if self._out:
            self.conn.write(b"".join(self._out))
            self._out.clear()
            self._out_size = 0

    async def flush(self) -> None:
        """Write what is queued and wait while the client is slow to read.

        Raises:
            TimeoutError: the client read nothing for the idle timeout.
        """
        self.write_now()
        async with asyncio.timeout(self.config.idle_timeout):
            await self.conn.drain()

    def updates(self) -> bytes:
        """The selected folder's pending untagged responses allowed now (state rule 8)."""
        if self.selected is None:
            return b""
        allow = self._command is None or expunge_allowed(self._command)
        return self.selected.take_updates(allow_expunge=allow, report_modseq=self.condstore)

    def complete(
        self, tag: str, text: str = "Completed", code: codes.ResponseCode | None = None
    ) -> None:
        """Pending updates, then ``tag OK``."""
        self.send(self.updates() + r.ok(tag, text, code))

    def fail(self, tag: str, text: str, code: codes.ResponseCode | None = None) -> None:
        """Pending updates, then ``tag NO``."""
        self.send(self.updates() + r.no(tag, text, code))

    def reject(self, tag: str | None, text: str) -> None:
        """``tag BAD``: the command was not understood or not allowed; nothing changed."""
        self._bad_in_a_row += 1
        self.send(r.bad(tag, text))

    async def refresh(self, *, force: bool = False) -> None:
        """Learn what other sessions changed in the selected folder (when told, or forced)."""
        selected = self.selected
        if selected is None or selected.gone or not (selected.dirty or force):
            return
        selected.dirty = False
        changes = await self.services.mail.changes(
            selected.folder_id,
            since_modseq=selected.highest_modseq,
            below_uid=selected.uidnext,
            known=selected.live_count,
        )
        if changes is None:  # RFC 2180 3.3: a deleted folder looks emptied
            selected.gone = True
            selected.mark_expunged(selected.uids)
            return
        keep = not selected.read_only
        selected.apply(
            changes,
            lambda uids: self.services.mail.recent.claim(selected.folder_id, uids, keep=keep),
            report_modseq=self.condstore,
        )

    def logged_in(self, mailbox: Mailbox) -> None:
        """State rule 3: authenticated, with the large framer limits."""
        self.state = State.AUTHENTICATED
        self.mailbox = mailbox
        self.conn.set_limits(max_line=self.config.max_line, max_literal=self.config.max_append)

    def enable_condstore(self) -> None:
        """RFC 7162 3.1: CONDSTORE is on from now; a selected folder reports its HIGHESTMODSEQ."""
        if self.condstore:
            return
        self.condstore = True
        if self.selected is not None:
            code = codes.ResponseCode.highest_modseq(self.selected.highest_modseq)
            self.send(r.untagged(r.Status.OK, "Highest mod-sequence", code))

    def notify(self, folder_id: int) -> None:
        """Another session changed ``folder_id`` of this mailbox (called by the registry)."""
        if self.selected is not None and self.selected.folder_id == folder_id:
            self.selected.dirty = True
            self.conn.wake()

    def terminate(self, reason: str) -> None:
        """End the session now with ``* BYE`` (the mailbox's credentials changed)."""
        if self.state is State.LOGOUT:
            return
        self.state = State.LOGOUT
        self.write_now()
        self.conn.write(r.bye(reason))
        self.conn.close()
        if self.task is not None and self.task is not asyncio.current_task():
            self.task.cancel()

    async def run(self) -> None:
        """Greet, then serve commands until LOGOUT, a timeout or the client leaves."""
        text = f"{self.config.hostname} Mailwright IMAP4rev1 ready"
        capability = codes.ResponseCode.capability(self.capabilities())
        self.send(r.untagged(r.Status.OK, text, capability))
        try:
            await self.flush()
            while self.state is not State.LOGOUT:
                event = await self.conn.next_event(self.timeout())
                if isinstance(event, Interruption):
                    self._interrupted(event)
                    break
                await self._handle(event)
                if self._bad_in_a_row >= self.config.max_bad_commands:
                    self.send(r.bye("Too many invalid commands"))
                    break
                await self.flush()
        except (ConnectionError, TimeoutError, asyncio.CancelledError):
            pass  # the client left, stopped reading, or the session was ended from outside
        finally:
            self.write_now()
            self.state = State.LOGOUT
            self.registry.remove(self)
            self.conn.close()

    def _interrupted(self, why: Interruption) -> None:
        if why is Interruption.TIMED_OUT:
            self.send(r.bye("Autologout; idle for too long"))

    async def _handle(self, event: FramerEvent) -> None:
        match event:
            case CommandReceived(line=line):
                await self._command_line(line)
            case ContinuationNeeded():
                self.send(r.continuation())
            case LimitExceeded():
                self._bad_in_a_row += 1
                self.send(r.limit_reply(event))
            case RawLineReceived():
                self.reject(None, "Unexpected line")

    async def _command_line(self, line: bytes) -> None:
        try:
            command = parse_command(line)
        except ParseError as error:
            self._bad_in_a_row += 1
            self.send(r.parse_error_reply(error))
            return
        problem = refusal(self.state, command)
        if problem is not None:
            self.reject(command.tag, problem)
            return
        self._bad_in_a_row = 0
        self._command = command
        try:
            await self.refresh()
            await self._run_handler(command)
        finally:
            self._command = None

    async def _run_handler(self, command: Command) -> None:
        try:
            await HANDLERS[type(command)](self, command)
        except InvalidSequence as error:
            self.reject(command.tag, str(error))
        except MailwrightError as error:
            self.fail(command.tag, error.message, error_code(error))
        except (ConnectionError, TimeoutError, asyncio.CancelledError):
            raise
        except Exception:
            log.exception("IMAP %s failed", command.name)
            self.fail(command.tag, "Internal error; it has been logged", codes.SERVERBUG)


def error_code(error: MailwrightError) -> codes.ResponseCode | None:
    """The RFC 5530 response code for a service error."""
    match error:
        case OverQuota():
            return codes.OVERQUOTA
        case NotFound():
            return codes.NONEXISTENT
        case Conflict():
            return codes.ALREADYEXISTS
        case PermissionDenied():
            return codes.NOPERM
        case InvalidInput():
            return codes.CANNOT
    return None
