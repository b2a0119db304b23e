"""Split the client's byte stream into whole commands, literals included (sans-IO).

Rules, in the order the framer applies them:

1. A command is a line ending in LF (CR before it optional); a line ending in
   ``{n}`` or ``{n+}`` continues after n literal octets (RFC 3501 4.3,
   RFC 7888). The framer emits `CommandReceived` with the whole command:
   segments joined by CRLF, literals inline, no final CRLF.
2. ``{n}`` is synchronising: the framer emits `ContinuationNeeded` and the
   server writes ``+ Ready for literal data`` (or calls `reject_literal`
   and answers NO/BAD). ``{n+}`` needs no ``+``.
3. `max_line` bounds the text of a command (literal octets excluded),
   `max_literal` the sum of its literal octets. Nothing over a limit is kept:
   an over-long line is dropped up to its LF; a too-large ``{n}`` ends the
   command at once (the client is waiting for ``+``); a too-large ``{n+}``
   has its n octets swallowed, then the rest of the command. Either way
   `LimitExceeded` follows once the command is over.
4. In raw mode (AUTHENTICATE responses, IDLE's DONE) each line is one
   `RawLineReceived`, bounded by `max_line`, with no literal handling.
5. After each event the framer stops; it frames further input only when the
   server asks for the next event, so a mode or limit change made while
   handling an event applies to the very next octet. Input that arrives in
   the meantime waits unframed (see `buffered`).

Drive it like this::

    framer.feed(await reader.read(65536))
    for event in framer.events():
        ...
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

from mailwright.protocols.imap.reader import MAX_NUMBER, find_tag


class Limit(enum.Enum):
    """Which limit a command broke."""

    LINE = "line"
    LITERAL = "literal"


@dataclass(frozen=True, slots=True)
class CommandReceived:
    """A complete command line with inline literals; pass it to `parse_command`."""

    line: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class ContinuationNeeded:
    """The client announced a synchronising literal and waits for ``+``."""

    tag: str | None
    size: int


@dataclass(frozen=True, slots=True)
class RawLineReceived:
    """One line read in raw mode, without its CRLF (may hold credentials: no repr)."""

    line: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class LimitExceeded:
    """A command broke `limit` and was dropped; answer ``tag BAD reason`` (``*`` if no tag)."""

    tag: str | None
    limit: Limit
    reason: str


FramerEvent = CommandReceived | ContinuationNeeded | RawLineReceived | LimitExceeded


class _State(enum.Enum):
    LINE = enum.auto()  # collecting text up to LF
    LITERAL = enum.auto()  # copying literal octets into the command
    SKIP_LINE = enum.auto()  # over a limit: dropping text up to LF
    SKIP_LITERAL = enum.auto()  # over a limit: dropping the octets of a {n+} literal


_TAIL: Final = 16  # holds "{4294967295+}" and a CR: enough to spot a literal in a skipped line
_MARKER: Final = re.compile(rb"\{([0-9]{1,10})(\+?)\}\Z")


def _literal_marker(segment: bytes | bytearray) -> tuple[int, bool] | None:
    """``(size, synchronising)`` when `segment` ends with ``{n}`` or ``{n+}``."""
    found = _MARKER.search(segment, max(0, len(segment) - _TAIL))
    if found is None or int(found.group(1)) > MAX_NUMBER:
        return None
    return int(found.group(1)), not found.group(2)


class CommandFramer:
    """Frames IMAP commands from a byte stream; never raises on input, never over-buffers."""

    def __init__(self, *, max_line: int, max_literal: int) -> None:
        self.set_limits(max_line=max_line, max_literal=max_literal)
        self._raw = False
        self._event: FramerEvent | None = None
        self._inbox = bytearray()
        self._reset_command()

    def _reset_command(self) -> None:
        self._state = _State.LINE
        self._command = bytearray()  # finished segments (CRLF-joined) and literals
        self._segment = bytearray()  # the line being collected, without LF
        self._text_size = 0  # text octets of the finished segments
        self._literal_size = 0  # literal octets announced so far
        self._remaining = 0  # octets left in the current literal
        self._tail = bytearray()  # last octets of a line being skipped
        self._tag: str | None = None
        self._error: LimitExceeded | None = None  # reported when a skipped command ends
        self._awaiting_literal = False

    def set_limits(self, *, max_line: int, max_literal: int) -> None:
        """Change the limits, e.g. from 8 KiB/8 KiB before login to 64 KiB/50 MiB after.

        Raises:
            ValueError: a limit is below 1 (line) or 0 (literal).
        """
        if max_line < 1 or max_literal < 0:
            raise ValueError("max_line must be positive and max_literal not negative")
        self._max_line = max_line
        self._max_literal = max_literal

    @property
    def raw_mode(self) -> bool:
        """True while lines are handed through as `RawLineReceived`."""
        return self._raw

    def enter_raw_mode(self) -> None:
        """Hand the following lines through raw (AUTHENTICATE exchange, IDLE).

        Raises:
            RuntimeError: called in the middle of a command.
        """
        self._switch_mode(raw=True)

    def enter_command_mode(self) -> None:
        """Frame commands again after a raw exchange.

        Raises:
            RuntimeError: called in the middle of a line.
        """
        self._switch_mode(raw=False)

    def _switch_mode(self, *, raw: bool) -> None:
        if self._state is not _State.LINE or self._command or self._segment:
            raise RuntimeError("the framer can switch modes only between lines")
        self._raw = raw

    def reject_literal(self) -> None:
        """Refuse the synchronising literal just announced; the command is dropped.

        The server answers NO or BAD instead of ``+``; the client then sends no
        literal and goes on with its next command (RFC 3501 7.5).

        Raises:
            RuntimeError: no literal is waiting for ``+``.
        """
        if not self._awaiting_literal:
            raise RuntimeError("no synchronising literal is waiting for '+'")
        self._reset_command()

    def reset(self) -> int:
        """Drop all state and unframed input; returns how many octets were dropped.

        Call it after ``STARTTLS ... OK``: octets pipelined behind STARTTLS
        arrived in plaintext and must not be read as commands under TLS
        (command injection, CVE-2011-0411).
        """
        dropped = self.buffered
        self._inbox.clear()
        self._event = None
        self._raw = False
        self._reset_command()
        return dropped

    @property
    def buffered(self) -> int:
        """Octets held: the command being framed plus input not yet framed."""
        return len(self._command) + len(self._segment) + len(self._tail) + len(self._inbox)

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        """Give the framer input; it frames at once up to the next event."""
        if isinstance(data, memoryview):
            data = data.tobytes()
        if self._event is not None or self._inbox:
            self._inbox += data
            if self._event is None:
                self._drain_inbox()
            return
        consumed = self._run(data)
        if consumed < len(data):
            self._inbox += memoryview(data)[consumed:]

    def next_event(self) -> FramerEvent | None:
        """The next event, or None when the framer needs more input."""
        if self._event is None:
            self._drain_inbox()
        event, self._event = self._event, None
        return event

    def events(self) -> Iterator[FramerEvent]:
        """Every event available now; stops when more input is needed."""
        while (event := self.next_event()) is not None:
            yield event

    def _drain_inbox(self) -> None:
        if self._inbox:
            consumed = self._run(self._inbox)
            del self._inbox[:consumed]

    def _run(self, data: bytes | bytearray) -> int:
        pos = 0
        while pos < len(data) and self._event is None:
            self._awaiting_literal = False
            match self._state:
                case _State.LINE:
                    pos = self._read_line(data, pos)
                case _State.LITERAL:
                    pos = self._read_literal(data, pos)
                case _State.SKIP_LINE:
                    pos = self._skip_line(data, pos)
                case _State.SKIP_LITERAL:
                    pos = self._skip_literal(data, pos)
        return pos

    def _read_line(self, data: bytes | bytearray, pos: int) -> int:
        end = data.find(b"\n", pos)
        stop = len(data) if end == -1 else end
        room = self._max_line - self._text_size - len(self._segment)
        if stop - pos > room + 1:  # +1: a CR that LF will strip may still fit
            keep = max(room + 1, 0)  # enough to read the tag and seed the tail
            self._segment += data[pos : pos + keep]
            self._start_skipping(Limit.LINE)
            return pos + keep
        self._segment += data[pos:stop]
        if end == -1:
            return stop
        if self._segment.endswith(b"\r"):
            del self._segment[-1]
        if self._text_size + len(self._segment) > self._max_line:
            self._start_skipping(Limit.LINE)
            return end  # the skipping state still has to see this LF
        self._finish_segment()
        return end + 1

    def _finish_segment(self) -> None:
        segment, self._segment = self._segment, bytearray()
        if not self._command:
            self._tag = None if self._raw else find_tag(segment)
        if self._raw:
            self._emit(RawLineReceived(bytes(segment)))
            return
        self._text_size += len(segment)
        self._command += segment
        marker = _literal_marker(segment)
        if marker is None:
            self._emit(CommandReceived(bytes(self._command)))
            return
        size, synchronising = marker
        self._command += b"\r\n"
        if self._literal_size + size > self._max_literal:
            self._literal_too_large(size, synchronising)
            return
        self._literal_size += size
        self._remaining = size
        if size:
            self._state = _State.LITERAL
        if synchronising:
            self._awaiting_literal = True
            self._event = ContinuationNeeded(self._tag, size)

    def _literal_too_large(self, size: int, synchronising: bool) -> None:
        reason = f"Literal data exceeds {self._max_literal} octets ({size} announced)"
        error = LimitExceeded(self._tag, Limit.LITERAL, reason)
        if synchronising:  # the client waits for "+": the command ends here
            self._emit(error)
            return
        tag = self._tag
        self._reset_command()
        self._tag, self._error = tag, error
        self._remaining = size
        self._state = _State.SKIP_LITERAL

    def _start_skipping(self, limit: Limit) -> None:
        tag = self._tag
        if not (self._raw or self._command):
            tag = find_tag(self._segment, complete=False)
        reason = f"{'Line' if self._raw else 'Command line'} exceeds {self._max_line} octets"
        error = self._error or LimitExceeded(tag, limit, reason)
        tail = self._segment[-_TAIL:]
        self._reset_command()
        self._tag, self._error, self._tail = tag, error, tail
        self._state = _State.SKIP_LINE

    def _read_literal(self, data: bytes | bytearray, pos: int) -> int:
        take = min(self._remaining, len(data) - pos)
        self._command += data[pos : pos + take]
        self._remaining -= take
        if not self._remaining:
            self._state = _State.LINE
        return pos + take

    def _skip_line(self, data: bytes | bytearray, pos: int) -> int:
        end = data.find(b"\n", pos)
        stop = len(data) if end == -1 else end
        self._tail += data[max(pos, stop - _TAIL) : stop]
        del self._tail[:-_TAIL]
        if end == -1:
            return stop
        line_end = self._tail.removesuffix(b"\r")
        self._tail = bytearray()
        marker = None if self._raw else _literal_marker(line_end)
        if marker is not None and not marker[1]:  # {n+}: the client sends it regardless
            self._remaining = marker[0]
            self._state = _State.SKIP_LITERAL
        else:
            self._emit(self._error or LimitExceeded(None, Limit.LINE, "Line too long"))
        return end + 1

    def _skip_literal(self, data: bytes | bytearray, pos: int) -> int:
        take = min(self._remaining, len(data) - pos)
        self._remaining -= take
        if not self._remaining:
            self._state = _State.SKIP_LINE
        return pos + take

    def _emit(self, event: FramerEvent) -> None:
        self._reset_command()
        self._event = event
