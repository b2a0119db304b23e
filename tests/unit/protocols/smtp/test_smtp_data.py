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
    chunks, position = [], 0
    for cut in cuts * 100:
        if position >= len(wire):
            break
        chunks.append(wire[position : position + cut])
        position += cut
    reader, _ = read_all(chunks)
    assert reader.done
    assert reader.message() == b"".join(line + b"\r\n" for line in lines)
