"""The lexical primitives behind the parser (protocols/imap/reader.py)."""

from __future__ import annotations

import pytest

from mailwright.protocols.imap.reader import ParseError, Reader, find_tag


@pytest.mark.parametrize(
    ("line", "complete", "tag"),
    [
        (b"a1 NOOP", True, "a1"),
        (b"a1", True, "a1"),
        (b"a1", False, None),
        (b"a{1 NOOP", True, None),
        (b"+x NOOP", True, None),
        (b"", True, None),
    ],
)
def test_find_tag(line: bytes, complete: bool, tag: str | None) -> None:
    """find_tag reads a tag only when a valid one is followed by SP (or ends a complete line)."""
    assert find_tag(line, complete=complete) == tag


def test_literal8_only_where_allowed() -> None:
    """``~{n}`` is refused unless the caller accepts binary data."""
    with pytest.raises(ParseError, match="literal8"):
        Reader(b"~{1}\r\nx").read_literal("value")
    assert Reader(b"~{1}\r\n\x00").read_literal("value", binary=True) == b"\x00"


def test_non_synchronising_literal_reads_like_a_literal() -> None:
    """``{n+}`` yields the same octets as ``{n}``."""
    assert Reader(b"{3+}\r\nabc").read_string("value") == b"abc"


def test_at_end_allows_only_a_final_crlf() -> None:
    """A trailing CRLF counts as the end; CRLF in the middle does not."""
    assert Reader(b"\r\n").at_end()
    assert not Reader(b"\r\nx").at_end()


def test_quoted_string_unescapes() -> None:
    """``\\"`` and ``\\\\`` are the only escapes in a quoted string."""
    assert Reader(b'"a\\"b\\\\c"').read_quoted("value") == b'a"b\\c'


def test_number_limits() -> None:
    """Numbers above 2^32-1 are out of range unless a larger maximum is given."""
    with pytest.raises(ParseError, match="out of range"):
        Reader(b"4294967296").read_number("number")
    assert Reader(b"4294967296").read_number("number", maximum=2**63 - 1) == 2**32
