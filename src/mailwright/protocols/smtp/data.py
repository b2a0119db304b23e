"""Reading the DATA section: dot-unstuffing, the end marker, and the checks that must see every
line (RFC 5321 4.1.1.4, 4.5.2, 4.5.3.1.6).

Only ``<CRLF>.<CRLF>`` ends the data. A bare LF or CR anywhere marks the message as bad: that
closes the "SMTP smuggling" hole where servers disagree about where a message ends. Over-size
and over-long-line messages are read to their end (so the session stays in step) but not kept.
"""

from __future__ import annotations

import re
from enum import StrEnum

# RFC 5321 4.5.3.1.6: a text line is at most 998 octets plus CRLF.
MAX_LINE = 998
# A line that runs longer than this without CRLF is not kept in memory while we look for its end.
_MAX_PENDING = 64 * 1024
# A line with more than MAX_LINE octets (applied where no bare CR or LF is left).
_LONG_LINE = re.compile(rb"^[^\r\n]{%d}" % (MAX_LINE + 1), re.MULTILINE)


class DataProblem(StrEnum):
    """Why a message read to its end is refused."""

    TOO_BIG = "too-big"
    LINE_TOO_LONG = "line-too-long"
    BARE_NEWLINE = "bare-newline"


class DataReader:
    """Collects one message from the bytes after ``354``.

    Works on whole runs of complete lines with bytes methods (find, count, replace, one
    regular expression), not line by line: a message of a few kilobytes is checked in a handful
    of passes over it in C. The result is the same as reading it line by line (a property test
    compares the two)."""

    def __init__(self, max_size: int) -> None:
        self._max_size = max_size
        self._parts: list[bytes] = []
        self._size = 0
        self._pending = b""
        # False after an over-long line was cut: the pending bytes then start mid-line.
        self._line_start = True
        self.problem: DataProblem | None = None
        self.done = False

    def feed(self, data: bytes) -> bytes:
        """Consume ``data``; return the bytes after the end marker once it is seen (pipelined
        commands), else b""."""
        if self.done:
            return data
        buffer = self._pending + data if self._pending else data
        if self._line_start and buffer.startswith(b".\r\n"):
            marker = 0
        else:
            found = buffer.find(b"\r\n.\r\n")
            marker = found + 2 if found >= 0 else -1
        if marker >= 0:
            self._take(buffer[:marker])
            self.done = True
            self._pending = b""
            return buffer[marker + 3 :]
        last = buffer.rfind(b"\r\n")
        if last >= 0:
            self._take(buffer[: last + 2])
            buffer = buffer[last + 2 :]
            self._line_start = True
        if len(buffer) > _MAX_PENDING:
            self._flag(DataProblem.LINE_TOO_LONG)
            buffer = buffer[-1:]  # keep a trailing CR so a CRLF split across reads is still seen
            self._line_start = False
        self._pending = buffer
        return b""

    def _take(self, lines: bytes) -> None:
        """Account for complete lines (each ending in CRLF) that precede the end marker."""
        if not lines:
            return
        endings = lines.count(b"\r\n")
        if lines.count(b"\r") != endings or lines.count(b"\n") != endings:
            self._flag(DataProblem.BARE_NEWLINE)
        unstuffed = lines.replace(b"\r\n.", b"\r\n")
        if self._line_start and unstuffed.startswith(b"."):
            unstuffed = unstuffed[1:]
        if (
            self.problem is None
            and len(unstuffed) > MAX_LINE + 2
            and _LONG_LINE.search(unstuffed) is not None
        ):
            self._flag(DataProblem.LINE_TOO_LONG)
        self._size += len(unstuffed)
        if self._size > self._max_size:
            self._flag(DataProblem.TOO_BIG)
        if self.problem is None:
            self._parts.append(unstuffed)

    def _flag(self, problem: DataProblem) -> None:
        if self.problem is None:
            self.problem = problem
        self._parts.clear()

    @property
    def size(self) -> int:
        """Octets of message seen so far (after unstuffing, with CRLFs)."""
        return self._size

    def message(self) -> bytes:
        """The message (CRLF line ends), once ``done`` and without a ``problem``."""
        return b"".join(self._parts)
