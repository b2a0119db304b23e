"""The IMAP lexical layer: a cursor over one command line, and the parse errors.

`Reader` reads the RFC 3501 section 9 primitives (atom, number, quoted, literal,
astring, nstring, list-mailbox) from a command line whose literals are inline,
exactly as `CommandFramer` hands it over: ``A1 LOGIN {5}\\r\\nalice "pw"``.
Every failure raises `ParseError` with a reason fit to send after ``BAD``.
"""

from __future__ import annotations

import re
from typing import NoReturn

from mailwright.protocols.imap import mutf7

SP = 0x20
CR = 0x0D
LF = 0x0A
DQUOTE = 0x22
BACKSLASH = 0x5C
OPEN = 0x28
CLOSE = 0x29

MAX_NUMBER = 2**32 - 1  # RFC 3501 9: number is an unsigned 32-bit integer
MAX_NUMBER64 = 2**63 - 1  # RFC 7162 7: mod-sequence-value, RFC 9051 number64

# RFC 3501 9: atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards /
# quoted-specials / resp-specials; ATOM-CHAR is any 7-bit CHAR except those.
_ATOM_SPECIALS = frozenset(b'(){ %*"\\]') | frozenset(range(0x20)) | {0x7F}
ATOM_CHARS = frozenset(range(0x01, 0x80)) - _ATOM_SPECIALS
ASTRING_CHARS = ATOM_CHARS | {ord("]")}
TAG_CHARS = ASTRING_CHARS - {ord("+")}
LIST_CHARS = ATOM_CHARS | {ord("%"), ord("*"), ord("]")}


def _run_pattern(chars: frozenset[int]) -> re.Pattern[bytes]:
    body = b"".join(re.escape(bytes([c])) for c in sorted(chars))
    return re.compile(b"[" + body + b"]+")


_ATOM_RUN = _run_pattern(ATOM_CHARS)
_ASTRING_RUN = _run_pattern(ASTRING_CHARS)
_TAG_RUN = _run_pattern(TAG_CHARS)
_LIST_RUN = _run_pattern(LIST_CHARS)
_DIGITS = re.compile(rb"[0-9]+")
_QUOTED_STOP = re.compile(rb'["\\\r\n\x00]')
_LITERAL_HEAD = re.compile(rb"(~?)\{([0-9]+)(\+?)\}\r\n")


class ParseError(Exception):
    """A command line that does not follow the grammar.

    The server answers ``<tag> BAD <reason>``, or ``* BAD <reason>`` when
    `tag` is None because the tag itself could not be read.
    """

    def __init__(self, tag: str | None, reason: str) -> None:
        super().__init__(reason)
        self.tag = tag
        self.reason = reason


class BadCharsetError(ParseError):
    """SEARCH named a charset we do not decode.

    RFC 3501 6.4.4: the server answers ``<tag> NO [BADCHARSET (<supported>)]``.
    """

    def __init__(self, tag: str | None, reason: str, supported: tuple[str, ...]) -> None:
        super().__init__(tag, reason)
        self.supported = supported


def find_tag(line: bytes | bytearray, *, complete: bool = True) -> str | None:
    """The tag `line` starts with, or None when it does not start with one.

    Unless the line is `complete`, the tag counts only when SP follows it.
    """
    found = _TAG_RUN.match(line)
    if found is None:
        return None
    if found.end() == len(line) and not complete:
        return None
    if found.end() < len(line) and line[found.end()] != SP:
        return None
    return found.group().decode("ascii")


def describe_byte(value: int) -> str:
    """Name one octet for an error message: ``'x'``, ``SP`` or ``0xc3``."""
    if value == SP:
        return "SP"
    if 0x21 <= value <= 0x7E:
        return f"'{chr(value)}'"
    return f"0x{value:02x}"


def decode_text(raw: bytes, what: str) -> str:
    """Decode a string argument as UTF-8 (US-ASCII is a subset).

    Raises:
        ParseError: the octets are not UTF-8 or contain NUL.
    """
    if b"\x00" in raw:
        raise ParseError(None, f"{what} contains a NUL octet")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ParseError(None, f"{what} is not valid UTF-8") from None


def decode_mailbox(raw: bytes, *, utf8: bool) -> str:
    """Turn a mailbox name from the wire into `str`.

    RFC 3501 5.1.3: 7-bit names are modified UTF-7. Names carrying 8-bit
    octets, and all names once the client has ENABLEd UTF8=ACCEPT (RFC 6855 3),
    are raw UTF-8. RFC 3501 5.1: ``INBOX`` in any case means INBOX.

    Raises:
        ParseError: invalid modified UTF-7 or UTF-8, or a NUL octet.
    """
    if utf8 or not raw.isascii():
        name = decode_text(raw, "Mailbox name")
    else:
        try:
            name = mutf7.decode(raw)
        except mutf7.MUTF7Error as error:
            raise ParseError(None, f"Mailbox name is not modified UTF-7: {error}") from None
        if "\x00" in name:
            raise ParseError(None, "Mailbox name contains NUL")
    return "INBOX" if name.upper() == "INBOX" else name


class Reader:
    """A cursor over one command line with inline literals."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    @property
    def position(self) -> int:
        """Offset of the next unread octet."""
        return self._pos

    def rewind(self, position: int) -> None:
        """Move the cursor back to `position`, taken earlier from `position`."""
        self._pos = position

    def fail(self, reason: str) -> NoReturn:
        """Raise `ParseError` (the tag is filled in by `parse_command`)."""
        raise ParseError(None, reason)

    def at_end(self) -> bool:
        """True when only an optional final CRLF is left."""
        rest = len(self._data) - self._pos
        return rest == 0 or (rest == 2 and self._data.endswith(b"\r\n"))

    def peek(self) -> int | None:
        """The next octet, or None at the end of the line."""
        return None if self.at_end() else self._data[self._pos]

    def peek_is(self, char: str) -> bool:
        """True when the next octet is `char`."""
        return self.peek() == ord(char)

    def peek_digit(self) -> bool:
        """True when the next octet is a DIGIT."""
        value = self.peek()
        return value is not None and 0x30 <= value <= 0x39

    def skip(self, char: str) -> bool:
        """Consume `char` if it comes next."""
        if self.peek_is(char):
            self._pos += 1
            return True
        return False

    def missing(self, what: str) -> NoReturn:
        """Fail because `what` was expected at the cursor."""
        value = self.peek()
        if value is None:
            self.fail(f"Missing {what}")
        if value >= 0x80:
            self.fail(f"Expected {what}, found 8-bit octet {describe_byte(value)}")
        self.fail(f"Expected {what}, found {describe_byte(value)}")

    def expect(self, char: str, what: str | None = None) -> None:
        """Consume `char` or fail naming it."""
        if not self.skip(char):
            self.missing(what or f"'{char}'")

    def expect_space(self, before: str) -> None:
        """Consume the single SP that separates arguments."""
        if self.skip(" "):
            return
        if self.at_end():
            self.fail(f"Missing {before}")
        self.missing(f"SP before {before}")

    def ensure_end(self) -> None:
        """Fail if anything but the final CRLF is left."""
        if not self.at_end():
            rest = self._data[self._pos : self._pos + 24]
            shown = "".join(chr(b) if 0x20 <= b < 0x7F else "?" for b in rest)
            self.fail(f"Unexpected data after the arguments: {shown!r}")

    def _match(self, pattern: re.Pattern[bytes]) -> bytes:
        found = pattern.match(self._data, self._pos)
        if found is None:
            return b""
        self._pos = found.end()
        return found.group()

    def read_run(self, chars: frozenset[int], what: str) -> bytes:
        """Read 1* octets of `chars` (ATOM_CHARS, TAG_CHARS...)."""
        pattern = {
            ATOM_CHARS: _ATOM_RUN,
            ASTRING_CHARS: _ASTRING_RUN,
            TAG_CHARS: _TAG_RUN,
            LIST_CHARS: _LIST_RUN,
        }[chars]
        value = self._match(pattern)
        if not value:
            self.missing(what)
        following = self.peek()
        if following is not None and following >= 0x80:
            self.fail(f"8-bit octet {describe_byte(following)} in {what}; quote it")
        return value

    def read_match(self, pattern: re.Pattern[bytes], what: str) -> bytes:
        """Read what `pattern` matches at the cursor, failing with `what` when nothing does."""
        value = self._match(pattern)
        if not value:
            self.missing(what)
        return value

    def read_atom(self, what: str) -> str:
        """RFC 3501 9: atom = 1*ATOM-CHAR."""
        return self.read_run(ATOM_CHARS, what).decode("ascii")

    def read_keyword(self, what: str) -> str:
        """An atom compared case-insensitively, returned upper-case."""
        return self.read_atom(what).upper()

    def try_keyword(self, word: str) -> bool:
        """Consume the atom `word` (any case) if it comes next as a whole atom."""
        end = self._pos + len(word)
        if self._data[self._pos : end].upper() != word.encode("ascii"):
            return False
        if end < len(self._data) and self._data[end] in ATOM_CHARS:
            return False
        self._pos = end
        return True

    def read_digits(self, what: str) -> bytes:
        """1*DIGIT, failing with `what` when absent."""
        digits = self._match(_DIGITS)
        if not digits:
            self.missing(what)
        return digits

    def read_number(self, what: str, *, maximum: int = MAX_NUMBER, nonzero: bool = False) -> int:
        """RFC 3501 9: number / nz-number (``maximum`` for number64)."""
        digits = self.read_digits(what)
        if len(digits) > len(str(maximum)) or int(digits) > maximum:
            self.fail(f"{what} {digits[:24].decode()} is out of range")
        value = int(digits)
        if nonzero and value == 0:
            self.fail(f"{what} must not be zero")
        return value

    def read_quoted(self, what: str) -> bytes:
        """RFC 3501 9: quoted, escaping only ``\\"`` and ``\\\\``; UTF-8 allowed (RFC 6855)."""
        self.expect('"', what)
        chunks: list[bytes] = []
        while True:
            stop = _QUOTED_STOP.search(self._data, self._pos)
            if stop is None:
                self.fail(f"Unterminated quoted string in {what}")
            chunks.append(self._data[self._pos : stop.start()])
            self._pos = stop.end()
            char = stop.group()
            if char == b'"':
                return b"".join(chunks)
            if char != b"\\":
                self.fail(f"{describe_byte(char[0])} inside a quoted string in {what}")
            escaped = self._data[self._pos : self._pos + 1]
            if escaped not in (b'"', b"\\"):
                shown = describe_byte(escaped[0]) if escaped else "end of line"
                self.fail(f"Invalid escape before {shown} in quoted {what}")
            chunks.append(escaped)
            self._pos += 1

    def read_literal(self, what: str, *, binary: bool = False) -> bytes:
        """RFC 3501 9 literal; ``{n+}`` (RFC 7888); ``~{n}`` literal8 when `binary`."""
        head = _LITERAL_HEAD.match(self._data, self._pos)
        if head is None:
            self._literal_head_error(what)
        if head.group(1) and not binary:
            self.fail(f"A literal8 (~{{n}}) is not allowed for {what}")
        digits = head.group(2)
        if len(digits) > 10 or int(digits) > MAX_NUMBER:
            self.fail(f"Literal size {digits[:24].decode()} is out of range")
        size = int(digits)
        start = head.end()
        if start + size > len(self._data):
            available = len(self._data) - start
            self.fail(f"Literal announces {size} octets but only {available} follow")
        self._pos = start + size
        return self._data[start : self._pos]

    def _literal_head_error(self, what: str) -> NoReturn:
        rest = self._data[self._pos : self._pos + 16]
        if re.match(rb"~?\{[0-9]+\+?\}", rest):
            self.fail(f"Literal size for {what} must be followed by CRLF")
        self.fail(f"Malformed literal for {what}; expected {{n}} or {{n+}} then CRLF")

    def read_string(self, what: str) -> bytes:
        """RFC 3501 9: string = quoted / literal."""
        if self.peek_is('"'):
            return self.read_quoted(what)
        if self.peek_is("{"):
            return self.read_literal(what)
        self.missing(f"{what} (a quoted string or literal)")

    def read_astring(self, what: str) -> bytes:
        """RFC 3501 9: astring = 1*ASTRING-CHAR / string."""
        if self.peek_is('"') or self.peek_is("{"):
            return self.read_string(what)
        return self.read_run(ASTRING_CHARS, what)

    def read_astring_text(self, what: str) -> str:
        """An astring decoded as UTF-8."""
        return decode_text(self.read_astring(what), what)

    def read_nstring(self, what: str) -> bytes | None:
        """RFC 3501 9: nstring = string / nil."""
        if self.try_keyword("NIL"):
            return None
        return self.read_string(what)

    def read_mailbox(self, *, utf8: bool, what: str = "mailbox name") -> str:
        """RFC 3501 9: mailbox = "INBOX" / astring, decoded by `decode_mailbox`."""
        raw = self.read_astring(what)
        try:
            return decode_mailbox(raw, utf8=utf8)
        except ParseError as error:
            self.fail(error.reason)

    def read_list_mailbox(self, *, utf8: bool) -> str:
        """RFC 3501 9: list-mailbox = 1*list-char / string (may hold % and *)."""
        if self.peek_is('"') or self.peek_is("{"):
            raw = self.read_string("mailbox pattern")
        else:
            raw = self.read_run(LIST_CHARS, "mailbox pattern")
        try:
            name = decode_mailbox(raw, utf8=utf8)
        except ParseError as error:
            self.fail(error.reason.replace("Mailbox name", "Mailbox pattern"))
        return name
