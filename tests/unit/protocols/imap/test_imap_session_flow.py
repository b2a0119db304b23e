"""Framer, parser and response builder driven together, the way the IMAP server will."""

from __future__ import annotations

import base64

from mailwright.protocols.imap import codes
from mailwright.protocols.imap import response as r
from mailwright.protocols.imap.commands import (
    AppendCommand,
    AuthenticateCommand,
    Command,
    FetchCommand,
    IdleCommand,
    LoginCommand,
)
from mailwright.protocols.imap.framing import (
    CommandFramer,
    CommandReceived,
    ContinuationNeeded,
    LimitExceeded,
    RawLineReceived,
)
from mailwright.protocols.imap.parser import ParseError, parse_command
from mailwright.protocols.imap.values import atoms


class Session:
    """A toy server loop: feed bytes, answer events, collect what would be written."""

    def __init__(self) -> None:
        self.framer = CommandFramer(max_line=8192, max_literal=8192)
        self.written = b""
        self.commands: list[Command] = []
        self.raw_lines: list[bytes] = []

    def receive(self, data: bytes) -> None:
        self.framer.feed(data)
        for event in self.framer.events():
            match event:
                case ContinuationNeeded():
                    self.written += r.continuation()
                case LimitExceeded():
                    self.written += r.limit_reply(event)
                case RawLineReceived(line=line):
                    self.raw_lines.append(line)
                    self.framer.enter_command_mode()
                    self.written += r.ok("a3" if line == b"DONE" else "a2", "Done")
                case CommandReceived(line=line):
                    self.handle(line)

    def handle(self, line: bytes) -> None:
        try:
            command = parse_command(line)
        except ParseError as error:
            self.written += r.parse_error_reply(error)
            return
        self.commands.append(command)
        match command:
            case LoginCommand(tag=tag):
                self.framer.set_limits(max_line=65536, max_literal=50 * 1024 * 1024)
                self.written += r.ok(tag, "Logged in", codes.ResponseCode.capability(["IMAP4rev1"]))
            case AuthenticateCommand(initial_response=None):
                self.framer.enter_raw_mode()
                self.written += r.sasl_challenge(b"")
            case IdleCommand():
                self.framer.enter_raw_mode()
                self.written += r.continuation("idling")
            case FetchCommand(tag=tag):
                items = [(a.echo, atoms(["\\Seen"])) for a in command.attributes]
                self.written += r.fetch_response(1, items) + r.ok(tag, "FETCH done")
            case AppendCommand(tag=tag):
                code = codes.ResponseCode.append_uid(7, 1)
                self.written += r.ok(tag, "APPEND done", code)


def test_login_fetch_append_flow() -> None:
    """LOGIN with a literal, FETCH, then a big APPEND allowed by the raised post-login limits."""
    session = Session()
    session.receive(b"a1 LOGIN {5}\r\n")
    assert session.written == b"+ Ready for literal data\r\n"
    session.receive(b'alice "secret"\r\na2 FETCH 1 (FLAGS)\r\n')
    message = b"Subject: hi\r\n\r\n" + b"x" * 20000
    session.receive(b"a3 APPEND INBOX (\\Seen) {%d+}\r\n" % len(message) + message + b"\r\n")
    assert session.written.splitlines()[1:] == [
        b"a1 OK [CAPABILITY IMAP4rev1] Logged in",
        b"* 1 FETCH (FLAGS (\\Seen))",
        b"a2 OK FETCH done",
        b"a3 OK [APPENDUID 7 1] APPEND done",
    ]
    login, _, append = session.commands
    assert login == LoginCommand("a1", "alice", "secret")
    assert isinstance(append, AppendCommand)
    assert append.messages[0].data == message


def test_authenticate_and_idle_continuations() -> None:
    """AUTHENTICATE and IDLE switch the framer to raw lines until the exchange ends."""
    session = Session()
    response = base64.b64encode(b"\x00alice\x00secret")
    session.receive(b"a2 AUTHENTICATE PLAIN\r\n" + response + b"\r\na3 IDLE\r\nDONE\r\n")
    assert session.raw_lines == [response, b"DONE"]
    assert session.written == b"+ \r\na2 OK Done\r\n+ idling\r\na3 OK Done\r\n"


def test_errors_become_bad_responses() -> None:
    """Unparseable lines and over-long lines are answered with BAD, and the session goes on."""
    session = Session()
    session.receive(b"a1 FROB\r\n+ NOOP\r\na2 LOGIN " + b"x" * 9000 + b"\r\n")
    assert session.written == (
        b"a1 BAD Unknown command FROB\r\n"
        b"* BAD Expected tag, found '+'\r\n"
        b"a2 BAD Command line exceeds 8192 octets\r\n"
    )
