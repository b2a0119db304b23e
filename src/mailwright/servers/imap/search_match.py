"""Evaluating SEARCH keys (RFC 3501 6.4.4) against messages of the selected folder.

Keys are sorted by what they cost: flags, sizes, dates, UIDs, sequence numbers and modseqs
come from the session's memory (``Need.NONE``); header keys need the header block; BODY and
TEXT need the whole message and its structure. The command filters by the cheap keys first
and loads only what the survivors need. Strings match as case-insensitive substrings of the
decoded (RFC 2047, transfer encoding and charset undone) text.
"""

from __future__ import annotations

import enum
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from email.utils import parsedate_to_datetime

from mailwright.model.mail_access import MessageEntry
from mailwright.protocols.imap import flags as f
from mailwright.protocols.imap.fetchdata import text_for_search
from mailwright.protocols.imap.search import (
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
from mailwright.protocols.imap.sequence import SequenceSet
from mailwright.protocols.mime import (
    MessageStructure,
    decode_encoded_words,
    header_text,
    iter_header_fields,
)


class Need(enum.IntEnum):
    """What evaluating a key needs beyond the in-memory entry."""

    NONE = 0
    HEADER = 1
    BODY = 2


def need_of(key: SearchKey) -> Need:
    """The most a key (with its sub-keys) needs."""
    match key:
        case SearchHeader() | SearchDate(field=DateField.SENT):
            return Need.HEADER
        case SearchBody() | SearchText():
            return Need.BODY
        case SearchNot(key=inner):
            return need_of(inner)
        case SearchOr(left=left, right=right):
            return max(need_of(left), need_of(right))
        case SearchAnd(keys=keys):
            return max((need_of(k) for k in keys), default=Need.NONE)
    return Need.NONE


def uses_modseq(key: SearchKey) -> bool:
    """True when a MODSEQ key appears (RFC 7162 3.1.5: results then carry a MODSEQ)."""
    match key:
        case SearchModSeq():
            return True
        case SearchNot(key=inner):
            return uses_modseq(inner)
        case SearchOr(left=left, right=right):
            return uses_modseq(left) or uses_modseq(right)
        case SearchAnd(keys=keys):
            return any(uses_modseq(k) for k in keys)
    return False


def split_by_cost(key: SearchKey) -> tuple[SearchKey | None, SearchKey | None]:
    """(cheap part, costly part) of a key whose parts must all match."""
    parts = key.keys if isinstance(key, SearchAnd) else (key,)
    cheap = tuple(k for k in parts if need_of(k) is Need.NONE)
    costly = tuple(k for k in parts if need_of(k) is not Need.NONE)
    return _joined(cheap), _joined(costly)


def _joined(keys: tuple[SearchKey, ...]) -> SearchKey | None:
    if not keys:
        return None
    return keys[0] if len(keys) == 1 else SearchAnd(keys)


@dataclass(slots=True)
class Candidate:
    """A message being searched, with what has been loaded for it."""

    sequence_number: int
    entry: MessageEntry
    recent: bool
    header: bytes | None = None
    body: bytes | None = None
    structure: MessageStructure | None = None
    _fields: dict[str, list[str]] | None = field(default=None, repr=False)
    _text: str | None = field(default=None, repr=False)
    _folded: bytes | None = field(default=None, repr=False)

    def body_text(self) -> str:
        """The decoded text of the text parts, case-folded (BODY, TEXT)."""
        if self._text is None:
            found = ""
            if self.body is not None and self.structure is not None:
                found = text_for_search(self.body, self.structure).casefold()
            self._text = found
        return self._text

    def header_may_contain(self, value: str) -> bool:
        """False when the header block certainly does not contain ``value``: a cheap test on
        the raw octets that skips decoding. It only answers for ASCII values and pure-ASCII
        headers without encoded words, where decoding cannot create new matches."""
        raw = self.header or b""
        if not value.isascii() or not raw.isascii() or b"=?" in raw:
            return True
        if self._folded is None:
            # Every decoded value is a piece of the raw block with CR, LF and NUL removed
            # (RFC 5322 2.2.3 unfolding; header_text drops stray line endings and NUL).
            self._folded = raw.translate(None, b"\r\n\x00").lower()
        return value.lower().encode("ascii") in self._folded

    def header_values(self, name: str) -> list[str]:
        """Decoded values of a header field (by lowercase name)."""
        if self._fields is None:
            self._fields = {}
            raw = self.header or b""
            for found in iter_header_fields(raw, 0, len(raw)):
                text = decode_encoded_words(header_text(raw[found.value_start : found.end]))
                self._fields.setdefault(found.name, []).append(text)
        return self._fields.get(name.lower(), [])


class Matcher:
    """Evaluates keys for one SEARCH; ``*`` means the given largest number or UID."""

    def __init__(self, largest_sequence: int, largest_uid: int) -> None:
        self._largest_sequence = largest_sequence
        self._largest_uid = largest_uid
        self._ranges: dict[tuple[int, SequenceSet], tuple[list[int], list[int]]] = {}

    def matches(self, key: SearchKey, c: Candidate) -> bool:
        """Whether the candidate matches ``key``."""
        match key:
            case SearchAll():
                return True
            case SearchFlag(flag=flag, present=present):
                return _has_flag(c, flag) == present
            case SearchSize(relation=relation, size=size):
                if relation is SizeRelation.LARGER:
                    return c.entry.size > size
                return c.entry.size < size
            case SearchSequence(sequence_set=numbers):
                return self._within(numbers, c.sequence_number, self._largest_sequence)
            case SearchUid(sequence_set=numbers):
                return self._within(numbers, c.entry.uid, self._largest_uid)
            case SearchModSeq(modseq=modseq):
                return c.entry.modseq >= modseq
            case SearchDate():
                return _date_matches(key, c)
            case SearchNot(key=inner):
                return not self.matches(inner, c)
            case SearchOr(left=left, right=right):
                return self.matches(left, c) or self.matches(right, c)
            case SearchAnd(keys=keys):
                return all(self.matches(k, c) for k in keys)
            case _:
                return _text_matches(key, c)

    def _within(self, numbers: SequenceSet, value: int, largest: int) -> bool:
        ranges = self._ranges.get((largest, numbers))
        if ranges is None:
            resolved = numbers.resolve(largest)
            ranges = ([low for low, _ in resolved], [high for _, high in resolved])
            self._ranges[(largest, numbers)] = ranges
        index = bisect_right(ranges[0], value) - 1
        return index >= 0 and value <= ranges[1][index]


def _has_flag(c: Candidate, flag: str) -> bool:
    if flag == f.RECENT:
        return c.recent
    if flag in c.entry.flags:
        return True
    wanted = flag.casefold()
    return any(present.casefold() == wanted for present in c.entry.flags)


def _text_matches(key: SearchKey, c: Candidate) -> bool:
    match key:
        case SearchHeader(name=name, value=value):
            if value and not c.header_may_contain(value):
                return False
            values = c.header_values(name)
            wanted = value.casefold()
            return any(wanted in found.casefold() for found in values)
        case SearchBody(value=value):
            return value.casefold() in c.body_text()
        case SearchText(value=value):
            wanted = value.casefold()
            header = (c.header or b"").decode("utf-8", "replace").casefold()
            return wanted in header or wanted in c.body_text()
    return False


def _date_matches(key: SearchDate, c: Candidate) -> bool:
    day = c.entry.internal_date.date()
    if key.field is DateField.SENT:
        day = _sent_date(c) or day
    match key.relation:
        case DateRelation.BEFORE:
            return day < key.date
        case DateRelation.ON:
            return day == key.date
        case DateRelation.SINCE:
            return day >= key.date


def _sent_date(c: Candidate) -> date | None:
    # RFC 3501 6.4.4: the Date header's date, "disregarding time and timezone".
    values = c.header_values("date")
    if not values:
        return None
    try:
        return parsedate_to_datetime(values[0]).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
