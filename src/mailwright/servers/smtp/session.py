"""One SMTP session: greeting, EHLO, STARTTLS, AUTH, then mail transactions.

The session parses with ``protocols.smtp`` and decides with the services; it never touches
storage. Inbound (MX) sessions accept mail only for hosted recipients and never relay;
submission sessions require TLS and AUTH and may send anywhere as their own addresses.
"""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass, field
from enum import StrEnum

from mailwright.model.mailboxes import Mailbox
from mailwright.protocols.smtp import replies
from mailwright.protocols.smtp.commands import (
    Auth,
    Command,
    CommandError,
    Data,
    Ehlo,
    Help,
    MailFrom,
    Noop,
    Quit,
    RcptTo,
    Rset,
    StartTls,
    Vrfy,
    parse_command,
)
from mailwright.protocols.smtp.replies import Reply
from mailwright.servers.smtp.auth import authenticate_client
from mailwright.servers.smtp.connection import Connection, LineTooLong
from mailwright.servers.smtp.state import State, check_allowed
from mailwright.servers.smtp.transaction import Transaction, receive_message, start_rcpt
from mailwright.services.container import Services

log = logging.getLogger(__name__)

MAX_ERRORS = 10


class Mode(StrEnum):
    """What a listener is for."""

    INBOUND = "inbound"
    SUBMISSION = "submission"


@dataclass(frozen=True)
class SessionConfig:
    """Settings one listener gives its sessions."""

    mode: Mode
    hostname: str
    max_message_size: int
    max_recipients: int
    tls_context: ssl.SSLContext | None
    portal_url: str
    timeout: float = 300.0


@dataclass
class SessionState:
    """What the session knows so far."""

    state: State = State.GREETED
    helo: str = ""
    extended: bool = False
    mailbox: Mailbox | None = None
    failed_auth: int = 0
    errors: int = 0
    transaction: Transaction | None = None
    identities: set[str] = field(default_factory=set)


class SmtpSession:
    """Runs one connection to its end."""

    def __init__(self, connection: Connection, config: SessionConfig, services: Services) -> None:
        self.connection = connection
        self.config = config
        self.services = services
        self.s = SessionState()

    async def run(self) -> None:
        """Greet, then answer commands until QUIT, an error limit, a timeout or disconnect."""
        await self.connection.send(Reply(220, "", f"{self.config.hostname} ESMTP Mailwright ready"))
        while not self.connection.closed:
            try:
                line = await self.connection.read_line()
            except LineTooLong:
                await self._error(replies.LINE_TOO_LONG)
                continue
            if line is None:
                return
            if not await self._handle_line(line):
                return

    async def _handle_line(self, line: bytes) -> bool:
        try:
            command = parse_command(line)
        except CommandError as error:
            await self._error(error.reply)
            return not self.connection.closed
        if not check_allowed(self.s.state, command.verb):
            await self._error(replies.BAD_SEQUENCE)
            return not self.connection.closed
        reply = await self._dispatch(command)
        if reply is not None:
            await self.connection.send(reply)
        return not isinstance(command, Quit)

    async def _dispatch(self, command: Command) -> Reply | None:
        match command:
            case Ehlo():
                return self._ehlo(command)
            case MailFrom():
                return await self._mail(command)
            case RcptTo():
                return await start_rcpt(self, command)
            case Data():
                return await receive_message(self)
            case Rset():
                self._reset_transaction()
                return replies.RESET_OK
            case Noop():
                return replies.NOOP_OK
            case Quit():
                return replies.BYE
            case Vrfy():
                return replies.CANNOT_VRFY
            case Help():
                return replies.HELP
            case StartTls():
                return await self._starttls()
            case Auth():
                return await authenticate_client(self, command)
        return replies.UNRECOGNIZED

    async def _error(self, reply: Reply) -> None:
        self.s.errors += 1
        if self.s.errors >= MAX_ERRORS:
            await self.connection.send(replies.TOO_MANY_ERRORS)
            await self.connection.close()
            return
        await self.connection.send(reply)

    def _reset_transaction(self) -> None:
        self.s.transaction = None
        if self.s.state is not State.GREETED:
            self.s.state = State.READY

    def _ehlo(self, command: Ehlo) -> Reply:
        self.s.helo = command.domain
        self.s.extended = command.extended
        self.s.transaction = None
        self.s.state = State.READY
        if not command.extended:
            return Reply(250, "", f"{self.config.hostname} Hello {command.domain}")
        return Reply(
            250,
            "",
            "\n".join([f"{self.config.hostname} Hello {command.domain}", *self.extensions()]),
        )

    def extensions(self) -> list[str]:
        """The EHLO keywords this session offers now."""
        keywords = [
            "PIPELINING",
            f"SIZE {self.config.max_message_size}",
            "8BITMIME",
            "SMTPUTF8",
            "ENHANCEDSTATUSCODES",
        ]
        if self.config.tls_context is not None and not self.connection.tls:
            keywords.append("STARTTLS")
        if self.offers_auth():
            keywords.append("AUTH PLAIN LOGIN")
        keywords.append("HELP")
        return keywords

    def offers_auth(self) -> bool:
        """AUTH only on submission, only over TLS, only before a successful login."""
        return (
            self.config.mode is Mode.SUBMISSION and self.connection.tls and self.s.mailbox is None
        )

    async def _starttls(self) -> Reply | None:
        if self.config.tls_context is None:
            return replies.NOT_IMPLEMENTED.with_text("STARTTLS not available")
        if self.connection.tls:
            return replies.BAD_SEQUENCE.with_text("TLS already active")
        await self.connection.send(replies.READY_FOR_TLS)
        self.connection.discard_pending_input()
        try:
            await self.connection.start_tls(self.config.tls_context)
        except (ssl.SSLError, OSError, TimeoutError) as error:
            log.info("smtp: TLS handshake with %s failed: %s", self.connection.peer, error)
            await self.connection.close()
            return None
        # RFC 3207 4.2: forget everything learned before TLS.
        self.s = SessionState()
        return None

    async def _mail(self, command: MailFrom) -> Reply:
        if self.config.mode is Mode.SUBMISSION:
            if not self.connection.tls:
                return replies.MUST_USE_TLS
            if self.s.mailbox is None:
                return replies.AUTH_REQUIRED
            if not command.address or command.address.lower() not in self.s.identities:
                return replies.SENDER_NOT_OWNED
        if command.size is not None and command.size > self.config.max_message_size:
            return replies.TOO_BIG
        self.s.transaction = Transaction(sender=command.address, declared_size=command.size or 0)
        self.s.state = State.MAIL_GIVEN
        return replies.SENDER_OK
