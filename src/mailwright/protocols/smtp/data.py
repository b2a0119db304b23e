"""Reading the DATA section: dot-unstuffing, the end marker, and the checks that must see every
line (RFC 5321 4.1.1.4, 4.5.2, 4.5.3.1.6).

Only ``<CRLF>.<CRLF>`` ends the data. A bare LF or CR anywhere marks the message as bad: that
closes the "SMTP smuggling" hole where servers disagree about where a message ends. Over-size
and over-long-line messages are read to their end (so the session stays in step) but not kept.
"""

from __future__ import annotations

from enum import StrEnum

# RFC 5321 4.5.3.1.6: a text line is at most 998 octets plus CRLF.
MAX_LINE = 998
# A line that runs longer than this without CRLF is not kept in memory while we look for its end.
_MAX_PENDING = 64 * 1024


class DataProblem(StrEnum):
    """Why a message read to its end is refused."""

    TOO_BIG = "too-big"
    LINE_TOO_LONG = "line-too-long"
    BARE_NEWLINE = "bare-newline"


class DataReader:
    """Collects one message from the bytes after ``354``."""

    def __init__(self, max_size: int) -> None:
        self._max_size = max_size
        self._lines: list[bytes] = []
        self._size = 0
        self._pending = b""
        self.problem: DataProblem | None = None
        self.done = False

    def feed(self, data: bytes) -> bytes:
        """Consume ``data``; return the bytes after the end marker once it is seen (pipelined
        commands), else b""."""
        buffer = self._pending + data
        start = 0
        while not self.done:
            end = buffer.find(b"\r\n", start)
            if end < 0:
                break
            self._line(buffer[start:end])
            start = end + 2
        rest = buffer[start:]
        if self.done:
            self._pending = b""
            return rest
        if len(rest) > _MAX_PENDING:
            self._flag(DataProblem.LINE_TOO_LONG)
            rest = rest[-1:]  # keep a trailing CR so a CRLF split across reads is still seen
        self._pending = rest
        return b""

    def _line(self, line: bytes) -> None:
        if line == b".":
            self.done = True
            return
        if line.startswith(b"."):
            line = line[1:]
        if b"\n" in line or b"\r" in line:
            self._flag(DataProblem.BARE_NEWLINE)
        if len(line) > MAX_LINE:
            self._flag(DataProblem.LINE_TOO_LONG)
        self._size += len(line) + 2
        if self._size > self._max_size:
            self._flag(DataProblem.TOO_BIG)
        if self.problem is None:
            self._lines.append(line)

    def _flag(self, problem: DataProblem) -> None:
        if self.problem is None:
            self.problem = problem
        self._lines.clear()

    @property
    def size(self) -> int:
        """Octets of message seen so far (after unstuffing, with CRLFs)."""
        return self._size

    def message(self) -> bytes:
        """The message (CRLF line ends), once ``done`` and without a ``problem``."""
        if not self._lines:
            return b""
        return b"\r\n".join(self._lines) + b"\r\n"
