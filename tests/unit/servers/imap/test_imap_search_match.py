"""Evaluating SEARCH keys: costs, cheap-first splitting, and the raw-header shortcut that
must never hide a match."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from mailwright.model.mail_access import MessageEntry
from mailwright.protocols.imap.commands import SearchCommand
from mailwright.protocols.imap.parser import parse_command
from mailwright.protocols.imap.search import SearchAnd, SearchKey
from mailwright.servers.imap.search_match import (
    Candidate,
    Matcher,
    Need,
    need_of,
    split_by_cost,
    uses_modseq,
)

HEADER = (
    b"From: =?utf-8?q?Ren=C3=A9e?= <renee@remote.test>\r\nSubject: Quarterly\r\n numbers\r\n"
    b"Date: Sat, 3 Jan 2026 23:30:00 -0500\r\n\r\n"
)


def criteria(text: str) -> SearchKey:
    command = parse_command(f"a SEARCH {text}".encode())
    assert isinstance(command, SearchCommand)
    return command.criteria


def candidate(*flags: str, header: bytes = HEADER, size: int = 500, uid: int = 3) -> Candidate:
    entry = MessageEntry(uid, frozenset(flags), 9, size, datetime(2026, 1, 5, tzinfo=UTC), "b")
    return Candidate(2, entry, recent=True, header=header)


def test_cost_of_keys() -> None:
    """Flags and numbers cost nothing, header keys need the header, BODY/TEXT the body."""
    assert need_of(criteria("SEEN UID 1:4 LARGER 10 ON 1-Jan-2026")) is Need.NONE
    assert need_of(criteria("NOT SUBJECT x")) is Need.HEADER
    assert need_of(criteria("SENTON 1-Jan-2026")) is Need.HEADER
    assert need_of(criteria("OR SEEN BODY x")) is Need.BODY
    assert uses_modseq(criteria("OR SEEN MODSEQ 4")) and not uses_modseq(criteria("ALL"))


def test_split_by_cost_keeps_every_key() -> None:
    """The cheap and costly parts together are the original conjunction."""
    cheap, costly = split_by_cost(criteria("SEEN FROM x LARGER 3 TEXT y"))
    assert cheap == SearchAnd((criteria("SEEN"), criteria("LARGER 3")))
    assert costly == SearchAnd((criteria("FROM x"), criteria("TEXT y")))
    assert split_by_cost(criteria("ALL")) == (criteria("ALL"), None)


def test_matcher_on_flags_numbers_and_headers() -> None:
    """Keys evaluate on flags (case-insensitive keywords), numbers and decoded headers."""
    matcher = Matcher(largest_sequence=4, largest_uid=10)
    message = candidate("\\Seen", "$Work")
    for text, expected in [
        ("SEEN KEYWORD $work RECENT", True),
        ("NEW", False),
        ("2 UID 3:* SMALLER 501", True),
        ('FROM "renée"', True),
        ('FROM "RENÉE"', True),
        ("FROM bob", False),
        ("SUBJECT quarterly SUBJECT numbers", True),
        ('HEADER date ""', True),
        ("HEADER X-Missing x", False),
        ("SENTON 3-Jan-2026", True),
        ("SENTBEFORE 3-Jan-2026", False),
        ("SINCE 5-Jan-2026 BEFORE 6-Jan-2026", True),
        ("MODSEQ 10", False),
    ]:
        assert (text, matcher.matches(criteria(text), message)) == (text, expected)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Subject", "From", "X-Tag"]),
            st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=20),
        ),
        min_size=1,
        max_size=4,
    ),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=5),
)
def test_raw_header_shortcut_never_hides_a_match(
    fields: list[tuple[str, str]], needle: str
) -> None:
    """For ASCII headers the cheap raw test says 'maybe' whenever a decoded value matches."""
    header = b"".join(f"{name}: {value}\r\n".encode() for name, value in fields) + b"\r\n"
    message = candidate(header=header)
    decoded = [v for name, _ in fields for v in message.header_values(name)]
    if any(needle.casefold() in value.casefold() for value in decoded):
        assert message.header_may_contain(needle)


def test_sent_date_uses_the_date_header_zone() -> None:
    """SENTON compares the Date header's own calendar day, not UTC."""
    message = candidate()
    assert Matcher(1, 1).matches(criteria("SENTON 3-Jan-2026"), message)
    assert date(2026, 1, 4) > date(2026, 1, 3)
