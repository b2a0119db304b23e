"""How a FETCH is answered: what it needs loaded, and one renderer per attribute.

A plan is made once per command: which attributes need the parsed MIME structure, whether
the bodies must be read whole or only their header, and whether \\Seen gets set. Renderers
turn one loaded message into ``NAME value`` octets; the command writes
``* n FETCH (...)`` lines in large batches.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from mailwright.model.mail_access import MessageEntry
from mailwright.protocols.imap.dates import format_internal_date
from mailwright.protocols.imap.fetch import (
    FetchAttribute,
    FetchBinary,
    FetchBodySection,
    FetchItem,
    FetchSimple,
    Section,
    SectionText,
)
from mailwright.protocols.imap.fetchdata import (
    UnknownTransferEncoding,
    apply_partial,
    binary_section,
    bodystructure_value,
    envelope_value,
    section_bytes,
)
from mailwright.protocols.imap.values import serialize
from mailwright.protocols.mime import MessageStructure
from mailwright.servers.imap import wire


class BodyNeed(enum.IntEnum):
    """How much of the stored message a FETCH reads."""

    NONE = 0
    HEADER = 1  # only the top-level header block (HEADER, HEADER.FIELDS, RFC822.HEADER)
    SECTION = 2  # only the octets of the plan's one section (a part, its MIME header, TEXT)
    FULL = 3


class UnknownEncoding(Exception):
    """BINARY of a part whose transfer encoding we cannot undo (``NO [UNKNOWN-CTE]``)."""


@dataclass(slots=True)
class LoadedMessage:
    """One message with what the plan needed loaded."""

    sequence_number: int
    entry: MessageEntry
    recent: bool
    structure: MessageStructure | None = None
    body: bytes = b""
    sliced: bool = False  # ``body`` holds only the plan's section


Renderer = Callable[[LoadedMessage], bytes]

_STRUCTURE_ITEMS: Final = frozenset(
    {
        FetchItem.ENVELOPE,
        FetchItem.BODY,
        FetchItem.BODYSTRUCTURE,
        FetchItem.RFC822_HEADER,
        FetchItem.RFC822_TEXT,
    }
)
_HEADER_TEXTS: Final = frozenset(
    {SectionText.HEADER, SectionText.HEADER_FIELDS, SectionText.HEADER_FIELDS_NOT}
)


@dataclass(frozen=True)
class FetchPlan:
    """What a FETCH needs, and how it writes each message."""

    renderers: tuple[Renderer, ...]
    needs_structure: bool
    body: BodyNeed
    sets_seen: bool
    has_flags: bool
    section: Section | None = None  # with BodyNeed.SECTION: the one section to read

    def render(self, message: LoadedMessage, *, add_flags: bool = False) -> bytes:
        """``* n FETCH (...)``; ``add_flags`` reports flags that this FETCH changed (\\Seen)."""
        items = [render(message) for render in self.renderers]
        if add_flags and not self.has_flags:
            items.append(_flags(message))
        return wire.fetch_line(message.sequence_number, b" ".join(items))


def make_plan(attributes: tuple[FetchAttribute, ...]) -> FetchPlan:
    """The plan for a FETCH's attributes (in the order the client named them)."""
    structure, body = False, BodyNeed.NONE
    renderers: list[Renderer] = []
    for attribute in attributes:
        renderer, needs_structure, needs_body = _renderer(attribute)
        renderers.append(renderer)
        structure = structure or needs_structure
        body = max(body, needs_body)
    if body is BodyNeed.HEADER:
        structure = True  # the header's end comes from the structure
    section = _single_section(attributes) if body is BodyNeed.FULL else None
    return FetchPlan(
        tuple(renderers),
        structure,
        BodyNeed.SECTION if section is not None else body,
        any(attribute.sets_seen for attribute in attributes),
        FetchSimple(FetchItem.FLAGS) in attributes,
        section,
    )


def _single_section(attributes: tuple[FetchAttribute, ...]) -> Section | None:
    """The section, when one part, MIME header or TEXT is all the body this FETCH needs:
    then only its byte range is read (a text part of a message with large attachments)."""
    needing = [a for a in attributes if _renderer(a)[2] is not BodyNeed.NONE]
    if len(needing) != 1 or not isinstance(needing[0], FetchBodySection):
        return None
    section = needing[0].section
    if section.text in (SectionText.HEADER_FIELDS, SectionText.HEADER_FIELDS_NOT):
        return None
    return section if section.parts or section.text is not None else None


def _renderer(attribute: FetchAttribute) -> tuple[Renderer, bool, BodyNeed]:
    match attribute:
        case FetchSimple(item=item):
            return _SIMPLE[item], item in _STRUCTURE_ITEMS, _SIMPLE_BODY.get(item, BodyNeed.NONE)
        case FetchBodySection(section=section, partial=partial):
            whole = not section.parts and section.text is None
            header_only = not section.parts and section.text in _HEADER_TEXTS
            need = BodyNeed.HEADER if header_only else BodyNeed.FULL
            echo = attribute.echo.encode("ascii")
            text = section.text.value if section.text else None
            offset, length = (partial.offset, partial.length) if partial else (0, 0)

            def body_section(m: LoadedMessage) -> bytes:
                data = m.body
                if not (whole or m.sliced):
                    assert m.structure is not None
                    data = section_bytes(data, m.structure, section.parts, text, section.fields)
                if partial is not None:
                    data = apply_partial(data, offset, length)
                return echo + b" " + _literal(data)

            return body_section, not whole, need
        case FetchBinary():
            return _binary(attribute), True, BodyNeed.FULL


def _binary(attribute: FetchBinary) -> Renderer:
    echo = attribute.echo.encode("ascii")

    def render(m: LoadedMessage) -> bytes:
        assert m.structure is not None
        data = binary_section(m.body, m.structure, attribute.parts)
        if isinstance(data, UnknownTransferEncoding):
            raise UnknownEncoding(data.encoding)
        if attribute.size_only:
            return echo + b" %d" % len(data)
        if attribute.partial is not None:
            data = apply_partial(data, attribute.partial.offset, attribute.partial.length)
        # RFC 3516 4.2: literal8 (~{n}) when the content holds NUL octets.
        return echo + b" " + (b"~" + _literal(data) if b"\x00" in data else _literal(data))

    return render


def _literal(data: bytes) -> bytes:
    return b"{%d}\r\n" % len(data) + data


def _flags(m: LoadedMessage) -> bytes:
    return b"FLAGS " + wire.flag_list(m.entry.flags, m.recent)


def _structure(m: LoadedMessage) -> MessageStructure:
    assert m.structure is not None
    return m.structure


def _header(m: LoadedMessage) -> bytes:
    root = _structure(m).root
    return m.body[root.header_start : root.header_end]


def _text(m: LoadedMessage) -> bytes:
    root = _structure(m).root
    return m.body[root.body_start : root.body_end]


_SIMPLE: Final[dict[FetchItem, Renderer]] = {
    FetchItem.FLAGS: _flags,
    FetchItem.UID: lambda m: b"UID %d" % m.entry.uid,
    FetchItem.RFC822_SIZE: lambda m: b"RFC822.SIZE %d" % m.entry.size,
    FetchItem.MODSEQ: lambda m: b"MODSEQ (%d)" % m.entry.modseq,
    FetchItem.INTERNALDATE: lambda m: (
        b'INTERNALDATE "' + format_internal_date(m.entry.internal_date).encode("ascii") + b'"'
    ),
    FetchItem.ENVELOPE: lambda m: b"ENVELOPE " + serialize(envelope_value(_structure(m))),
    FetchItem.BODY: lambda m: b"BODY " + serialize(bodystructure_value(_structure(m), False)),
    FetchItem.BODYSTRUCTURE: lambda m: (
        b"BODYSTRUCTURE " + serialize(bodystructure_value(_structure(m), True))
    ),
    FetchItem.RFC822: lambda m: b"RFC822 " + _literal(m.body),
    FetchItem.RFC822_HEADER: lambda m: b"RFC822.HEADER " + _literal(_header(m)),
    FetchItem.RFC822_TEXT: lambda m: b"RFC822.TEXT " + _literal(_text(m)),
}
_SIMPLE_BODY: Final = {
    FetchItem.RFC822: BodyNeed.FULL,
    FetchItem.RFC822_HEADER: BodyNeed.HEADER,
    FetchItem.RFC822_TEXT: BodyNeed.FULL,
}
