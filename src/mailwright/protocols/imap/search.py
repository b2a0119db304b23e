"""SEARCH criteria (RFC 3501 6.4.4) as a typed tree.

The tree is normalised so the server evaluates few shapes: the flag keys
(ANSWERED ... UNSEEN, KEYWORD, UNKEYWORD, RECENT, OLD) become `SearchFlag`,
NEW becomes ``SearchAnd((SearchFlag(RECENT), SearchFlag(SEEN, present=False)))``,
FROM/TO/CC/BCC/SUBJECT become `SearchHeader`, and several top-level keys or a
parenthesised group become `SearchAnd`. MODSEQ (RFC 7162 3.1.5) and ``$``
(RFC 5182) are understood as well.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Final

from mailwright.protocols.imap import flags as f
from mailwright.protocols.imap.dates import parse_date
from mailwright.protocols.imap.reader import (
    ATOM_CHARS,
    MAX_NUMBER64,
    BadCharsetError,
    ParseError,
    Reader,
    decode_text,
)
from mailwright.protocols.imap.sequence import SequenceSet, read_sequence_set

SUPPORTED_CHARSETS: Final = ("UTF-8", "US-ASCII")
MAX_DEPTH: Final = 48
"""Nesting limit for NOT, OR and parentheses: deep trees would exhaust the stack."""


class DateField(enum.Enum):
    """Which date a date key compares."""

    INTERNAL = "internal"  # BEFORE, ON, SINCE: the internal date
    SENT = "sent"  # SENTBEFORE, SENTON, SENTSINCE: the Date: header


class DateRelation(enum.Enum):
    """How a date key compares; dates ignore time and time zone (RFC 3501 6.4.4)."""

    BEFORE = "before"
    ON = "on"
    SINCE = "since"


class SizeRelation(enum.Enum):
    """LARGER or SMALLER than an RFC822.SIZE."""

    LARGER = "larger"
    SMALLER = "smaller"


@dataclass(frozen=True, slots=True)
class SearchAll:
    """ALL."""


@dataclass(frozen=True, slots=True)
class SearchFlag:
    """A system flag or keyword is set (`present`) or not."""

    flag: str
    present: bool = True


@dataclass(frozen=True, slots=True)
class SearchHeader:
    """The header field `name` contains `value`; an empty value matches any such field."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class SearchBody:
    """BODY: the body (not the header) contains `value`."""

    value: str


@dataclass(frozen=True, slots=True)
class SearchText:
    """TEXT: the header or the body contains `value`."""

    value: str


@dataclass(frozen=True, slots=True)
class SearchDate:
    """BEFORE, ON, SINCE and their SENT forms."""

    field: DateField
    relation: DateRelation
    date: date


@dataclass(frozen=True, slots=True)
class SearchSize:
    """LARGER n or SMALLER n."""

    relation: SizeRelation
    size: int


@dataclass(frozen=True, slots=True)
class SearchSequence:
    """A bare sequence set of message sequence numbers."""

    sequence_set: SequenceSet


@dataclass(frozen=True, slots=True)
class SearchUid:
    """UID sequence-set."""

    sequence_set: SequenceSet


@dataclass(frozen=True, slots=True)
class SearchModSeq:
    """MODSEQ [entry-name entry-type] n: the mod-sequence is at least `modseq`."""

    modseq: int
    entry_name: str | None = None
    entry_type: str | None = None


@dataclass(frozen=True, slots=True)
class SearchNot:
    """NOT key."""

    key: SearchKey


@dataclass(frozen=True, slots=True)
class SearchOr:
    """OR key key."""

    left: SearchKey
    right: SearchKey


@dataclass(frozen=True, slots=True)
class SearchAnd:
    """All of `keys` match: a parenthesised group or the top-level list."""

    keys: tuple[SearchKey, ...]


SearchKey = (
    SearchAll
    | SearchFlag
    | SearchHeader
    | SearchBody
    | SearchText
    | SearchDate
    | SearchSize
    | SearchSequence
    | SearchUid
    | SearchModSeq
    | SearchNot
    | SearchOr
    | SearchAnd
)

_FLAG_KEYS: Final[dict[str, SearchKey]] = {
    "ANSWERED": SearchFlag(f.ANSWERED),
    "DELETED": SearchFlag(f.DELETED),
    "DRAFT": SearchFlag(f.DRAFT),
    "FLAGGED": SearchFlag(f.FLAGGED),
    "SEEN": SearchFlag(f.SEEN),
    "RECENT": SearchFlag(f.RECENT),
    "OLD": SearchFlag(f.RECENT, present=False),
    "UNANSWERED": SearchFlag(f.ANSWERED, present=False),
    "UNDELETED": SearchFlag(f.DELETED, present=False),
    "UNDRAFT": SearchFlag(f.DRAFT, present=False),
    "UNFLAGGED": SearchFlag(f.FLAGGED, present=False),
    "UNSEEN": SearchFlag(f.SEEN, present=False),
    "ALL": SearchAll(),
    "NEW": SearchAnd((SearchFlag(f.RECENT), SearchFlag(f.SEEN, present=False))),
}
_HEADER_KEYS: Final = {
    "BCC": "Bcc",
    "CC": "Cc",
    "FROM": "From",
    "SUBJECT": "Subject",
    "TO": "To",
}
_DATE_KEYS: Final = {
    "BEFORE": (DateField.INTERNAL, DateRelation.BEFORE),
    "ON": (DateField.INTERNAL, DateRelation.ON),
    "SINCE": (DateField.INTERNAL, DateRelation.SINCE),
    "SENTBEFORE": (DateField.SENT, DateRelation.BEFORE),
    "SENTON": (DateField.SENT, DateRelation.ON),
    "SENTSINCE": (DateField.SENT, DateRelation.SINCE),
}
_MODSEQ_ENTRY_TYPES: Final = ("priv", "shared", "all")
_RETURN_OPTIONS: Final = ("MIN", "MAX", "ALL", "COUNT", "SAVE")


def charset_decoder(charset: str | None) -> Callable[[bytes, str], str]:
    """The decoder for SEARCH strings under `charset`.

    Without CHARSET the strings are read as UTF-8, a superset of the default
    US-ASCII, because RFC 6855 clients send UTF-8 without naming it.

    Raises:
        BadCharsetError: a charset other than UTF-8 and US-ASCII.
    """
    name = None if charset is None else charset.upper()
    if name is None or name == "UTF-8":
        return decode_text
    if name == "US-ASCII":
        return _decode_ascii
    supported = ", ".join(SUPPORTED_CHARSETS)
    raise BadCharsetError(
        None, f"Charset {charset} is not supported; use {supported}", SUPPORTED_CHARSETS
    )


def _decode_ascii(raw: bytes, what: str) -> str:
    if not raw.isascii():
        raise ParseError(None, f"{what} holds 8-bit octets but CHARSET is US-ASCII")
    return decode_text(raw, what)


def read_return_options(reader: Reader) -> tuple[str, ...]:
    """RFC 4731 search-return-opts after ``RETURN``: ``(MIN MAX ALL COUNT SAVE)``."""
    reader.expect_space("search return options")
    reader.expect("(", "'(' opening the search return options")
    options: list[str] = []
    while not reader.skip(")"):
        if options:
            reader.expect_space("search return option")
        option = reader.read_keyword("search return option")
        if option not in _RETURN_OPTIONS:
            reader.fail(f"Unknown search return option {option}")
        options.append(option)
    return tuple(dict.fromkeys(options))


class SearchParser:
    """Reads 1*(SP search-key) with strings decoded per the CHARSET."""

    def __init__(self, reader: Reader, decode: Callable[[bytes, str], str]) -> None:
        self._reader = reader
        self._decode = decode

    def read_criteria(self) -> SearchKey:
        """All remaining keys, joined by AND when there are several."""
        keys: list[SearchKey] = []
        while not self._reader.at_end():
            self._reader.expect_space("search key")
            keys.append(self.read_key(0))
        if not keys:
            self._reader.fail("SEARCH needs at least one search key")
        return keys[0] if len(keys) == 1 else SearchAnd(tuple(keys))

    def read_key(self, depth: int) -> SearchKey:
        """RFC 3501 9: search-key."""
        reader = self._reader
        if depth > MAX_DEPTH:
            reader.fail(f"Search keys are nested more than {MAX_DEPTH} deep")
        if reader.skip("("):
            return self._group(depth)
        if reader.peek_digit() or reader.peek_is("*") or reader.peek_is("$"):
            return SearchSequence(read_sequence_set(reader))
        name = reader.read_keyword("search key")
        simple = _FLAG_KEYS.get(name)
        if simple is not None:
            return simple
        if name in _HEADER_KEYS:
            return SearchHeader(_HEADER_KEYS[name], self._string(name))
        if name in _DATE_KEYS:
            field, relation = _DATE_KEYS[name]
            return SearchDate(field, relation, self._date(name))
        return self._other(name, depth)

    def _other(self, name: str, depth: int) -> SearchKey:
        reader = self._reader
        match name:
            case "KEYWORD" | "UNKEYWORD":
                reader.expect_space("keyword")
                return SearchFlag(reader.read_atom("keyword"), present=name == "KEYWORD")
            case "BODY":
                return SearchBody(self._string(name))
            case "TEXT":
                return SearchText(self._string(name))
            case "HEADER":
                reader.expect_space("header field name")
                field = self._decode(reader.read_astring("header field name"), "header field name")
                return SearchHeader(field, self._string(name))
            case "LARGER" | "SMALLER":
                reader.expect_space(f"{name} size")
                size = reader.read_number(f"{name} size", maximum=MAX_NUMBER64)
                return SearchSize(SizeRelation(name.lower()), size)
            case "UID":
                reader.expect_space("UID sequence set")
                return SearchUid(read_sequence_set(reader))
            case "NOT":
                reader.expect_space("search key after NOT")
                return SearchNot(self.read_key(depth + 1))
            case "OR":
                reader.expect_space("first search key after OR")
                left = self.read_key(depth + 1)
                reader.expect_space("second search key after OR")
                return SearchOr(left, self.read_key(depth + 1))
            case "MODSEQ":
                return self._modseq()
        reader.fail(f"Unknown search key {name}")

    def _group(self, depth: int) -> SearchKey:
        keys = [self.read_key(depth + 1)]
        while not self._reader.skip(")"):
            if self._reader.at_end():
                self._reader.fail("Missing ')' closing the search key group")
            self._reader.expect_space("search key")
            keys.append(self.read_key(depth + 1))
        return keys[0] if len(keys) == 1 else SearchAnd(tuple(keys))

    def _string(self, key: str) -> str:
        self._reader.expect_space(f"{key} string")
        return self._decode(self._reader.read_astring(f"{key} string"), f"{key} string")

    def _date(self, key: str) -> date:
        reader = self._reader
        reader.expect_space(f"{key} date")
        # RFC 3501 9: date = date-text / DQUOTE date-text DQUOTE
        if reader.peek_is('"'):
            raw = reader.read_quoted(f"{key} date")
        else:
            raw = reader.read_run(ATOM_CHARS, f"{key} date")
        try:
            return parse_date(raw.decode("ascii", "replace"))
        except ValueError as error:
            reader.fail(f"Invalid {key} date: {error}")

    def _modseq(self) -> SearchModSeq:
        # RFC 7162 3.1.5: "MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer
        reader = self._reader
        reader.expect_space("MODSEQ value")
        entry_name = entry_type = None
        if reader.peek_is('"'):
            entry_name = decode_text(reader.read_quoted("MODSEQ entry name"), "entry name")
            if not entry_name.lower().startswith("/flags/"):
                reader.fail("MODSEQ entry name must start with /flags/")
            reader.expect_space("MODSEQ entry type")
            entry_type = reader.read_atom("MODSEQ entry type").lower()
            if entry_type not in _MODSEQ_ENTRY_TYPES:
                reader.fail("MODSEQ entry type must be priv, shared or all")
            reader.expect_space("MODSEQ value")
        modseq = reader.read_number("MODSEQ value", maximum=MAX_NUMBER64)
        return SearchModSeq(modseq, entry_name, entry_type)
