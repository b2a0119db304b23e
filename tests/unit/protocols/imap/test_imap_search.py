"""SEARCH criteria: every RFC 3501 key, grouping, charsets, MODSEQ (protocols/imap/search.py)."""

from __future__ import annotations

from datetime import date

import pytest

from mailwright.protocols.imap.commands import SearchCommand
from mailwright.protocols.imap.parser import ParseError, parse_command
from mailwright.protocols.imap.search import (
    MAX_DEPTH,
    DateField,
    DateRelation,
    SearchAll,
    SearchAnd,
    SearchBody,
    SearchDate,
    SearchFlag,
    SearchHeader,
    SearchKey,
    SearchModSeq,
    SearchNot,
    SearchOr,
    SearchSequence,
    SearchSize,
    SearchText,
    SearchUid,
    SizeRelation,
)
from mailwright.protocols.imap.sequence import SequenceSet, parse_sequence_set


def criteria(line: bytes) -> SearchKey:
    command = parse_command(line)
    assert isinstance(command, SearchCommand)
    return command.criteria


FEB_1 = date(1994, 2, 1)

KEYS: list[tuple[str, SearchKey]] = [
    ("ALL", SearchAll()),
    ("ANSWERED", SearchFlag("\\Answered")),
    ("BCC bob", SearchHeader("Bcc", "bob")),
    ("BEFORE 1-Feb-1994", SearchDate(DateField.INTERNAL, DateRelation.BEFORE, FEB_1)),
    ("BODY hello", SearchBody("hello")),
    ('CC "a b"', SearchHeader("Cc", "a b")),
    ("DELETED", SearchFlag("\\Deleted")),
    ("DRAFT", SearchFlag("\\Draft")),
    ("FLAGGED", SearchFlag("\\Flagged")),
    ("FROM Smith", SearchHeader("From", "Smith")),
    ('HEADER X-Spam ""', SearchHeader("X-Spam", "")),
    ("KEYWORD $Junk", SearchFlag("$Junk")),
    ("LARGER 1024", SearchSize(SizeRelation.LARGER, 1024)),
    ("NEW", SearchAnd((SearchFlag("\\Recent"), SearchFlag("\\Seen", present=False)))),
    ("NOT SEEN", SearchNot(SearchFlag("\\Seen"))),
    ("OLD", SearchFlag("\\Recent", present=False)),
    ('ON "1-Feb-1994"', SearchDate(DateField.INTERNAL, DateRelation.ON, FEB_1)),
    ("OR SEEN FLAGGED", SearchOr(SearchFlag("\\Seen"), SearchFlag("\\Flagged"))),
    ("RECENT", SearchFlag("\\Recent")),
    ("SEEN", SearchFlag("\\Seen")),
    ("SENTBEFORE 01-feb-1994", SearchDate(DateField.SENT, DateRelation.BEFORE, FEB_1)),
    ("SENTON 1-FEB-1994", SearchDate(DateField.SENT, DateRelation.ON, FEB_1)),
    ("SENTSINCE 1-Feb-1994", SearchDate(DateField.SENT, DateRelation.SINCE, FEB_1)),
    ("SINCE 1-Feb-1994", SearchDate(DateField.INTERNAL, DateRelation.SINCE, FEB_1)),
    ("SMALLER 5000000000", SearchSize(SizeRelation.SMALLER, 5_000_000_000)),
    ("SUBJECT hi", SearchHeader("Subject", "hi")),
    ("TEXT word", SearchText("word")),
    ("TO alice", SearchHeader("To", "alice")),
    ("UID 1:*", SearchUid(parse_sequence_set("1:*"))),
    ("UID $", SearchUid(SequenceSet((), saved=True))),
    ("UNANSWERED", SearchFlag("\\Answered", present=False)),
    ("UNDELETED", SearchFlag("\\Deleted", present=False)),
    ("UNDRAFT", SearchFlag("\\Draft", present=False)),
    ("UNFLAGGED", SearchFlag("\\Flagged", present=False)),
    ("UNKEYWORD $Junk", SearchFlag("$Junk", present=False)),
    ("UNSEEN", SearchFlag("\\Seen", present=False)),
    ("2:4,7", SearchSequence(parse_sequence_set("2:4,7"))),
    ("*", SearchSequence(parse_sequence_set("*"))),
    ("$", SearchSequence(SequenceSet((), saved=True))),
    ("MODSEQ 620162338", SearchModSeq(620162338)),
    (
        'MODSEQ "/flags/\\\\draft" all 620162338',
        SearchModSeq(620162338, "/flags/\\draft", "all"),
    ),
    ("(SEEN)", SearchFlag("\\Seen")),
    ("(SEEN FLAGGED)", SearchAnd((SearchFlag("\\Seen"), SearchFlag("\\Flagged")))),
    ("unseen", SearchFlag("\\Seen", present=False)),
]


@pytest.mark.parametrize(("text", "expected"), KEYS)
def test_parses_search_key(text: str, expected: SearchKey) -> None:
    """Each RFC 3501 search key (and MODSEQ, $) parses to its normalised node."""
    assert criteria(b"a1 SEARCH " + text.encode()) == expected


def test_top_level_keys_are_anded() -> None:
    """Several keys form one SearchAnd in order."""
    assert criteria(b'a1 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"') == SearchAnd(
        (
            SearchFlag("\\Flagged"),
            SearchDate(DateField.INTERNAL, DateRelation.SINCE, FEB_1),
            SearchNot(SearchHeader("From", "Smith")),
        )
    )


def test_nested_or_and_groups() -> None:
    """OR takes two keys, each of which may be a parenthesised group."""
    assert criteria(b"a1 SEARCH OR (SEEN 1:3) NOT (DRAFT)") == SearchOr(
        SearchAnd((SearchFlag("\\Seen"), SearchSequence(parse_sequence_set("1:3")))),
        SearchNot(SearchFlag("\\Draft")),
    )


def test_literal_inside_search_string() -> None:
    """A search string may be a literal holding CRLF and UTF-8."""
    text = "zwei\r\nZeilen ü".encode()
    line = b"a1 SEARCH CHARSET UTF-8 SUBJECT {%d+}\r\n" % len(text) + text + b" ALL"
    assert criteria(line) == SearchAnd((SearchHeader("Subject", "zwei\r\nZeilen ü"), SearchAll()))


def test_us_ascii_charset_refuses_8bit_strings() -> None:
    """CHARSET US-ASCII with 8-bit octets is a ParseError naming the string."""
    with pytest.raises(ParseError, match="8-bit octets but CHARSET is US-ASCII"):
        parse_command(b'a1 SEARCH CHARSET us-ascii TEXT "\xc3\xbc"')


def test_us_ascii_charset_reads_ascii_strings() -> None:
    """CHARSET US-ASCII accepts 7-bit strings."""
    assert criteria(b"a1 SEARCH CHARSET US-ASCII TEXT abc") == SearchText("abc")


def test_missing_charset_reads_utf8() -> None:
    """Without CHARSET UTF-8 strings are accepted, as RFC 6855 clients send them."""
    assert criteria(b'a1 SEARCH TEXT "\xc3\xbc"') == SearchText("ü")


def test_search_charset_is_kept() -> None:
    """The CHARSET name is kept as written."""
    command = parse_command(b"a1 SEARCH CHARSET utf-8 ALL")
    assert isinstance(command, SearchCommand)
    assert command.charset == "utf-8"


SEARCH_ERRORS: list[tuple[bytes, str]] = [
    (b"a1 SEARCH BOGUS", "Unknown search key BOGUS"),
    (b"a1 SEARCH (SEEN", "Missing ')' closing the search key group"),
    (b"a1 SEARCH SEEN)", "Expected SP before search key, found ')'"),
    (b"a1 SEARCH ()", "Expected search key, found ')'"),
    (b"a1 SEARCH OR SEEN", "Missing second search key after OR"),
    (b"a1 SEARCH NOT", "Missing search key after NOT"),
    (b"a1 SEARCH SINCE 31-Feb-1994", "Invalid SINCE date: date '31-Feb-1994' does not exist"),
    (b"a1 SEARCH SINCE 1-Foo-1994", "Invalid SINCE date: unknown month 'Foo'"),
    (b"a1 SEARCH SINCE 1994-02-01", "Invalid SINCE date"),
    (b"a1 SEARCH SINCE", "Missing SINCE date"),
    (b"a1 SEARCH LARGER x", "Expected LARGER size, found 'x'"),
    (b"a1 SEARCH KEYWORD \\Seen", "Expected keyword, found '\\'"),
    (b"a1 SEARCH HEADER", "Missing header field name"),
    (b"a1 SEARCH HEADER Subject", "Missing HEADER string"),
    (b"a1 SEARCH SUBJECT caf\xc3\xa9", "8-bit octet 0xc3 in SUBJECT string; quote it"),
    (b"a1 SEARCH UID x", "Expected sequence set, found 'x'"),
    (b"a1 SEARCH MODSEQ", "Missing MODSEQ value"),
    (b'a1 SEARCH MODSEQ "/x" all 5', "MODSEQ entry name must start with /flags/"),
    (b'a1 SEARCH MODSEQ "/flags/x" none 5', "MODSEQ entry type must be priv, shared or all"),
    (b"a1 SEARCH CHARSET", "Missing charset name"),
    (b"a1 SEARCH  ALL", "Expected search key, found SP"),
]


@pytest.mark.parametrize(("line", "reason"), SEARCH_ERRORS)
def test_rejects_malformed_search(line: bytes, reason: str) -> None:
    """Malformed criteria raise ParseError with a precise reason."""
    with pytest.raises(ParseError) as caught:
        parse_command(line)
    assert reason in caught.value.reason, caught.value.reason


@pytest.mark.parametrize("prefix", [b"NOT ", b"(", b"OR ALL "])
def test_deep_nesting_is_refused_not_crashing(prefix: bytes) -> None:
    """Thousands of NOT, '(' or OR raise ParseError instead of RecursionError."""
    with pytest.raises(ParseError, match=f"nested more than {MAX_DEPTH} deep"):
        parse_command(b"a1 SEARCH " + prefix * 5000 + b"ALL")


def test_nesting_at_the_limit_is_accepted() -> None:
    """A tree exactly MAX_DEPTH deep is still fine."""
    key = criteria(b"a1 SEARCH " + b"NOT " * MAX_DEPTH + b"ALL")
    for _ in range(MAX_DEPTH):
        assert isinstance(key, SearchNot)
        key = key.key
    assert key == SearchAll()
