"""Property tests for the IMAP grammar layer: totality, bounds, round trips (hypothesis)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailwright.protocols.imap import mutf7
from mailwright.protocols.imap.commands import LoginCommand, SelectCommand
from mailwright.protocols.imap.dates import format_internal_date, parse_date_time
from mailwright.protocols.imap.framing import (
    CommandFramer,
    CommandReceived,
    ContinuationNeeded,
    LimitExceeded,
    RawLineReceived,
)
from mailwright.protocols.imap.parser import ParseError, parse_command
from mailwright.protocols.imap.reader import Reader
from mailwright.protocols.imap.sequence import SequenceSet, parse_sequence_set
from mailwright.protocols.imap.values import serialize

TOKENS = [
    b"a1",
    b"*",
    b"+",
    b" ",
    b"  ",
    b"\r\n",
    b"(",
    b")",
    b"[",
    b"]",
    b"<",
    b">",
    b".",
    b'"',
    b'\\"',
    b"\\\\",
    b"\\",
    b"{",
    b"}",
    b"~",
    b"%",
    b"$",
    b":",
    b",",
    b"0",
    b"1",
    b"4294967296",
    b"99999999999999999999",
    b"{0}\r\n",
    b"{3}\r\n",
    b"{2+}\r\n",
    b"~{1}\r\n",
    b"NIL",
    b"INBOX",
    b"&",
    b"&-",
    b"&AOQ-",
    b"&Jjo!",
    b"\xc3\xbc",
    b"\xff",
    b"\x00",
    b"\\Seen",
    b"\\Recent",
    b"FLAGS",
    b"+FLAGS.SILENT",
    b"BODY",
    b"BODY.PEEK",
    b"BODY[",
    b"HEADER.FIELDS",
    b"MIME",
    b"TEXT",
    b"BINARY.SIZE",
    b"CHANGEDSINCE",
    b"UNCHANGEDSINCE",
    b"VANISHED",
    b"ALL",
    b"NOT",
    b"OR",
    b"UID",
    b"SINCE",
    b"1-Feb-1994",
    b'"17-Jul-1996 02:44:25 -0700"',
    b"CHARSET",
    b"UTF-8",
    b"RETURN",
    b"MODSEQ",
    b"CONDSTORE",
    b"SPECIAL-USE",
    b"STATUS",
    b"MESSAGES",
]
COMMANDS = [
    b"CAPABILITY",
    b"LOGIN",
    b"AUTHENTICATE",
    b"SELECT",
    b"EXAMINE",
    b"CREATE",
    b"RENAME",
    b"LIST",
    b"LSUB",
    b"STATUS",
    b"APPEND",
    b"SEARCH",
    b"FETCH",
    b"STORE",
    b"COPY",
    b"MOVE",
    b"UID FETCH",
    b"UID SEARCH",
    b"UID STORE",
    b"UID EXPUNGE",
    b"ID",
    b"ENABLE",
    b"GETQUOTA",
    b"GETQUOTAROOT",
    b"NOOP",
]

grammar_lines = st.builds(
    lambda tag, name, parts: tag + b" " + name + b" " + b"".join(parts),
    st.sampled_from([b"a1", b"A.2", b"t]"]),
    st.sampled_from(COMMANDS),
    st.lists(st.sampled_from(TOKENS) | st.binary(max_size=4), max_size=25),
)


def _parses_or_fails_cleanly(line: bytes) -> None:
    failure: ParseError | None = None
    try:
        parse_command(line)
    except ParseError as error:
        failure = error
    if failure is not None:
        assert failure.reason
        assert failure.tag is None or line.startswith(failure.tag.encode())


@given(st.binary(max_size=400))
@settings(max_examples=400)
def test_parser_is_total_on_arbitrary_bytes(line: bytes) -> None:
    """Any byte string parses to a Command or raises ParseError, never anything else."""
    _parses_or_fails_cleanly(line)


@given(grammar_lines)
@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
def test_parser_is_total_on_near_grammatical_lines(line: bytes) -> None:
    """Lines built from IMAP tokens (literals, escapes, 8-bit, nesting) never crash the parser."""
    _parses_or_fails_cleanly(line)


stream_pieces = st.lists(
    st.sampled_from(
        [
            b"a1 LOGIN ",
            b"{3}\r\n",
            b"{4+}\r\n",
            b"{0}\r\n",
            b"{70+}\r\n",
            b"{70}\r\n",
            b"\r\n",
            b"\n",
            b"\r",
            b"x" * 40,
            b"{",
            b"}",
            b"+",
            b"9",
        ]
    )
    | st.binary(max_size=30),
    max_size=40,
)


@given(
    pieces=stream_pieces,
    cuts=st.lists(st.integers(min_value=1, max_value=50), max_size=30),
    max_line=st.integers(min_value=1, max_value=64),
    max_literal=st.integers(min_value=0, max_value=64),
    raw_after=st.booleans(),
    reject=st.booleans(),
)
@settings(max_examples=400, deadline=None)
def test_framer_never_raises_and_stays_bounded(
    pieces: list[bytes],
    cuts: list[int],
    max_line: int,
    max_literal: int,
    raw_after: bool,
    reject: bool,
) -> None:
    """Whatever the input and chunking, the framer never raises nor holds more than its limits."""
    framer = CommandFramer(max_line=max_line, max_literal=max_literal)
    stream = b"".join(pieces)
    bound = 2 * max_line + max_literal + 32  # text + CRLF joins + literals + skip tail
    position = 0
    for size in [*cuts, len(stream)]:
        framer.feed(stream[position : position + size])
        position += size
        for event in framer.events():
            if isinstance(event, ContinuationNeeded) and reject:
                framer.reject_literal()
            if isinstance(event, CommandReceived | RawLineReceived | LimitExceeded):
                if raw_after and isinstance(event, CommandReceived):
                    framer.enter_raw_mode()
                elif framer.raw_mode:
                    framer.enter_command_mode()
        assert framer.buffered <= bound


literal_text = st.binary(max_size=40)
framed_commands = st.lists(
    st.tuples(st.sampled_from([b"a1 X", b"b2 Y z"]), st.lists(literal_text, max_size=3)),
    min_size=1,
    max_size=6,
)


@given(commands=framed_commands, cuts=st.lists(st.integers(1, 20), max_size=40))
@settings(max_examples=300, deadline=None)
def test_framing_does_not_depend_on_chunking(
    commands: list[tuple[bytes, list[bytes]]], cuts: list[int]
) -> None:
    """Commands with literals frame identically however the stream is cut."""
    expected: list[bytes] = []
    stream = b""
    for head, literals in commands:
        line = head + b"".join(b" {%d+}\r\n" % len(data) + data for data in literals)
        expected.append(line)
        stream += line + b"\r\n"
    framer = CommandFramer(max_line=1000, max_literal=1000)
    received: list[bytes] = []
    position = 0
    for size in [*cuts, len(stream)]:
        framer.feed(stream[position : position + size])
        position += size
        received += [e.line for e in framer.events() if isinstance(e, CommandReceived)]
    assert received == expected


@given(st.text())
def test_mutf7_round_trips_any_text(text: str) -> None:
    """decode(encode(s)) == s, and the encoding is printable ASCII."""
    encoded = mutf7.encode(text)
    assert all(0x20 <= ord(char) <= 0x7E for char in encoded)
    assert mutf7.decode(encoded) == text


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30))
def test_mutf7_decoding_is_canonical(data: str) -> None:
    """Any string decodes or raises MUTF7Error; what decodes re-encodes to the same string."""
    try:
        decoded = mutf7.decode(data)
    except mutf7.MUTF7Error:
        return
    assert mutf7.encode(decoded) == data


text_without_nul = st.text().filter(lambda text: "\x00" not in text)


@given(text_without_nul)
def test_serialized_strings_read_back(text: str) -> None:
    """serialize(str) read as an astring gives back the same text, quoted or literal."""
    wire = serialize(text)
    reader = Reader(wire)
    assert reader.read_astring("value").decode("utf-8") == text
    assert reader.at_end()


@given(st.binary())
def test_serialized_bytes_read_back(data: bytes) -> None:
    """serialize(bytes) is a literal that reads back octet for octet."""
    reader = Reader(serialize(data))
    assert reader.read_string("value") == data
    assert reader.at_end()


@given(user=text_without_nul, password=text_without_nul)
def test_login_round_trips_through_the_parser(user: str, password: str) -> None:
    """A LOGIN built with the serializer parses back to the same credentials."""
    line = b"a1 LOGIN " + serialize(user) + b" " + serialize(password)
    assert parse_command(line) == LoginCommand("a1", user, password)


@given(text_without_nul)
def test_mailbox_names_round_trip(name: str) -> None:
    """A name encoded to modified UTF-7 and serialized selects the same mailbox."""
    command = parse_command(b"a1 SELECT " + serialize(mutf7.encode(name)))
    expected = "INBOX" if name.upper() == "INBOX" else name
    assert command == SelectCommand("a1", expected)


@given(st.sets(st.integers(min_value=1, max_value=2**32 - 1), min_size=1, max_size=50))
def test_sequence_sets_round_trip(numbers: set[int]) -> None:
    """SequenceSet.of(numbers) writes a set that parses back to exactly those numbers."""
    parsed = parse_sequence_set(str(SequenceSet.of(numbers)))
    covered = sum(high - low + 1 for low, high in parsed.resolve(largest=1))
    assert covered == len(numbers)
    assert all(parsed.contains(number, largest=1) for number in numbers)


@given(
    moment=st.datetimes(
        min_value=datetime(1000, 1, 1),
        max_value=datetime(9999, 12, 30),
    ),
    offset_minutes=st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59),
)
def test_internal_dates_round_trip(moment: datetime, offset_minutes: int) -> None:
    """format_internal_date and parse_date_time agree to the second."""
    aware = moment.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=offset_minutes)))
    assert parse_date_time(format_internal_date(aware)) == aware
