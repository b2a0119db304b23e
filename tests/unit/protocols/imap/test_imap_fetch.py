"""FETCH attributes, sections and echo names (protocols/imap/fetch.py)."""

from __future__ import annotations

import pytest

from mailwright.protocols.imap.commands import FetchCommand
from mailwright.protocols.imap.fetch import (
    MACROS,
    FetchAttribute,
    FetchBinary,
    FetchBodySection,
    FetchItem,
    FetchSimple,
    Partial,
    Section,
    SectionText,
)
from mailwright.protocols.imap.parser import ParseError, parse_command


def attributes(spec: bytes) -> tuple[FetchAttribute, ...]:
    command = parse_command(b"a1 FETCH 1 " + spec)
    assert isinstance(command, FetchCommand)
    return command.attributes


@pytest.mark.parametrize("item", list(FetchItem))
def test_simple_attribute_echoes_its_name(item: FetchItem) -> None:
    """FLAGS, UID, RFC822.SIZE... parse alone or in a list and echo their own name."""
    assert attributes(item.value.lower().encode()) == (FetchSimple(item),)
    assert attributes(b"(" + item.value.encode() + b")")[0].echo == item.value


@pytest.mark.parametrize("macro", ["ALL", "FAST", "FULL"])
def test_macros_expand(macro: str) -> None:
    """ALL, FAST and FULL expand to their RFC 3501 attribute lists."""
    assert attributes(macro.encode()) == MACROS[macro]


def test_full_macro_contents() -> None:
    """FULL is FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY."""
    assert [a.echo for a in MACROS["FULL"]] == [
        "FLAGS",
        "INTERNALDATE",
        "RFC822.SIZE",
        "ENVELOPE",
        "BODY",
    ]


SECTIONS: list[tuple[bytes, FetchAttribute, str]] = [
    (b"BODY[]", FetchBodySection(Section()), "BODY[]"),
    (b"BODY.PEEK[]", FetchBodySection(Section(), peek=True), "BODY[]"),
    (b"BODY[]<0.100>", FetchBodySection(Section(), Partial(0, 100)), "BODY[]<0>"),
    (
        b"BODY.PEEK[TEXT]<200.50>",
        FetchBodySection(Section((), SectionText.TEXT), Partial(200, 50), peek=True),
        "BODY[TEXT]<200>",
    ),
    (b"BODY[HEADER]", FetchBodySection(Section((), SectionText.HEADER)), "BODY[HEADER]"),
    (
        b"body.peek[header.fields (From To)]",
        FetchBodySection(Section((), SectionText.HEADER_FIELDS, ("From", "To")), peek=True),
        "BODY[HEADER.FIELDS (From To)]",
    ),
    (
        b'BODY[HEADER.FIELDS.NOT ("X-Spam" {4}\r\nDate)]',
        FetchBodySection(Section((), SectionText.HEADER_FIELDS_NOT, ("X-Spam", "Date"))),
        "BODY[HEADER.FIELDS.NOT (X-Spam Date)]",
    ),
    (b"BODY[1]", FetchBodySection(Section((1,))), "BODY[1]"),
    (b"BODY[1.2.3]", FetchBodySection(Section((1, 2, 3))), "BODY[1.2.3]"),
    (
        b"BODY[1.2.MIME]",
        FetchBodySection(Section((1, 2), SectionText.MIME)),
        "BODY[1.2.MIME]",
    ),
    (
        b"BODY[3.HEADER.FIELDS (SUBJECT)]<0.10>",
        FetchBodySection(Section((3,), SectionText.HEADER_FIELDS, ("SUBJECT",)), Partial(0, 10)),
        "BODY[3.HEADER.FIELDS (SUBJECT)]<0>",
    ),
    (b"BODY[4.TEXT]", FetchBodySection(Section((4,), SectionText.TEXT)), "BODY[4.TEXT]"),
    (b"BINARY[]", FetchBinary(()), "BINARY[]"),
    (b"BINARY.PEEK[1.2]<0.5>", FetchBinary((1, 2), Partial(0, 5), peek=True), "BINARY[1.2]<0>"),
    (b"BINARY.SIZE[3]", FetchBinary((3,), size_only=True), "BINARY.SIZE[3]"),
]


@pytest.mark.parametrize(("spec", "expected", "echo"), SECTIONS)
def test_section_attribute_and_echo(spec: bytes, expected: FetchAttribute, echo: str) -> None:
    """Body and binary sections parse, and echo as RFC 3501 7.4.2 demands (PEEK dropped)."""
    (attribute,) = attributes(spec)
    assert attribute == expected
    assert attribute.echo == echo


def test_seen_side_effects() -> None:
    """BODY[], RFC822, RFC822.TEXT and BINARY[] set \\Seen; PEEK, SIZE and HEADER do not."""
    setting = attributes(b"(BODY[] RFC822 RFC822.TEXT BINARY[1])")
    keeping = attributes(b"(BODY.PEEK[] RFC822.HEADER BINARY.PEEK[1] BINARY.SIZE[1] FLAGS)")
    assert all(a.sets_seen for a in setting)
    assert not any(a.sets_seen for a in keeping)


def test_body_without_section_is_bodystructure_lite() -> None:
    """Plain BODY is the non-extensible body structure, not a section."""
    assert attributes(b"(BODY UID)") == (
        FetchSimple(FetchItem.BODY),
        FetchSimple(FetchItem.UID),
    )


def test_duplicate_attributes_are_dropped() -> None:
    """Asking twice for FLAGS answers once."""
    assert attributes(b"(FLAGS FLAGS UID)") == (
        FetchSimple(FetchItem.FLAGS),
        FetchSimple(FetchItem.UID),
    )


def test_header_field_names_needing_quotes_echo_quoted() -> None:
    """A field name that is not an atom is echoed as a quoted string."""
    section = Section((), SectionText.HEADER_FIELDS, ('X"Odd',))
    assert str(section) == 'HEADER.FIELDS ("X\\"Odd")'


FETCH_ERRORS: list[tuple[bytes, str]] = [
    (b"BODY[MIME]", "MIME needs a part number, as in BODY[1.MIME]"),
    (b"BODY[0]", "section part number must not be zero"),
    (b"BODY[1.]", "Expected section text, found ']'"),
    (b"BODY[1", "Missing '.' or ']' after the section part"),
    (b"BODY[FOO]", "Unknown section text FOO"),
    (b"BODY[HEADER.FIELDS]", "Expected SP before HEADER.FIELDS header list"),
    (b"BODY[HEADER.FIELDS ()]", "The header list must name at least one field"),
    (b'BODY[HEADER.FIELDS ("a:b")]', "Invalid header field name 'a:b'"),
    (b"BODY[]<5>", "Expected '.' between partial offset and length"),
    (b"BODY[]<0.0>", "partial length must not be zero"),
    (b"BODY[]<0.10", "Missing '>' closing the partial range"),
    (b"BODY.PEEK", "Missing '[' after BODY.PEEK"),
    (b"BINARY[HEADER]", "Expected ']' closing the BINARY section, found 'H'"),
    (b"BINARY.SIZE", "Missing '[' after BINARY.SIZE"),
    (b"(FLAGS ALL)", "The fetch macro ALL cannot be combined with other attributes"),
    (b"(FLAGS BOGUS)", "Unknown fetch attribute BOGUS"),
    (b"()", "Expected fetch attribute, found ')'"),
    (b"(FLAGS  UID)", "Expected fetch attribute, found SP"),
]


@pytest.mark.parametrize(("spec", "reason"), FETCH_ERRORS)
def test_rejects_malformed_fetch(spec: bytes, reason: str) -> None:
    """Malformed attributes raise ParseError with a precise reason."""
    with pytest.raises(ParseError) as caught:
        parse_command(b"a1 FETCH 1 " + spec)
    assert reason in caught.value.reason, caught.value.reason
