"""FETCH attributes (RFC 3501 6.4.5, RFC 3516 BINARY, RFC 7162 MODSEQ).

Each attribute knows the exact name the server echoes in its FETCH response
(`echo`): BODY.PEEK answers as BODY, BINARY.PEEK as BINARY, and a partial
fetch echoes only its origin octet, as in ``BODY[]<0>`` (RFC 3501 7.4.2).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Final

from mailwright.protocols.imap.reader import (
    ASTRING_CHARS,
    MAX_NUMBER64,
    Reader,
    decode_text,
)


class FetchItem(enum.Enum):
    """Attributes without a section; the value is the wire name."""

    FLAGS = "FLAGS"
    INTERNALDATE = "INTERNALDATE"
    RFC822_SIZE = "RFC822.SIZE"
    ENVELOPE = "ENVELOPE"
    BODY = "BODY"  # the non-extensible BODYSTRUCTURE
    BODYSTRUCTURE = "BODYSTRUCTURE"
    UID = "UID"
    MODSEQ = "MODSEQ"
    RFC822 = "RFC822"  # BODY[], sets \Seen
    RFC822_HEADER = "RFC822.HEADER"  # BODY.PEEK[HEADER]
    RFC822_TEXT = "RFC822.TEXT"  # BODY[TEXT], sets \Seen


class SectionText(enum.Enum):
    """RFC 3501 9: section-text."""

    HEADER = "HEADER"
    HEADER_FIELDS = "HEADER.FIELDS"
    HEADER_FIELDS_NOT = "HEADER.FIELDS.NOT"
    TEXT = "TEXT"
    MIME = "MIME"


def _astring(text: str) -> str:
    if text and all(ord(char) in ASTRING_CHARS for char in text):
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


@dataclass(frozen=True, slots=True)
class Section:
    """A body section: part numbers (empty for the whole message) and a text specifier.

    `fields` holds the header names of HEADER.FIELDS and HEADER.FIELDS.NOT as
    the client wrote them; the server matches them case-insensitively.
    """

    parts: tuple[int, ...] = ()
    text: SectionText | None = None
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        spec = ".".join(str(part) for part in self.parts)
        if self.text is not None:
            spec = f"{spec}.{self.text.value}" if spec else self.text.value
        if self.fields:
            spec += " (" + " ".join(_astring(name) for name in self.fields) + ")"
        return spec


@dataclass(frozen=True, slots=True)
class Partial:
    """``<offset.length>``: `length` octets from `offset`."""

    offset: int
    length: int


@dataclass(frozen=True, slots=True)
class FetchSimple:
    """FLAGS, UID, ENVELOPE, RFC822.SIZE... (see `FetchItem`)."""

    item: FetchItem

    @property
    def echo(self) -> str:
        """The name in the FETCH response."""
        return self.item.value

    @property
    def sets_seen(self) -> bool:
        """RFC 3501 6.4.5: RFC822 and RFC822.TEXT set \\Seen like BODY[...]."""
        return self.item in (FetchItem.RFC822, FetchItem.RFC822_TEXT)


@dataclass(frozen=True, slots=True)
class FetchBodySection:
    """``BODY[section]<partial>`` or ``BODY.PEEK[section]<partial>``."""

    section: Section
    partial: Partial | None = None
    peek: bool = False

    @property
    def echo(self) -> str:
        """``BODY[section]`` plus ``<origin>`` for a partial fetch."""
        origin = "" if self.partial is None else f"<{self.partial.offset}>"
        return f"BODY[{self.section}]{origin}"

    @property
    def sets_seen(self) -> bool:
        """BODY[...] sets \\Seen; BODY.PEEK[...] does not."""
        return not self.peek


@dataclass(frozen=True, slots=True)
class FetchBinary:
    """``BINARY[part]<partial>``, ``BINARY.PEEK[...]`` or ``BINARY.SIZE[part]`` (RFC 3516)."""

    parts: tuple[int, ...]
    partial: Partial | None = None
    peek: bool = False
    size_only: bool = False

    @property
    def echo(self) -> str:
        """``BINARY[part]<origin>`` or ``BINARY.SIZE[part]``."""
        part = ".".join(str(number) for number in self.parts)
        if self.size_only:
            return f"BINARY.SIZE[{part}]"
        origin = "" if self.partial is None else f"<{self.partial.offset}>"
        return f"BINARY[{part}]{origin}"

    @property
    def sets_seen(self) -> bool:
        """BINARY[...] sets \\Seen; BINARY.PEEK and BINARY.SIZE do not."""
        return not (self.peek or self.size_only)


FetchAttribute = FetchSimple | FetchBodySection | FetchBinary

_FAST: Final = (FetchItem.FLAGS, FetchItem.INTERNALDATE, FetchItem.RFC822_SIZE)
MACROS: Final = {
    "FAST": tuple(FetchSimple(item) for item in _FAST),
    "ALL": tuple(FetchSimple(item) for item in (*_FAST, FetchItem.ENVELOPE)),
    "FULL": tuple(FetchSimple(item) for item in (*_FAST, FetchItem.ENVELOPE, FetchItem.BODY)),
}
"""RFC 3501 6.4.5: the macros, valid only on their own (not inside a list)."""

_SIMPLE: Final = {item.value: item for item in FetchItem}
_NAME: Final = re.compile(rb"[A-Za-z0-9.]+")
_SECTION_WORD: Final = re.compile(rb"[A-Za-z.]+")
_TEXTS: Final = {text.value: text for text in SectionText}


def read_fetch_attributes(reader: Reader) -> tuple[FetchAttribute, ...]:
    """RFC 3501 9: ``"ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")"``."""
    if reader.skip("("):
        attributes = [read_fetch_attribute(reader)]
        while not reader.skip(")"):
            if reader.at_end():
                reader.fail("Missing ')' closing the fetch attribute list")
            reader.expect_space("fetch attribute")
            attributes.append(read_fetch_attribute(reader))
        return tuple(dict.fromkeys(attributes))
    start = reader.position
    name = reader.read_match(_NAME, "fetch attribute").decode("ascii").upper()
    if name in MACROS:
        return MACROS[name]
    reader.rewind(start)
    return (read_fetch_attribute(reader),)


def read_fetch_attribute(reader: Reader) -> FetchAttribute:
    """RFC 3501 9: fetch-att, plus BINARY (RFC 3516) and MODSEQ (RFC 7162)."""
    name = reader.read_match(_NAME, "fetch attribute").decode("ascii").upper()
    if name == "BODY.PEEK" or (name == "BODY" and reader.peek_is("[")):
        reader.expect("[", "'[' after BODY.PEEK")
        section = _read_section(reader)
        return FetchBodySection(section, _read_partial(reader), peek=name == "BODY.PEEK")
    if name in ("BINARY", "BINARY.PEEK", "BINARY.SIZE"):
        return _read_binary(reader, name)
    if name in MACROS:
        reader.fail(f"The fetch macro {name} cannot be combined with other attributes")
    item = _SIMPLE.get(name)
    if item is None:
        reader.fail(f"Unknown fetch attribute {name}")
    return FetchSimple(item)


def _read_binary(reader: Reader, name: str) -> FetchBinary:
    # RFC 3516 4.2: "BINARY" [".PEEK"] section-binary [partial] / "BINARY.SIZE" section-binary
    reader.expect("[", f"'[' after {name}")
    parts = _read_part_numbers(reader)
    reader.expect("]", f"']' closing the {name} section")
    if name == "BINARY.SIZE":
        return FetchBinary(parts, size_only=True)
    return FetchBinary(parts, _read_partial(reader), peek=name == "BINARY.PEEK")


def _read_part_numbers(reader: Reader) -> tuple[int, ...]:
    parts: list[int] = []
    while reader.peek_digit():
        parts.append(reader.read_number("section part number", nonzero=True))
        if not reader.skip("."):
            break
        if not reader.peek_digit():
            reader.rewind(reader.position - 1)
            break
    return tuple(parts)


def _read_section(reader: Reader) -> Section:
    # RFC 3501 9: section-spec = section-msgtext / (section-part ["." section-text])
    parts = _read_part_numbers(reader)
    if reader.skip("]"):
        return Section(parts)
    if parts:
        reader.expect(".", "'.' or ']' after the section part")
    word = reader.read_match(_SECTION_WORD, "section text").decode("ascii").upper()
    text = _TEXTS.get(word)
    if text is None:
        reader.fail(f"Unknown section text {word}")
    if text is SectionText.MIME and not parts:
        reader.fail("MIME needs a part number, as in BODY[1.MIME]")
    fields: tuple[str, ...] = ()
    if text in (SectionText.HEADER_FIELDS, SectionText.HEADER_FIELDS_NOT):
        reader.expect_space(f"{word} header list")
        fields = _read_header_list(reader)
    reader.expect("]", "']' closing the section")
    return Section(parts, text, fields)


def _read_header_list(reader: Reader) -> tuple[str, ...]:
    # RFC 3501 9: header-list = "(" header-fld-name *(SP header-fld-name) ")"
    reader.expect("(", "'(' opening the header list")
    names: list[str] = []
    while not reader.skip(")"):
        if names:
            reader.expect_space("header field name")
        name = decode_text(reader.read_astring("header field name"), "header field name")
        if not name or not name.isascii() or any(c in name for c in ": \t"):
            reader.fail(f"Invalid header field name {name!r}")
        names.append(name)
    if not names:
        reader.fail("The header list must name at least one field")
    return tuple(names)


def _read_partial(reader: Reader) -> Partial | None:
    # RFC 3501 9: partial = "<" number "." nz-number ">"
    if not reader.skip("<"):
        return None
    offset = reader.read_number("partial offset")
    reader.expect(".", "'.' between partial offset and length")
    length = reader.read_number("partial length", nonzero=True)
    reader.expect(">", "'>' closing the partial range")
    return Partial(offset, length)


def read_fetch_modifiers(reader: Reader) -> tuple[int | None, bool]:
    """RFC 7162 3.1.4.1 and 3.2.6: ``(CHANGEDSINCE n [VANISHED])``.

    Returns ``(changed_since, vanished)``.
    """
    reader.expect("(", "'(' opening the fetch modifiers")
    changed_since: int | None = None
    vanished = False
    while True:
        name = reader.read_keyword("fetch modifier")
        if name == "CHANGEDSINCE" and changed_since is None:
            reader.expect_space("CHANGEDSINCE value")
            changed_since = reader.read_number("CHANGEDSINCE value", maximum=MAX_NUMBER64)
        elif name == "VANISHED" and not vanished:
            vanished = True
        else:
            reader.fail(f"Unknown or repeated fetch modifier {name}")
        if reader.skip(")"):
            return changed_since, vanished
        reader.expect_space("fetch modifier")
