"""SMTP command lines parsed into typed commands (RFC 5321 4.1, RFC 1870 SIZE, RFC 6152
8BITMIME, RFC 6531 SMTPUTF8, RFC 4954 AUTH, RFC 3207 STARTTLS).

``parse_command`` returns a command or raises ``CommandError`` carrying the reply to send.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from mailwright.protocols.smtp import replies
from mailwright.protocols.smtp.replies import Reply

# RFC 5321 4.5.3.1.4: 512 octets including CRLF; extensions (SIZE=, AUTH=...) may add more.
MAX_COMMAND_LINE = 2048
MAX_PATH = 256


class CommandError(Exception):
    """The line is not an acceptable command; ``reply`` says why."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.text)
        self.reply = reply


@dataclass(frozen=True)
class Ehlo:
    verb: ClassVar[str] = "EHLO"
    domain: str
    extended: bool = True


@dataclass(frozen=True)
class MailFrom:
    """``address`` is "" for the null reverse-path ``<>``."""

    verb: ClassVar[str] = "MAIL"

    address: str
    size: int | None = None
    body: str | None = None
    smtputf8: bool = False
    params: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class RcptTo:
    verb: ClassVar[str] = "RCPT"
    address: str
    params: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Data:
    verb: ClassVar[str] = "DATA"
    pass


@dataclass(frozen=True)
class Rset:
    verb: ClassVar[str] = "RSET"
    pass


@dataclass(frozen=True)
class Noop:
    verb: ClassVar[str] = "NOOP"
    pass


@dataclass(frozen=True)
class Quit:
    verb: ClassVar[str] = "QUIT"
    pass


@dataclass(frozen=True)
class Vrfy:
    verb: ClassVar[str] = "VRFY"
    argument: str


@dataclass(frozen=True)
class Help:
    verb: ClassVar[str] = "HELP"
    pass


@dataclass(frozen=True)
class StartTls:
    verb: ClassVar[str] = "STARTTLS"
    pass


@dataclass(frozen=True)
class Auth:
    verb: ClassVar[str] = "AUTH"
    mechanism: str
    initial_response: str | None


Command = Ehlo | MailFrom | RcptTo | Data | Rset | Noop | Quit | Vrfy | Help | StartTls | Auth

# RFC 5321 4.1.2 Dot-string / Quoted-string local parts, domain or address literal.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\U0010ffff]"
_DOT_STRING = rf"{_ATEXT}+(?:\.{_ATEXT}+)*"
_QUOTED = r'"(?:[^"\\\r\n]|\\[ -~])*"'
_LETTER = r"[A-Za-z0-9\u0080-\U0010ffff]"
_LABEL = rf"{_LETTER}(?:[A-Za-z0-9\-\u0080-\U0010ffff]*{_LETTER})?"
_DOMAIN = rf"(?:{_LABEL}\.)*{_LABEL}"
_LITERAL = r"\[[^\[\]\\\s]+\]"
_MAILBOX = re.compile(rf"^(?:{_DOT_STRING}|{_QUOTED})@(?:{_DOMAIN}|{_LITERAL})$")
_SOURCE_ROUTE = re.compile(r"^(?:@[^,:]+(?:,@[^,:]+)*:)")
_KEYWORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-]*$")


def parse_command(line: bytes) -> Command:
    """Parse one command line (with or without its CRLF).

    Raises:
        CommandError: unknown command (500 5.5.2), bad arguments (501 5.5.4), too long
            (500 5.5.6).
    """
    if len(line) > MAX_COMMAND_LINE:
        raise CommandError(replies.LINE_TOO_LONG)
    try:
        text = line.rstrip(b"\r\n").decode("utf-8")
    except UnicodeDecodeError:
        raise CommandError(replies.SYNTAX.with_text("Command is not valid UTF-8")) from None
    if any(ord(c) < 32 and c != "\t" for c in text):
        raise CommandError(replies.SYNTAX.with_text("Control characters in command"))
    verb, _, rest = text.partition(" ")
    parser = _PARSERS.get(verb.upper())
    if parser is None:
        raise CommandError(replies.UNRECOGNIZED)
    return parser(rest.strip())


Parser = Callable[[str], Command]


def _no_argument(command: Command) -> Parser:
    def parse(rest: str) -> Command:
        if rest:
            raise CommandError(replies.SYNTAX.with_text("This command takes no arguments"))
        return command

    return parse


def _ehlo(extended: bool) -> Parser:
    def parse(rest: str) -> Command:
        if not rest or " " in rest:
            raise CommandError(replies.SYNTAX.with_text("Syntax: EHLO hostname"))
        return Ehlo(rest, extended)

    return parse


def parse_path(text: str, *, allow_null: bool) -> tuple[str, str]:
    """Split ``<path> params`` into (address, params text).

    Raises:
        CommandError: the path is malformed.
    """
    if not text.startswith("<"):
        raise CommandError(replies.SYNTAX.with_text("Path must be enclosed in <>"))
    end = _path_end(text)
    inner, rest = text[1:end], text[end + 1 :]
    if rest and not rest.startswith(" "):
        raise CommandError(replies.SYNTAX.with_text("Garbage after the path"))
    inner = _SOURCE_ROUTE.sub("", inner)
    if inner == "":
        if allow_null:
            return "", rest.strip()
        raise CommandError(replies.BAD_DESTINATION_SYNTAX.with_text("Empty recipient address"))
    if len(inner) > MAX_PATH or not _MAILBOX.match(inner):
        raise CommandError(replies.BAD_DESTINATION_SYNTAX.with_text(f"Invalid address <{inner}>"))
    return inner, rest.strip()


def _path_end(text: str) -> int:
    quoted = False
    escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ">" and not quoted:
            return index
    raise CommandError(replies.SYNTAX.with_text("Unterminated path"))


def parse_params(text: str) -> dict[str, str | None]:
    """ESMTP parameters ``KEY[=VALUE]`` separated by spaces (keys upper-cased)."""
    params: dict[str, str | None] = {}
    for item in text.split():
        key, sep, value = item.partition("=")
        if not _KEYWORD.match(key) or (sep and not value):
            raise CommandError(replies.SYNTAX.with_text(f"Bad parameter {item}"))
        params[key.upper()] = value if sep else None
    return params


def _mail(rest: str) -> Command:
    if not rest.upper().startswith("FROM:"):
        raise CommandError(replies.SYNTAX.with_text("Syntax: MAIL FROM:<address>"))
    address, params_text = parse_path(rest[5:].lstrip(), allow_null=True)
    params = parse_params(params_text)
    size = None
    if "SIZE" in params:
        value = params["SIZE"] or ""
        if not value.isdigit() or len(value) > 20:
            raise CommandError(replies.SYNTAX.with_text("SIZE must be a number"))
        size = int(value)
    body = params.get("BODY")
    if body is not None and body.upper() not in ("7BIT", "8BITMIME"):
        raise CommandError(replies.SYNTAX.with_text("BODY must be 7BIT or 8BITMIME"))
    smtputf8 = "SMTPUTF8" in params
    known = {"SIZE", "BODY", "SMTPUTF8", "AUTH"}
    unknown = set(params) - known
    if unknown:
        raise CommandError(
            replies.PARAMETER_NOT_IMPLEMENTED.with_text(f"Unsupported parameter {min(unknown)}")
        )
    if not smtputf8 and not address.isascii():
        raise CommandError(
            replies.SYNTAX.with_text("Non-ASCII address needs the SMTPUTF8 parameter")
        )
    return MailFrom(address, size, body.upper() if body else None, smtputf8, params)


def _rcpt(rest: str) -> Command:
    if not rest.upper().startswith("TO:"):
        raise CommandError(replies.SYNTAX.with_text("Syntax: RCPT TO:<address>"))
    address, params_text = parse_path(rest[3:].lstrip(), allow_null=False)
    params = parse_params(params_text)
    if params:
        raise CommandError(
            replies.PARAMETER_NOT_IMPLEMENTED.with_text(f"Unsupported parameter {min(params)}")
        )
    return RcptTo(address, params)


def _auth(rest: str) -> Command:
    parts = rest.split()
    if not parts or len(parts) > 2:
        raise CommandError(replies.SYNTAX.with_text("Syntax: AUTH mechanism [initial-response]"))
    return Auth(parts[0].upper(), parts[1] if len(parts) == 2 else None)


def _vrfy(rest: str) -> Command:
    if not rest:
        raise CommandError(replies.SYNTAX.with_text("Syntax: VRFY address"))
    return Vrfy(rest)


_PARSERS: dict[str, Parser] = {
    "EHLO": _ehlo(True),
    "HELO": _ehlo(False),
    "MAIL": _mail,
    "RCPT": _rcpt,
    "DATA": _no_argument(Data()),
    "RSET": _no_argument(Rset()),
    "NOOP": lambda rest: Noop(),
    "QUIT": _no_argument(Quit()),
    "VRFY": _vrfy,
    "HELP": lambda rest: Help(),
    "STARTTLS": _no_argument(StartTls()),
    "AUTH": _auth,
}
