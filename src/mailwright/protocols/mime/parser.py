"""``parse_structure``: one pass over a message's bytes, giving its MIME tree with offsets.

Rules, in the order they are applied to each entity:

1. The header block runs to the first empty line (``scanner.scan_header``); the body follows.
2. No Content-Type means text/plain, or message/rfc822 inside multipart/digest (RFC 2046
   5.1.5); an unreadable Content-Type means text/plain (RFC 2045 5.2).
3. A multipart without a boundary parameter is read as text/plain, as there is no way to find
   its parts. Unknown multipart subtypes are kept (clients treat them as mixed, RFC 2046 5.1.7).
4. A message/rfc822 part whose transfer encoding is not 7bit, 8bit or binary (forbidden by
   RFC 2046 5.2.1) cannot be parsed in place and is reported as application/octet-stream.
5. Nesting deeper than ``MAX_DEPTH`` or more than ``MAX_PARTS`` entities stop the descent:
   the multipart or message/rfc822 at the limit becomes an application/octet-stream leaf.

Nothing here raises on any input: malformed MIME degrades, it does not fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from mailwright.protocols.mime.envelope import ENVELOPE_FIELDS, build_envelope
from mailwright.protocols.mime.headers import (
    header_text,
    parse_language_list,
    parse_parameterized,
    parse_token,
)
from mailwright.protocols.mime.scanner import count_lines, scan_header, split_multipart
from mailwright.protocols.mime.structure import (
    BodyPart,
    Disposition,
    MessageStructure,
    Params,
)
from mailwright.protocols.mime.transfer import IDENTITY_ENCODINGS

MAX_DEPTH = 100
"""Deepest nesting of multiparts and encapsulated messages that is descended into."""
MAX_PARTS = 10_000
"""Most entities parsed in one message; the rest of the message stays unsplit."""

_PART_FIELDS = frozenset(
    {
        "content-type",
        "content-transfer-encoding",
        "content-id",
        "content-description",
        "content-disposition",
        "content-language",
        "content-location",
        "content-md5",
    }
)
_MESSAGE_FIELDS = _PART_FIELDS | ENVELOPE_FIELDS


class _Content(NamedTuple):
    """What a part turned out to be once its Content-Type has been acted on."""

    maintype: str
    subtype: str
    params: Params
    children: tuple[BodyPart, ...] = ()
    message: MessageStructure | None = None


def parse_structure(message: bytes) -> MessageStructure:
    """Parse a message's MIME structure, with byte offsets into ``message``.

    Args:
        message: the message exactly as stored (CRLF or bare-LF line endings).

    Returns:
        The envelope and part tree. Never raises: malformed MIME degrades to text/plain or
        application/octet-stream parts.
    """
    return _Parser(message).message(0, len(message), depth=0)


@dataclass(slots=True)
class _Parser:
    data: bytes
    parts_left: int = MAX_PARTS

    def message(self, start: int, end: int, *, depth: int) -> MessageStructure:
        body_start, fields = scan_header(self.data, start, end, _MESSAGE_FIELDS)
        root = self.part(start, body_start, end, fields, depth=depth, in_digest=False)
        return MessageStructure(envelope=build_envelope(fields), root=root)

    def entity(self, start: int, end: int, *, depth: int, in_digest: bool) -> BodyPart:
        body_start, fields = scan_header(self.data, start, end, _PART_FIELDS)
        return self.part(start, body_start, end, fields, depth=depth, in_digest=in_digest)

    def part(
        self,
        header_start: int,
        body_start: int,
        body_end: int,
        fields: dict[str, bytes],
        *,
        depth: int,
        in_digest: bool,
    ) -> BodyPart:
        self.parts_left -= 1
        encoding = _text_field(fields, "content-transfer-encoding")
        encoding = (parse_token(encoding) if encoding else None) or "7bit"
        declared = _content_type(fields.get("content-type"), in_digest=in_digest)
        content = self.descend(declared, body_start, body_end, encoding, depth=depth)
        counted = content.maintype == "text" or content.message is not None
        return BodyPart(
            header_start=header_start,
            body_start=body_start,
            body_end=body_end,
            maintype=content.maintype,
            subtype=content.subtype,
            params=content.params,
            content_id=_text_field(fields, "content-id"),
            description=_text_field(fields, "content-description"),
            encoding=encoding,
            lines=count_lines(self.data, body_start, body_end) if counted else None,
            md5=_text_field(fields, "content-md5"),
            disposition=_disposition(fields.get("content-disposition")),
            language=_language(fields.get("content-language")),
            location=_text_field(fields, "content-location"),
            children=content.children,
            message=content.message,
        )

    def descend(
        self, content: _Content, body_start: int, body_end: int, encoding: str, *, depth: int
    ) -> _Content:
        """Parse the parts of a multipart or message/rfc822 body (rules 3 to 5)."""
        can_descend = depth < MAX_DEPTH and self.parts_left > 0
        if content.maintype == "multipart":
            boundary = next((value for name, value in content.params if name == "boundary"), "")
            if not boundary:
                return _Content("text", "plain", ())
            if not can_descend:
                return content._replace(maintype="application", subtype="octet-stream")
            children = self.children(
                body_start, body_end, boundary, depth=depth, digest=content.subtype == "digest"
            )
            return content._replace(children=children)
        if (content.maintype, content.subtype) == ("message", "rfc822"):
            if not can_descend or encoding not in IDENTITY_ENCODINGS:
                return content._replace(maintype="application", subtype="octet-stream")
            return content._replace(message=self.message(body_start, body_end, depth=depth + 1))
        return content

    def children(
        self, body_start: int, body_end: int, boundary: str, *, depth: int, digest: bool
    ) -> tuple[BodyPart, ...]:
        delimiter = boundary.encode("utf-8", "surrogateescape")
        layout = split_multipart(
            self.data, body_start, body_end, delimiter, max_parts=max(self.parts_left, 1)
        )
        children: list[BodyPart] = []
        for start, end in layout.parts:
            if self.parts_left <= 0:
                break
            children.append(self.entity(start, end, depth=depth + 1, in_digest=digest))
        return tuple(children)


def _content_type(raw: bytes | None, *, in_digest: bool) -> _Content:
    """Apply rule 2: the declared type, or the default when absent or unreadable."""
    if raw is None:
        return _Content("message", "rfc822", ()) if in_digest else _Content("text", "plain", ())
    parsed = parse_parameterized(header_text(raw))
    if parsed is None or "/" not in parsed[0]:
        return _Content("text", "plain", ())
    head, params = parsed
    maintype, _, subtype = head.partition("/")
    return _Content(maintype, subtype, params)


def _text_field(fields: dict[str, bytes], name: str) -> str | None:
    raw = fields.get(name)
    return None if raw is None else header_text(raw)


def _disposition(raw: bytes | None) -> Disposition | None:
    if raw is None:
        return None
    parsed = parse_parameterized(header_text(raw))
    return None if parsed is None else Disposition(parsed[0], parsed[1])


def _language(raw: bytes | None) -> tuple[str, ...]:
    return () if raw is None else parse_language_list(header_text(raw))
