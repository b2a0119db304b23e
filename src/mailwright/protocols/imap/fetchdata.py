"""FETCH and SEARCH data from a parsed message (RFC 3501 6.4.4, 6.4.5, 7.4.2; RFC 3516).

The ``*_value`` functions return nested Python values for the response serializer: None for
NIL, ``int`` for numbers, ``str`` for strings, ``list`` for parenthesised lists. Type, subtype,
encoding and disposition strings are lowercase, as Dovecot sends them. Bodies and addresses
are ``values.Adjacent`` lists, which RFC 3501's grammar writes without a space between neighbours.

Section addressing (RFC 3501 6.4.5): part numbers walk the tree; a message/rfc822 part's
numbers continue inside the encapsulated message; part 1 of a non-multipart message is the
message body. ``HEADER``, ``HEADER.FIELDS``, ``HEADER.FIELDS.NOT`` and ``TEXT`` apply to the
top-level message or to a message/rfc822 part; ``MIME`` to a numbered part. Anything that
does not exist gives empty bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from email.utils import parsedate_to_datetime
from typing import TypeAlias
from urllib.parse import quote

from mailwright.protocols.imap.values import Adjacent, DataValue
from mailwright.protocols.mime import (
    Address,
    BodyPart,
    Disposition,
    Envelope,
    MessageStructure,
    decode_encoded_words,
    decode_text,
    decode_transfer_encoding,
    header_text,
    iter_header_fields,
)

ImapValue: TypeAlias = DataValue
"""What the ``*_value`` functions return: the serializer's own value type, so that
``values.serialize`` writes it (``Adjacent`` lists flush, RFC 3501 9)."""

HEADER = "HEADER"
HEADER_FIELDS = "HEADER.FIELDS"
HEADER_FIELDS_NOT = "HEADER.FIELDS.NOT"
TEXT = "TEXT"
MIME = "MIME"

_MESSAGE_TEXTS = frozenset({HEADER, HEADER_FIELDS, HEADER_FIELDS_NOT, TEXT})
# RFC 2231 7: attribute-char, the octets an extended value may carry unencoded.
_ATTRIBUTE_SAFE = "!#$&+-.^_`{|}~"


@dataclass(frozen=True, slots=True)
class UnknownTransferEncoding:
    """BINARY cannot decode this part: answer ``NO [UNKNOWN-CTE]`` (RFC 3516 4.2)."""

    encoding: str


def envelope_value(structure: MessageStructure) -> list[ImapValue]:
    """Return the ENVELOPE of a message (RFC 3501 7.4.2), sender and reply-to defaulted."""
    return _envelope(structure.envelope)


def bodystructure_value(
    structure: MessageStructure, extensible: bool, *, utf8: bool = False
) -> list[ImapValue]:
    """Return BODYSTRUCTURE (``extensible=True``) or BODY (``False``) of a message.

    Args:
        structure: the parsed message.
        extensible: include extension data (md5, disposition, language, location; for
            multiparts params, disposition, language, location).
        utf8: the session enabled UTF8=ACCEPT (RFC 6855), so parameter values are sent as
            UTF-8; otherwise non-ASCII values are sent in RFC 2231 form, ``name*`` with
            ``utf-8''percent-encoded`` octets.
    """
    return _body(structure.root, extensible, utf8)


def find_part(structure: MessageStructure, part: tuple[int, ...]) -> BodyPart | None:
    """Return the body part a section's part numbers name, or None if there is none."""
    found: BodyPart | None = None
    candidates = _numbered_parts(structure)
    for number in part:
        if not 1 <= number <= len(candidates):
            return None
        found = candidates[number - 1]
        candidates = _child_parts(found)
    return found


def section_range(
    structure: MessageStructure, part: tuple[int, ...], text: str | None
) -> tuple[int, int] | None:
    """Return the byte range of a BODY section in the stored message, or None if absent.

    For ``HEADER.FIELDS`` and ``HEADER.FIELDS.NOT`` this is the whole header block, which the
    caller passes through ``filter_header_fields``.
    """
    spec = text.upper() if text else None
    if not part:
        if spec is None:
            return structure.root.header_start, structure.root.body_end
        return _message_range(structure, spec)
    found = find_part(structure, part)
    if found is None:
        return None
    if spec is None:
        return found.body_start, found.body_end
    if spec == MIME:
        return found.header_start, found.header_end
    if found.message is None:
        return None
    return _message_range(found.message, spec)


def section_bytes(
    message: bytes,
    structure: MessageStructure,
    part: tuple[int, ...],
    text: str | None,
    fields: tuple[str, ...] = (),
) -> bytes:
    """Return the octets of ``BODY[section]`` (RFC 3501 6.4.5), before any ``<partial>``.

    Args:
        message: the stored message.
        structure: its parsed structure.
        part: the section's part numbers, ``()`` for the top-level message.
        text: None, ``HEADER``, ``HEADER.FIELDS``, ``HEADER.FIELDS.NOT``, ``TEXT`` or ``MIME``.
        fields: the field names of ``HEADER.FIELDS`` / ``HEADER.FIELDS.NOT``.
    """
    found = section_range(structure, part, text)
    if found is None:
        return b""
    start, end = found
    spec = text.upper() if text else None
    if spec in (HEADER_FIELDS, HEADER_FIELDS_NOT):
        return filter_header_fields(message, start, end, fields, exclude=spec == HEADER_FIELDS_NOT)
    return message[start:end]


def filter_header_fields(
    message: bytes, start: int, end: int, names: tuple[str, ...], *, exclude: bool
) -> bytes:
    """Return the header fields named (or, with ``exclude``, not named) plus an empty line.

    Fields keep their continuation lines and message order; names match case-insensitively.
    The trailing empty line is always present (RFC 3501 6.4.5), even when nothing matched.
    """
    wanted = {name.lower() for name in names}
    pieces = [
        message[field.start : field.end]
        for field in iter_header_fields(message, start, end)
        if (field.name in wanted) != exclude
    ]
    if pieces and not pieces[-1].endswith(b"\n"):
        pieces.append(b"\r\n")
    pieces.append(b"\r\n")
    return b"".join(pieces)


def apply_partial(data: bytes, origin: int, count: int) -> bytes:
    """Apply ``<origin.count>``: at most ``count`` octets from ``origin`` (empty past the end)."""
    origin = max(origin, 0)
    return data[origin : origin + max(count, 0)]


def binary_section(
    message: bytes, structure: MessageStructure, part: tuple[int, ...]
) -> bytes | UnknownTransferEncoding:
    """Return ``BINARY[part]``: the part's content with its transfer encoding undone.

    ``BINARY[]`` is the whole message as stored. Multiparts and message/rfc822 parts are
    returned as they are; a nonexistent part gives empty bytes.
    """
    if not part:
        return message
    found = find_part(structure, part)
    if found is None:
        return b""
    body = message[found.body_start : found.body_end]
    if found.is_multipart or found.message is not None:
        return body
    decoded = decode_transfer_encoding(body, found.encoding)
    return UnknownTransferEncoding(found.encoding) if decoded is None else decoded


def binary_size(
    message: bytes, structure: MessageStructure, part: tuple[int, ...]
) -> int | UnknownTransferEncoding:
    """Return ``BINARY.SIZE[part]``, the size of the decoded content (RFC 3516 4.3)."""
    content = binary_section(message, structure, part)
    return content if isinstance(content, UnknownTransferEncoding) else len(content)


def header_values(message: bytes, structure: MessageStructure, name: str) -> list[str]:
    """Return every value of a top-level header field, unfolded and RFC 2047-decoded.

    For SEARCH HEADER, FROM, TO, CC, BCC and SUBJECT, which match on decoded text.
    """
    wanted = name.lower()
    root = structure.root
    return [
        decode_encoded_words(header_text(message[field.value_start : field.end]))
        for field in iter_header_fields(message, root.header_start, root.header_end)
        if field.name == wanted
    ]


def text_for_search(message: bytes, structure: MessageStructure) -> str:
    """Return the decoded text of every text/* part, for SEARCH BODY and TEXT.

    Transfer encoding and charset are undone; parts inside encapsulated messages count.
    """
    texts: list[str] = []
    for part in structure.walk():
        if part.maintype != "text":
            continue
        body = message[part.body_start : part.body_end]
        octets = decode_transfer_encoding(body, part.encoding)
        texts.append(decode_text(body if octets is None else octets, part.param("charset")))
    return "\n".join(texts)


def sent_date(structure: MessageStructure) -> date | None:
    """Return the date of the Date header in its own time zone (SEARCH SENTON and friends).

    RFC 3501 6.4.4 compares dates "disregarding time and timezone". None when the header is
    missing or unreadable.
    """
    raw = structure.envelope.date
    if not raw:
        return None
    try:
        return parsedate_to_datetime(raw).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _numbered_parts(message: MessageStructure) -> tuple[BodyPart, ...]:
    root = message.root
    return root.children if root.is_multipart else (root,)


def _child_parts(part: BodyPart) -> tuple[BodyPart, ...]:
    if part.is_multipart:
        return part.children
    if part.message is not None:
        return _numbered_parts(part.message)
    return ()


def _message_range(message: MessageStructure, spec: str) -> tuple[int, int] | None:
    root = message.root
    if spec == TEXT:
        return root.body_start, root.body_end
    if spec in _MESSAGE_TEXTS:
        return root.header_start, root.header_end
    return None


def _envelope(envelope: Envelope) -> list[ImapValue]:
    from_ = _addresses(envelope.from_)
    return [
        envelope.date,
        envelope.subject,
        from_,
        _addresses(envelope.sender) or _addresses(envelope.from_),
        _addresses(envelope.reply_to) or _addresses(envelope.from_),
        _addresses(envelope.to),
        _addresses(envelope.cc),
        _addresses(envelope.bcc),
        envelope.in_reply_to,
        envelope.message_id,
    ]


def _addresses(addresses: tuple[Address, ...]) -> list[ImapValue] | None:
    if not addresses:
        return None
    return [Adjacent([a.name, a.adl, a.mailbox, a.host]) for a in addresses]


def _body(part: BodyPart, extensible: bool, utf8: bool) -> Adjacent:
    if part.is_multipart:
        return _multipart_body(part, extensible, utf8)
    is_text = part.maintype == "text"
    value = Adjacent(
        [
            part.maintype,
            part.subtype,
            _params(part.params, utf8, default_charset=is_text),
            part.content_id,
            part.description,
            part.encoding,
            part.size,
        ]
    )
    if part.message is not None:
        value.append(_envelope(part.message.envelope))
        value.append(_body(part.message.root, extensible, utf8))
        value.append(part.lines or 0)
    elif is_text:
        value.append(part.lines or 0)
    if extensible:
        value.append(part.md5)
        value.extend(_common_extension(part, utf8))
    return value


def _multipart_body(part: BodyPart, extensible: bool, utf8: bool) -> Adjacent:
    value = Adjacent(_body(child, extensible, utf8) for child in part.children)
    if not value:
        # RFC 3501 9 needs at least one body part; send an empty text/plain (as Dovecot does).
        empty = BodyPart(part.body_start, part.body_start, part.body_start, lines=0)
        value.append(_body(empty, extensible, utf8))
    value.append(part.subtype)
    if extensible:
        value.append(_params(part.params, utf8, default_charset=False))
        value.extend(_common_extension(part, utf8))
    return value


def _common_extension(part: BodyPart, utf8: bool) -> list[ImapValue]:
    language: list[ImapValue] | None = list(part.language) if part.language else None
    return [_disposition(part.disposition, utf8), language, part.location]


def _disposition(disposition: Disposition | None, utf8: bool) -> list[ImapValue] | None:
    if disposition is None:
        return None
    return [disposition.kind, _params(disposition.params, utf8, default_charset=False)]


def _params(
    params: tuple[tuple[str, str], ...], utf8: bool, *, default_charset: bool
) -> list[ImapValue] | None:
    """Flatten parameters; RFC 2045 5.2 makes us-ascii the charset of text without one."""
    flat: list[ImapValue] = []
    for name, value in params:
        if utf8 or value.isascii():
            flat += [name, value]
        else:
            encoded = quote(value.encode("utf-8"), safe=_ATTRIBUTE_SAFE)
            flat += [f"{name}*", f"utf-8''{encoded}"]
    if default_charset and not any(name == "charset" for name, _ in params):
        flat += ["charset", "us-ascii"]
    return flat or None
