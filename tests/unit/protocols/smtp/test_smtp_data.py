"""Reading DATA: end marker, dot-unstuffing, limits, smuggling protection."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mailwright.protocols.smtp.data import DataProblem, DataReader


def read_all(chunks: list[bytes], max_size: int = 10_000) -> tuple[DataReader, bytes]:
    reader = DataReader(max_size)
    rest = b""
    for chunk in chunks:
        rest = reader.feed(chunk)
        if reader.done:
            break
    return reader, rest


def split(wire: bytes, cuts: list[int]) -> list[bytes]:
    """``wire`` cut into reads of the given sizes (repeated), the rest in a last read."""
    chunks, position = [], 0
    for cut in cuts * 100:
        if position >= len(wire):
            break
        chunks.append(wire[position : position + cut])
        position += cut
    chunks.append(wire[position:])
    return chunks


def test_message_ends_at_dot_line_and_keeps_pipelined_rest() -> None:
    """The message ends at CRLF.CRLF; what follows is returned for the next command."""
    reader, rest = read_all([b"Subject: x\r\n\r\n..leading dot\r\nbody\r\n.\r\nQUIT\r\n"])
    assert reader.done and reader.problem is None
    assert reader.message() == b"Subject: x\r\n\r\n.leading dot\r\nbody\r\n"
    assert rest == b"QUIT\r\n"


def test_end_marker_split_across_reads() -> None:
    """An end marker split over several reads is found."""
    reader, _ = read_all([b"a\r", b"\n.", b"\r", b"\n"])
    assert reader.done and reader.message() == b"a\r\n"


def test_bare_lf_dot_does_not_end_the_message() -> None:
    """<LF>.<LF> is not an end marker (SMTP smuggling); bare LFs make the message bad."""
    reader, _ = read_all([b"a\n.\nMAIL FROM:<evil@x>\r\n.\r\n"])
    assert reader.done
    assert reader.problem is DataProblem.BARE_NEWLINE
    assert reader.message() == b""


def test_too_big_is_read_to_the_end_but_not_kept() -> None:
    """An over-size message is consumed to its end marker and flagged."""
    reader, rest = read_all([b"x" * 90 + b"\r\n"] * 200 + [b".\r\nNOOP\r\n"], max_size=1000)
    assert reader.done and reader.problem is DataProblem.TOO_BIG and rest == b"NOOP\r\n"
    assert reader.message() == b""


def test_long_line_is_flagged() -> None:
    """A line longer than 998 octets is refused (RFC 5321 4.5.3.1.6)."""
    reader, _ = read_all([b"y" * 999 + b"\r\n.\r\n"])
    assert reader.problem is DataProblem.LINE_TOO_LONG
    reader, _ = read_all([b"z" * 200_000, b"\r\n.\r\n"], max_size=10**9)
    assert reader.done and reader.problem is DataProblem.LINE_TOO_LONG


def test_a_dot_ending_a_cut_over_long_line_is_not_a_line_of_its_own() -> None:
    """A line over 64 KiB is cut while its end is awaited, keeping its last byte; when that
    byte is "." and CRLF follows in the next read, it still ends the long line, not the data
    (".<CRLF>" only ends the data at the start of a line)."""
    reader, rest = read_all([b"x" * 70_000 + b".", b"\r\nmore\r\n.\r\nNOOP\r\n"], max_size=10**9)
    assert reader.done and reader.problem is DataProblem.LINE_TOO_LONG
    assert rest == b"NOOP\r\n"


@given(
    st.lists(
        st.binary(max_size=80).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"")), max_size=20
    ),
    st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=10),
)
def test_chunking_never_changes_the_result(lines: list[bytes], cuts: list[int]) -> None:
    """However the bytes are split into reads, the message read is the same."""
    stuffed = b"".join((b"." + line if line.startswith(b".") else line) + b"\r\n" for line in lines)
    wire = stuffed + b".\r\n"
    reader, _ = read_all(split(wire, cuts))
    assert reader.done
    assert reader.message() == b"".join(line + b"\r\n" for line in lines)


def read_by_lines(wire: bytes, max_size: int) -> tuple[bool, bytes | None, bytes]:
    """The reference: RFC 5321's rules applied one line at a time. Returns (ended, message or
    None when refused, rest after the end marker)."""
    lines: list[bytes] = []
    refused, size, start = False, 0, 0
    while True:
        end = wire.find(b"\r\n", start)
        if end < 0:
            return False, None, b""
        line = wire[start:end]
        start = end + 2
        if line == b".":
            return True, None if refused else b"".join(x + b"\r\n" for x in lines), wire[start:]
        line = line[1:] if line.startswith(b".") else line
        size += len(line) + 2
        refused |= b"\r" in line or b"\n" in line or len(line) > 998 or size > max_size
        lines.append(line)


@given(
    st.lists(
        st.one_of(
            st.text(alphabet=". a", max_size=6).map(lambda line: line.encode() + b"\r\n"),
            st.sampled_from([b".", b"..", b".\r", b"\n.", b"\r", b"\n", b"x" * 999]),
            st.sampled_from([b"x" * 998, b"x" * 999, b"." + b"x" * 998]).map(lambda x: x + b"\r\n"),
            st.binary(max_size=40),
        ),
        max_size=30,
    ),
    st.lists(st.integers(min_value=1, max_value=70), min_size=1, max_size=10),
    st.integers(min_value=50, max_value=3000),
)
def test_same_result_as_reading_line_by_line(
    pieces: list[bytes], cuts: list[int], max_size: int
) -> None:
    """Whatever the bytes (bare CR/LF, dots, long lines, size limit) and however they arrive,
    the reader agrees with the line-by-line reference on where the message ends, whether it is
    refused, what it contains and what follows it."""
    wire = b"".join(pieces) + b"\r\n.\r\nNOOP\r\n"
    chunks = split(wire, cuts)
    reader = DataReader(max_size)
    rest = b""
    for index, chunk in enumerate(chunks):
        rest = reader.feed(chunk)
        if reader.done:
            rest += b"".join(chunks[index + 1 :])
            break
    ended, message, expected_rest = read_by_lines(wire, max_size)
    assert reader.done == ended
    assert (reader.problem is None) == (message is not None)
    if message is not None:
        assert reader.message() == message
    assert rest == expected_rest
