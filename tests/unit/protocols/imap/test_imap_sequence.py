"""Sequence sets: parsing, `*`, `$`, resolving (protocols/imap/sequence.py)."""

from __future__ import annotations

import pytest

from mailwright.protocols.imap.parser import ParseError
from mailwright.protocols.imap.sequence import STAR, SequenceRange, SequenceSet, parse_sequence_set


def test_parses_ranges_and_star() -> None:
    """``1:4,7,9:*`` keeps ``*`` as the explicit STAR marker."""
    assert parse_sequence_set("1:4,7,9:*").ranges == (
        SequenceRange(1, 4),
        SequenceRange(7, 7),
        SequenceRange(9, STAR),
    )


@pytest.mark.parametrize(
    ("text", "largest", "expected"),
    [
        ("1:*", 10, ((1, 10),)),
        ("*:4", 10, ((4, 10),)),
        ("*", 10, ((10, 10),)),
        ("4:2", 10, ((2, 4),)),
        ("5:7,1:3,4", 10, ((1, 7),)),
        ("1,3,5", 10, ((1, 1), (3, 3), (5, 5))),
        ("3:*", 2, ((2, 3),)),
        ("1:*", 0, ((0, 1),)),
    ],
)
def test_resolve_merges_and_orders(
    text: str, largest: int, expected: tuple[tuple[int, int], ...]
) -> None:
    """resolve() substitutes ``*``, turns reversed ranges round and merges neighbours."""
    assert parse_sequence_set(text).resolve(largest) == expected


def test_contains_uses_largest_for_star() -> None:
    """contains() reads ``*`` as the largest number in the mailbox."""
    uids = parse_sequence_set("3,10:*")
    assert uids.contains(3, largest=20)
    assert uids.contains(15, largest=20)
    assert not uids.contains(4, largest=20)
    assert not uids.contains(15, largest=12)


def test_iter_numbers() -> None:
    """iter_numbers() lists each member once in ascending order."""
    assert list(parse_sequence_set("5,1:3,2").iter_numbers(largest=9)) == [1, 2, 3, 5]


def test_saved_result_must_be_substituted() -> None:
    """``$`` has no ranges of its own; resolving it is an error the server must avoid."""
    saved = parse_sequence_set("$")
    assert saved == SequenceSet((), saved=True)
    assert str(saved) == "$"
    with pytest.raises(ValueError, match="saved search result"):
        saved.resolve(5)


@pytest.mark.parametrize("text", ["1:4,7,9:*", "*", "*:3", "1"])
def test_str_round_trips(text: str) -> None:
    """str() writes a set back in wire form."""
    assert str(parse_sequence_set(text)) == text


def test_of_compresses_numbers() -> None:
    """SequenceSet.of() builds the shortest set, as used in COPYUID."""
    assert str(SequenceSet.of([304, 319, 320, 3, 2, 1])) == "1:3,304,319:320"


@pytest.mark.parametrize("numbers", [[], [0], [2**32]])
def test_of_refuses_invalid_numbers(numbers: list[int]) -> None:
    """SequenceSet.of() needs numbers from 1 to 2^32-1."""
    with pytest.raises(ValueError, match="sequence"):
        SequenceSet.of(numbers)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "Missing sequence set"),
        ("0", "message number must not be zero"),
        ("1:", "Missing message number"),
        ("1,,2", "Expected message number, found ','"),
        ("1:2:3", "Unexpected data"),
        ("$,1", "Unexpected data"),
        ("4294967296", "out of range"),
        ("-1", "Expected sequence set, found '-'"),
    ],
)
def test_rejects_malformed_sets(text: str, reason: str) -> None:
    """Malformed sets raise ParseError with a precise reason."""
    with pytest.raises(ParseError) as caught:
        parse_sequence_set(text)
    assert reason in caught.value.reason, caught.value.reason
