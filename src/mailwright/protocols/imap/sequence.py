"""Sequence sets: ``1:4,7,9:*`` (RFC 3501 9) and ``$`` (RFC 5182 SEARCHRES).

The parser keeps ``*`` as the explicit marker `STAR`; only the server knows the
largest message sequence number or UID, and passes it to `SequenceSet.resolve`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final, Literal

from mailwright.protocols.imap.reader import MAX_NUMBER, Reader


class Star(enum.Enum):
    """The ``*`` of a sequence set: the largest number in use in the mailbox."""

    STAR = "*"


STAR: Final = Star.STAR

SeqNumber = int | Literal[Star.STAR]


def _resolve_number(value: SeqNumber, largest: int) -> int:
    return largest if value is STAR else value


def _format_number(value: SeqNumber) -> str:
    return "*" if value is STAR else str(value)


@dataclass(frozen=True, slots=True)
class SequenceRange:
    """``first:last`` as written; ``4:2`` and ``2:4`` name the same messages."""

    first: SeqNumber
    last: SeqNumber

    def resolve(self, largest: int) -> tuple[int, int]:
        """The range as ``(low, high)`` once ``*`` means `largest`."""
        first = _resolve_number(self.first, largest)
        last = _resolve_number(self.last, largest)
        return (min(first, last), max(first, last))

    def __str__(self) -> str:
        if self.first == self.last:
            return _format_number(self.first)
        return f"{_format_number(self.first)}:{_format_number(self.last)}"


@dataclass(frozen=True, slots=True)
class SequenceSet:
    """A parsed sequence set.

    `ranges` is empty only when `saved` is True: ``$``, the result saved by an
    earlier ``SEARCH RETURN (SAVE)`` (RFC 5182), which the server substitutes.
    """

    ranges: tuple[SequenceRange, ...]
    saved: bool = False

    @classmethod
    def of(cls, numbers: Iterable[int]) -> SequenceSet:
        """The shortest set naming `numbers`, e.g. for ``[COPYUID ...]``.

        Raises:
            ValueError: `numbers` is empty or holds a number outside 1..2^32-1.
        """
        ordered = sorted(set(numbers))
        if not ordered:
            raise ValueError("a sequence set needs at least one number")
        if ordered[0] < 1 or ordered[-1] > MAX_NUMBER:
            raise ValueError("sequence numbers run from 1 to 2^32-1")
        ranges: list[SequenceRange] = []
        start = previous = ordered[0]
        for number in ordered[1:]:
            if number != previous + 1:
                ranges.append(SequenceRange(start, previous))
                start = number
            previous = number
        ranges.append(SequenceRange(start, previous))
        return cls(tuple(ranges))

    def resolve(self, largest: int) -> tuple[tuple[int, int], ...]:
        """Sorted, merged ``(low, high)`` ranges once ``*`` means `largest`.

        `largest` is the highest message sequence number or UID in the mailbox
        (0 when it is empty). Numbers above it are kept: RFC 3501 makes them an
        error for sequence numbers but ignores missing UIDs, so the caller
        decides.

        Raises:
            ValueError: the set is ``$``, which the server must substitute first.
        """
        if self.saved:
            raise ValueError("'$' must be replaced by the saved search result")
        merged: list[tuple[int, int]] = []
        for low, high in sorted(r.resolve(largest) for r in self.ranges):
            if merged and low <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], high))
            else:
                merged.append((low, high))
        return tuple(merged)

    def contains(self, number: int, largest: int) -> bool:
        """True when `number` is in the set once ``*`` means `largest`."""
        return any(low <= number <= high for low, high in self.resolve(largest))

    def iter_numbers(self, largest: int) -> Iterator[int]:
        """Every number in the set, ascending; mind ``1:4294967295``."""
        for low, high in self.resolve(largest):
            yield from range(low, high + 1)

    def __str__(self) -> str:
        if self.saved:
            return "$"
        return ",".join(str(r) for r in self.ranges)


def _read_seq_number(reader: Reader) -> SeqNumber:
    if reader.skip("*"):
        return STAR
    return reader.read_number("message number", nonzero=True)


def read_sequence_set(reader: Reader) -> SequenceSet:
    """RFC 3501 9: sequence-set; RFC 5182: ``$``."""
    if reader.skip("$"):
        return SequenceSet((), saved=True)
    if not (reader.peek_is("*") or reader.peek_digit()):
        reader.missing("sequence set")
    ranges: list[SequenceRange] = []
    while True:
        first = _read_seq_number(reader)
        last = _read_seq_number(reader) if reader.skip(":") else first
        ranges.append(SequenceRange(first, last))
        if not reader.skip(","):
            return SequenceSet(tuple(ranges))


def parse_sequence_set(text: str) -> SequenceSet:
    """Parse a sequence set on its own, e.g. from a test or a QRESYNC parameter.

    Raises:
        ParseError: `text` is not a sequence set.
    """
    reader = Reader(text.encode("utf-8"))
    result = read_sequence_set(reader)
    reader.ensure_end()
    return result
