"""Byte-level scanning of a message: header blocks, header fields and multipart delimiters.

Every function takes the whole message plus a ``start``/``end`` window and returns offsets into
that same buffer, so nothing larger than one header field is ever copied.

Line endings: a line ends at LF; a CR right before the LF belongs to the line ending. Bare-LF
input is therefore handled exactly like CRLF input, and mixed input works line by line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_LF = 0x0A
_CR = 0x0D
_SP = 0x20
_HT = 0x09

# RFC 5322 3.6.8: field-name = 1*ftext (printable ASCII except ":"); obs-optional (RFC 5322 4.5)
# allows white space before the colon.
_FIELD_NAME = re.compile(rb"([\x21-\x39\x3b-\x7e]+)[ \t]*:")
_LINE_ENDING = re.compile(rb"\r?\n|\r")


@dataclass(frozen=True, slots=True)
class HeaderField:
    """One header field as it appears in the message.

    Attributes:
        name: the field name, lowercased.
        start: offset of the first byte of the field name.
        value_start: offset just after the colon.
        end: offset just after the field's last line ending (continuation lines included).
    """

    name: str
    start: int
    value_start: int
    end: int


def iter_header_fields(data: bytes, start: int, end: int) -> Iterator[HeaderField]:
    """Yield the header fields of the header block that begins at ``start``.

    The block ends at the first empty line, at the first line that is neither a field nor a
    continuation (the body then starts there, as in RFC 5322 2.1 with a missing separator), or at
    ``end``. Continuation lines before the first field are skipped.
    """
    pos = start
    current: tuple[str, int, int] | None = None
    while pos < end:
        line_end = _line_end(data, pos, end)
        first = data[pos]
        if first in (_SP, _HT):
            pos = line_end
            continue
        if current is not None:
            yield HeaderField(current[0], current[1], current[2], pos)
            current = None
        if _is_blank_line(data, pos, line_end):
            return
        match = _FIELD_NAME.match(data, pos, line_end)
        if match is None:
            return
        current = (match.group(1).decode("ascii").lower(), pos, match.end())
        pos = line_end
    if current is not None:
        yield HeaderField(current[0], current[1], current[2], pos)


def find_header_end(data: bytes, start: int, end: int) -> int:
    """Return the offset where the body of the entity beginning at ``start`` starts.

    The empty line that ends a header block belongs to the header (RFC 3501 6.4.5 HEADER
    "including the blank line"), so the returned offset is just after it.
    """
    pos = start
    while pos < end:
        line_end = _line_end(data, pos, end)
        first = data[pos]
        if first in (_SP, _HT):
            pos = line_end
            continue
        if _is_blank_line(data, pos, line_end):
            return line_end
        if _FIELD_NAME.match(data, pos, line_end) is None:
            return pos
        pos = line_end
    return end


def scan_header(
    data: bytes, start: int, end: int, wanted: frozenset[str]
) -> tuple[int, dict[str, bytes]]:
    """Scan one header block, keeping the raw value of the first occurrence of wanted fields.

    This is the single pass done at parse time; it is equivalent to ``find_header_end`` plus
    ``iter_header_fields`` but avoids building objects for fields nobody asked for.

    Returns:
        The offset where the body starts and a map from lowercased field name to the raw value
        bytes (everything after the colon, line endings included).
    """
    fields: dict[str, bytes] = {}
    pos = start
    current: str | None = None
    value_start = 0
    while pos < end:
        nl = data.find(b"\n", pos, end)
        line_end = end if nl < 0 else nl + 1
        first = data[pos]
        if first in (_SP, _HT):
            pos = line_end
            continue
        if current is not None:
            fields[current] = data[value_start:pos]
            current = None
        if _is_blank_line(data, pos, line_end):
            return line_end, fields
        match = _FIELD_NAME.match(data, pos, line_end)
        if match is None:
            return pos, fields
        name = match.group(1).decode("ascii").lower()
        if name in wanted and name not in fields:
            current = name
            value_start = match.end()
        pos = line_end
    if current is not None:
        fields[current] = data[value_start:end]
    return end, fields


@dataclass(frozen=True, slots=True)
class MultipartLayout:
    """Where the body parts of a multipart body lie.

    Attributes:
        parts: ``(start, end)`` of each body part, without the delimiter lines and without the
            line ending that precedes a delimiter (RFC 2046 5.1.1: it belongs to the delimiter).
        closed: whether the close-delimiter ``--boundary--`` was seen.
    """

    parts: tuple[tuple[int, int], ...]
    closed: bool


def split_multipart(
    data: bytes, start: int, end: int, boundary: bytes, max_parts: int = 10_000
) -> MultipartLayout:
    """Split a multipart body into its body parts (RFC 2046 5.1.1).

    A delimiter is ``--boundary`` at the start of a line, optionally followed by ``--`` (close)
    and transport padding (spaces and tabs), then a line ending or the end of the body. The
    boundary string appearing anywhere else, including inside a line, is content. Text before
    the first delimiter is the preamble and text after the close-delimiter the epilogue; both
    are ignored. A missing close-delimiter ends the last part at ``end``. Scanning stops after
    ``max_parts`` parts, so a body of nothing but delimiters costs no more than that.
    """
    delimiter = b"--" + boundary
    parts: list[tuple[int, int]] = []
    part_start = -1
    pos = start
    while True:
        found = data.find(delimiter, pos, end)
        if found < 0:
            break
        pos = found + 1
        if found != start and data[found - 1] != _LF:
            continue
        after = found + len(delimiter)
        close = data.startswith(b"--", after, end)
        line_end = _delimiter_line_end(data, after + 2 if close else after, end)
        if line_end < 0:
            continue
        if part_start >= 0:
            parts.append((part_start, max(part_start, _before_line_ending(data, found, start))))
            if len(parts) >= max_parts:
                return MultipartLayout(tuple(parts), closed=False)
        if close:
            return MultipartLayout(tuple(parts), closed=True)
        part_start = line_end
        pos = line_end
    if part_start >= 0:
        parts.append((part_start, end))
    return MultipartLayout(tuple(parts), closed=False)


def count_lines(data: bytes, start: int, end: int) -> int:
    """Count the lines of a body as IMAP reports them: the number of LF octets in it."""
    return data.count(b"\n", start, end)


def canonicalize_line_endings(message: bytes) -> bytes:
    """Return ``message`` with every line ending (bare LF, bare CR or CRLF) turned into CRLF.

    IMAP sends messages with CRLF line endings (RFC 3501 2.3.1 "octets"), so a store that
    canonicalizes before saving gets sizes that match what is sent byte for byte.
    """
    if b"\r" not in message:
        return message.replace(b"\n", b"\r\n")
    return _LINE_ENDING.sub(b"\r\n", message)


def _line_end(data: bytes, pos: int, end: int) -> int:
    nl = data.find(b"\n", pos, end)
    return end if nl < 0 else nl + 1


def _is_blank_line(data: bytes, pos: int, line_end: int) -> bool:
    length = line_end - pos
    first = data[pos]
    if length == 1:
        return first in (_LF, _CR)
    return length == 2 and first == _CR and data[pos + 1] == _LF


def _delimiter_line_end(data: bytes, pos: int, end: int) -> int:
    """Return the offset after a delimiter line's padding and line ending, or -1 if not one."""
    while pos < end and data[pos] in (_SP, _HT):
        pos += 1
    if pos >= end:
        return end
    char = data[pos]
    if char == _LF:
        return pos + 1
    if char == _CR:
        if pos + 1 >= end:
            return end
        if data[pos + 1] == _LF:
            return pos + 2
    return -1


def _before_line_ending(data: bytes, pos: int, floor: int) -> int:
    """Step back over the line ending that precedes ``pos`` (it belongs to the delimiter)."""
    if pos > floor and data[pos - 1] == _LF:
        pos -= 1
        if pos > floor and data[pos - 1] == _CR:
            pos -= 1
    return pos
