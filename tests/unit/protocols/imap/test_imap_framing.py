"""CommandFramer: commands, literals, limits, raw mode (protocols/imap/framing.py)."""

from __future__ import annotations

import pytest

from mailwright.protocols.imap.framing import (
    CommandFramer,
    CommandReceived,
    ContinuationNeeded,
    FramerEvent,
    Limit,
    LimitExceeded,
    RawLineReceived,
)

KIB = 1024
MIB = 1024 * KIB


def framer(max_line: int = 8 * KIB, max_literal: int = 8 * KIB) -> CommandFramer:
    return CommandFramer(max_line=max_line, max_literal=max_literal)


def drain(f: CommandFramer, data: bytes = b"") -> list[FramerEvent]:
    f.feed(data)
    return list(f.events())


def lines(events: list[FramerEvent]) -> list[bytes]:
    return [event.line for event in events if isinstance(event, CommandReceived)]


def test_splits_pipelined_commands() -> None:
    """Two commands in one read come out as two events without their CRLF."""
    assert lines(drain(framer(), b"a1 NOOP\r\na2 CAPABILITY\r\n")) == [
        b"a1 NOOP",
        b"a2 CAPABILITY",
    ]


def test_accepts_bare_lf() -> None:
    """A line ending in LF alone is accepted, as lenient servers do."""
    assert lines(drain(framer(), b"a1 NOOP\n")) == [b"a1 NOOP"]


def test_reassembles_byte_by_byte_input() -> None:
    """Feeding one octet at a time frames the same commands, literal included."""
    f = framer()
    stream = b"a1 LOGIN {5+}\r\nalice pw\r\na2 NOOP\r\n"
    events: list[FramerEvent] = []
    for index in range(len(stream)):
        events += drain(f, stream[index : index + 1])
    assert lines(events) == [b"a1 LOGIN {5+}\r\nalice pw", b"a2 NOOP"]


def test_incomplete_line_waits_for_more_input() -> None:
    """Without LF there is no event and next_event() says more data is needed."""
    f = framer()
    f.feed(b"a1 NO")
    assert f.next_event() is None
    assert lines(drain(f, b"OP\r\n")) == [b"a1 NOOP"]


def test_synchronising_literal_asks_for_continuation() -> None:
    """``{n}`` yields ContinuationNeeded with the tag and size, then the whole command."""
    f = framer()
    assert drain(f, b"a1 LOGIN {5}\r\n") == [ContinuationNeeded("a1", 5)]
    assert lines(drain(f, b"alice {2}\r\n")) == []
    assert lines(drain(f, b"pw\r\n")) == [b"a1 LOGIN {5}\r\nalice {2}\r\npw"]


def test_non_synchronising_literal_needs_no_continuation() -> None:
    """``{n+}`` (RFC 7888) produces no ContinuationNeeded."""
    events = drain(framer(), b"a1 APPEND INBOX {3+}\r\nabc\r\n")
    assert events == [CommandReceived(b"a1 APPEND INBOX {3+}\r\nabc")]


def test_zero_length_literal() -> None:
    """``{0}`` still asks for ``+`` and then continues with the rest of the line."""
    f = framer()
    assert drain(f, b"a1 LOGIN {0}\r\n") == [ContinuationNeeded("a1", 0)]
    assert lines(drain(f, b" pw\r\n")) == [b"a1 LOGIN {0}\r\n pw"]


def test_literal_may_hold_crlf_and_braces() -> None:
    """Literal octets are copied blindly, even CRLF and something that looks like {5}."""
    data = b"x {5}\r\ny\r\n"
    events = drain(framer(), b"a1 APPEND box {%d+}\r\n" % len(data) + data + b"\r\n")
    assert lines(events) == [b"a1 APPEND box {10+}\r\n" + data]


def test_literal_at_end_of_command_keeps_trailing_crlf_inside() -> None:
    """A literal that itself ends in CRLF is followed by the command's own CRLF."""
    events = drain(framer(), b"a1 APPEND box {2+}\r\n\r\n\r\n")
    assert lines(events) == [b"a1 APPEND box {2+}\r\n\r\n"]


def test_marker_beyond_32_bits_is_not_a_literal() -> None:
    """A size that is not an RFC 3501 number leaves the line for the parser to refuse."""
    assert lines(drain(framer(), b"a1 LOGIN {99999999999}\r\n")) == [b"a1 LOGIN {99999999999}"]


def test_over_long_line_is_reported_with_its_tag() -> None:
    """A line over max_line gives LimitExceeded(LINE) with the tag, then framing resumes."""
    events = drain(framer(max_line=64), b"a1 SELECT " + b"x" * 100 + b"\r\na2 NOOP\r\n")
    assert events[0] == LimitExceeded("a1", Limit.LINE, "Command line exceeds 64 octets")
    assert lines(events) == [b"a2 NOOP"]


def test_over_long_line_without_tag_reports_none() -> None:
    """When the over-long line has no readable tag the event's tag is None."""
    events = drain(framer(max_line=16), b"x" * 40 + b"\r\n")
    assert events == [LimitExceeded(None, Limit.LINE, "Command line exceeds 16 octets")]


def test_ten_megabytes_in_one_feed_are_not_buffered() -> None:
    """10 MB of one line fed at once leave the framer holding only a few octets."""
    f = framer()
    f.feed(b"a1 LOGIN " + b"x" * (10 * MIB))
    assert f.buffered <= 8 * KIB + 16
    events = drain(f, b"\r\na2 NOOP\r\n")
    assert [type(event) for event in events] == [LimitExceeded, CommandReceived]


def test_ten_megabytes_in_chunks_are_not_buffered() -> None:
    """Fed in 64 KiB reads, an endless line never grows the buffer past the line limit."""
    f = framer()
    chunk = b"y" * (64 * KIB)
    for _ in range(160):
        assert drain(f, chunk) == []
        assert f.buffered <= 8 * KIB + 16
    assert drain(f, b"\r\n")[0].__class__ is LimitExceeded


def test_line_limit_counts_all_segments_of_a_command() -> None:
    """Text before and after a literal adds up against max_line; literal octets do not."""
    f = framer(max_line=32, max_literal=100)
    events = drain(f, b"a1 LOGIN {50+}\r\n" + b"p" * 50 + b" " + b"q" * 20 + b"\r\n")
    assert events == [LimitExceeded("a1", Limit.LINE, "Command line exceeds 32 octets")]


def test_line_exactly_at_limit_is_accepted() -> None:
    """max_line octets of text are fine; the CR before LF is not counted."""
    line = b"a1 NOOP " + b"x" * 8
    assert lines(drain(framer(max_line=len(line)), line + b"\r\n")) == [line]


def test_line_one_octet_over_limit_in_pieces_is_refused() -> None:
    """An over-limit line noticed only when its LF arrives is still refused."""
    f = framer(max_line=10)
    assert drain(f, b"a1 NOOP xyz") == []
    assert drain(f, b"\r\na2 NOOP\r\n") == [
        LimitExceeded("a1", Limit.LINE, "Command line exceeds 10 octets"),
        CommandReceived(b"a2 NOOP"),
    ]


def test_continuation_without_valid_tag_has_no_tag() -> None:
    """A literal announced after an invalid tag is reported with tag None."""
    assert drain(framer(), b"a(b LOGIN {3}\r\n") == [ContinuationNeeded(None, 3)]


def test_too_large_synchronising_literal_is_refused_at_once() -> None:
    """``{n}`` over max_literal ends the command without ``+``; the next line is a command."""
    f = framer(max_literal=10)
    events = drain(f, b"a1 APPEND box {11}\r\n")
    assert events == [
        LimitExceeded("a1", Limit.LITERAL, "Literal data exceeds 10 octets (11 announced)")
    ]
    assert lines(drain(f, b"a2 NOOP\r\n")) == [b"a2 NOOP"]


def test_too_large_non_synchronising_literal_is_swallowed_then_reported() -> None:
    """``{n+}`` over max_literal: n octets dropped unbuffered, error after the command ends."""
    f = framer(max_literal=8 * KIB)
    assert drain(f, b"a1 APPEND box {5000000+}\r\n") == []
    for _ in range(50):
        assert drain(f, b"\r\n" * 50_000) == []
        assert f.buffered <= 16
    events = drain(f, b" trailing\r\na2 NOOP\r\n")
    assert events[0].__class__ is LimitExceeded
    assert events[0] == LimitExceeded(
        "a1", Limit.LITERAL, "Literal data exceeds 8192 octets (5000000 announced)"
    )
    assert lines(events) == [b"a2 NOOP"]


def test_literal_limit_applies_to_the_sum_of_literals() -> None:
    """Two literals that fit alone but not together break max_literal."""
    events = drain(framer(max_literal=10), b"a1 LOGIN {6+}\r\nabcdef {6+}\r\nghijkl\r\n")
    assert events == [
        LimitExceeded("a1", Limit.LITERAL, "Literal data exceeds 10 octets (6 announced)")
    ]


def test_skipped_line_ending_in_literal_swallows_the_literal() -> None:
    """An over-long line that ends in ``{n+}`` still has its n octets skipped."""
    f = framer(max_line=32)
    stream = b"a1 X " + b"z" * 40 + b" {6+}\r\nab\r\ncd tail\r\na2 NOOP\r\n"
    events = drain(f, stream)
    assert [type(event) for event in events] == [LimitExceeded, CommandReceived]
    assert lines(events) == [b"a2 NOOP"]


def test_skipped_line_ending_in_sync_literal_ends_the_command() -> None:
    """After an over-long line ending in ``{n}`` the client waits, so the command is over."""
    f = framer(max_line=32)
    events = drain(f, b"a1 X " + b"z" * 40 + b" {6}\r\n")
    assert [type(event) for event in events] == [LimitExceeded]
    assert lines(drain(f, b"a2 NOOP\r\n")) == [b"a2 NOOP"]


def test_set_limits_raises_the_ceiling_after_login() -> None:
    """After set_limits() a literal that was too big before fits."""
    f = framer(max_line=8 * KIB, max_literal=8 * KIB)
    big = b"m" * (20 * KIB)
    assert drain(f, b"a1 APPEND box {%d+}\r\n" % len(big) + big + b"\r\n")[0].__class__ is (
        LimitExceeded
    )
    f.set_limits(max_line=64 * KIB, max_literal=50 * MIB)
    events = drain(f, b"a2 APPEND box {%d+}\r\n" % len(big) + big + b"\r\n")
    assert lines(events) == [b"a2 APPEND box {20480+}\r\n" + big]


@pytest.mark.parametrize(("max_line", "max_literal"), [(0, 10), (10, -1)])
def test_set_limits_refuses_nonsense(max_line: int, max_literal: int) -> None:
    """A non-positive line limit or a negative literal limit is a ValueError."""
    with pytest.raises(ValueError, match="max_line"):
        CommandFramer(max_line=max_line, max_literal=max_literal)


def test_framer_stops_after_each_event_so_modes_can_switch() -> None:
    """A pipelined AUTHENTICATE response is read raw if the mode switches after the command."""
    f = framer()
    f.feed(b"a1 AUTHENTICATE PLAIN\r\nAGFsaWNlAHB3\r\na2 NOOP\r\n")
    assert f.next_event() == CommandReceived(b"a1 AUTHENTICATE PLAIN")
    f.enter_raw_mode()
    assert f.next_event() == RawLineReceived(b"AGFsaWNlAHB3")
    f.enter_command_mode()
    assert f.next_event() == CommandReceived(b"a2 NOOP")
    assert f.next_event() is None


def test_idle_done_arrives_as_raw_line() -> None:
    """During IDLE the client's DONE is a raw line, literals are not interpreted."""
    f = framer()
    assert lines(drain(f, b"a1 IDLE\r\n")) == [b"a1 IDLE"]
    f.enter_raw_mode()
    assert drain(f, b"DONE {5}\r\n") == [RawLineReceived(b"DONE {5}")]
    assert f.raw_mode


def test_raw_line_over_limit_is_dropped() -> None:
    """A raw line over max_line yields LimitExceeded without a tag."""
    f = framer(max_line=16)
    f.enter_raw_mode()
    events = drain(f, b"A" * 100 + b"\r\nshort\r\n")
    assert events == [
        LimitExceeded(None, Limit.LINE, "Line exceeds 16 octets"),
        RawLineReceived(b"short"),
    ]


def test_mode_switch_in_mid_line_raises() -> None:
    """Switching modes while a line is half read is a server bug and raises."""
    f = framer()
    f.feed(b"a1 NO")
    with pytest.raises(RuntimeError, match="between lines"):
        f.enter_raw_mode()


def test_reject_literal_drops_the_command() -> None:
    """reject_literal() after ContinuationNeeded forgets the command; the next one frames."""
    f = framer()
    assert drain(f, b"a1 APPEND nosuchbox {100}\r\n") == [ContinuationNeeded("a1", 100)]
    f.reject_literal()
    assert lines(drain(f, b"a2 NOOP\r\n")) == [b"a2 NOOP"]


def test_reject_literal_without_waiting_literal_raises() -> None:
    """reject_literal() is only valid right after ContinuationNeeded."""
    f = framer()
    drain(f, b"a1 NOOP\r\n")
    with pytest.raises(RuntimeError, match="no synchronising literal"):
        f.reject_literal()


def test_reset_drops_input_pipelined_after_starttls() -> None:
    """reset() discards octets that followed STARTTLS in plaintext and reports their count."""
    f = framer()
    f.feed(b"a1 STARTTLS\r\na2 LOGIN evil injected\r\n")
    assert f.next_event() == CommandReceived(b"a1 STARTTLS")
    assert f.reset() == len(b"a2 LOGIN evil injected\r\n")
    assert f.next_event() is None
    assert f.buffered == 0


def test_input_waiting_behind_an_event_is_framed_later() -> None:
    """Bytes fed while an event is pending are kept and framed on the next request."""
    f = framer()
    f.feed(b"a1 NOOP\r\n")
    f.feed(b"a2 NOOP\r\n")
    assert f.buffered == len(b"a2 NOOP\r\n")
    assert lines(list(f.events())) == [b"a1 NOOP", b"a2 NOOP"]


def test_feeding_after_an_event_was_taken_frames_waiting_input_first() -> None:
    """Input fed after an event was handed out keeps its order with older waiting input."""
    f = framer()
    f.feed(b"a1 NOOP\r\na2 NO")
    assert f.next_event() == CommandReceived(b"a1 NOOP")
    f.feed(b"OP\r\n")
    assert f.next_event() == CommandReceived(b"a2 NOOP")


def test_empty_line_is_passed_to_the_parser() -> None:
    """An empty line is a command line too; the parser answers it with * BAD."""
    assert drain(framer(), b"\r\n") == [CommandReceived(b"")]


def test_event_reprs_hide_payloads() -> None:
    """Command and raw line events keep credentials and message data out of repr()."""
    assert "secret" not in repr(CommandReceived(b"a1 LOGIN u secret"))
    assert "secret" not in repr(RawLineReceived(b"secret"))
