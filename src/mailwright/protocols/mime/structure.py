"""The parsed shape of a message: a tree of body parts with byte offsets, plus envelopes.

A ``MessageStructure`` is computed once per message (``parse_structure``) and stored as the
compact JSON of ``to_json``; FETCH answers come from it plus slices of the stored message.

Offsets of a ``BodyPart`` (all into the original message)::

    header_start            body_start (= header_end)             body_end
    |Content-Type: ...CRLF CRLF|body octets ........................|CRLF--boundary

For the top-level part the header is the message header. For a multipart child it is the
part's MIME header (which may be empty), and ``body_end`` stops before the line ending that
belongs to the next delimiter (RFC 2046 5.1.1).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

JSON_VERSION = 1

Params = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Address:
    """One RFC 3501 address structure; a group is bracketed by marker addresses.

    A group start has ``mailbox`` set to the group name and ``host`` None; a group end has
    ``mailbox`` and ``host`` both None (RFC 3501 7.4.2 ENVELOPE).
    """

    name: str | None
    adl: str | None
    mailbox: str | None
    host: str | None


@dataclass(frozen=True, slots=True)
class Envelope:
    """The header fields of RFC 3501 ENVELOPE, as they appear in the header.

    String members are None when the field is absent and ``""`` when it is present but empty.
    Address members are empty when absent or empty; the defaulting of sender and reply-to to
    from is applied when the ENVELOPE is built, not here.
    """

    date: str | None = None
    subject: str | None = None
    from_: tuple[Address, ...] = ()
    sender: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    bcc: tuple[Address, ...] = ()
    in_reply_to: str | None = None
    message_id: str | None = None


@dataclass(frozen=True, slots=True)
class Disposition:
    """A Content-Disposition (RFC 2183): the lowercased type and its parameters."""

    kind: str
    params: Params = ()


@dataclass(frozen=True, slots=True)
class BodyPart:
    """One MIME entity: its offsets and the Content-* fields IMAP reports.

    ``maintype``, ``subtype``, ``encoding``, parameter names and the disposition type are
    lowercased; parameter values are decoded text (RFC 2231 joined and charset-decoded); other
    strings are the unfolded header values as written. ``lines`` is set for text/* and
    message/rfc822 parts only. ``children`` holds the parts of a multipart; ``message`` the
    encapsulated message of a message/rfc822 part.
    """

    header_start: int
    body_start: int
    body_end: int
    maintype: str = "text"
    subtype: str = "plain"
    params: Params = ()
    content_id: str | None = None
    description: str | None = None
    encoding: str = "7bit"
    lines: int | None = None
    md5: str | None = None
    disposition: Disposition | None = None
    language: tuple[str, ...] = ()
    location: str | None = None
    children: tuple[BodyPart, ...] = ()
    message: MessageStructure | None = None

    @property
    def header_end(self) -> int:
        """Offset just after the header block (its terminating empty line included)."""
        return self.body_start

    @property
    def size(self) -> int:
        """Body size in octets, as IMAP body-fld-octets reports it."""
        return self.body_end - self.body_start

    @property
    def content_type(self) -> str:
        """``maintype/subtype``, lowercased."""
        return f"{self.maintype}/{self.subtype}"

    @property
    def is_multipart(self) -> bool:
        """Whether this part is a multipart with body parts to descend into."""
        return self.maintype == "multipart"

    def param(self, name: str) -> str | None:
        """Return the Content-Type parameter ``name`` (case-insensitive), if present."""
        wanted = name.lower()
        return next((value for key, value in self.params if key == wanted), None)


@dataclass(frozen=True, slots=True)
class MessageStructure:
    """A parsed message (top-level or encapsulated): its envelope and its root part."""

    envelope: Envelope
    root: BodyPart

    def walk(self) -> Iterator[BodyPart]:
        """Yield every part depth-first, descending into multiparts and encapsulated messages."""
        stack = [self.root]
        while stack:
            part = stack.pop()
            yield part
            if part.message is not None:
                stack.append(part.message.root)
            stack.extend(reversed(part.children))

    def to_json(self) -> dict[str, Any]:
        """Return a compact JSON-ready dict; ``from_json`` reads it back.

        Shape: ``{"v": 1, "e": envelope, "r": part}``. An envelope is a 10-item list in
        ENVELOPE order, addresses as ``[name, adl, mailbox, host]``. A part is
        ``{"o": [header_start, body_start, body_end]}`` plus, only when not the default:
        ``"t"`` content type, ``"p"`` params ``[[name, value], ...]``, ``"id"``, ``"de"``
        description, ``"en"`` encoding, ``"l"`` lines, ``"md5"``, ``"dp"`` ``[type, params]``,
        ``"la"`` languages, ``"lo"`` location, ``"c"`` children, ``"m"`` ``{"e", "r"}``.
        """
        return {"v": JSON_VERSION, **_message_to_json(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MessageStructure:
        """Rebuild a structure from ``to_json`` output.

        Raises:
            ValueError: the data is not a structure of a known version.
        """
        if not isinstance(data, dict) or data.get("v") != JSON_VERSION:
            raise ValueError("not a message structure of a known version")
        try:
            return _message_from_json(data)
        except (KeyError, TypeError, IndexError, AttributeError) as error:
            raise ValueError(f"malformed message structure: {error!r}") from error


def _message_to_json(message: MessageStructure) -> dict[str, Any]:
    return {"e": _envelope_to_json(message.envelope), "r": _part_to_json(message.root)}


def _message_from_json(data: dict[str, Any]) -> MessageStructure:
    return MessageStructure(
        envelope=_envelope_from_json(data["e"]), root=_part_from_json(data["r"])
    )


def _envelope_to_json(envelope: Envelope) -> list[Any]:
    def addresses(items: tuple[Address, ...]) -> list[list[str | None]]:
        return [[a.name, a.adl, a.mailbox, a.host] for a in items]

    return [
        envelope.date,
        envelope.subject,
        addresses(envelope.from_),
        addresses(envelope.sender),
        addresses(envelope.reply_to),
        addresses(envelope.to),
        addresses(envelope.cc),
        addresses(envelope.bcc),
        envelope.in_reply_to,
        envelope.message_id,
    ]


def _envelope_from_json(data: list[Any]) -> Envelope:
    def addresses(items: list[list[str | None]]) -> tuple[Address, ...]:
        return tuple(Address(*_optional_strs(item, 4)) for item in items)

    if len(data) != 10:
        raise IndexError("envelope needs 10 members")
    return Envelope(
        date=_optional_str(data[0]),
        subject=_optional_str(data[1]),
        from_=addresses(data[2]),
        sender=addresses(data[3]),
        reply_to=addresses(data[4]),
        to=addresses(data[5]),
        cc=addresses(data[6]),
        bcc=addresses(data[7]),
        in_reply_to=_optional_str(data[8]),
        message_id=_optional_str(data[9]),
    )


def _part_to_json(part: BodyPart) -> dict[str, Any]:
    out: dict[str, Any] = {"o": [part.header_start, part.body_start, part.body_end]}
    if part.content_type != "text/plain":
        out["t"] = part.content_type
    if part.params:
        out["p"] = [list(pair) for pair in part.params]
    for key, value in (
        ("id", part.content_id),
        ("de", part.description),
        ("md5", part.md5),
        ("lo", part.location),
    ):
        if value is not None:
            out[key] = value
    if part.encoding != "7bit":
        out["en"] = part.encoding
    if part.lines is not None:
        out["l"] = part.lines
    if part.disposition is not None:
        out["dp"] = [part.disposition.kind, [list(pair) for pair in part.disposition.params]]
    if part.language:
        out["la"] = list(part.language)
    if part.children:
        out["c"] = [_part_to_json(child) for child in part.children]
    if part.message is not None:
        out["m"] = _message_to_json(part.message)
    return out


def _part_from_json(data: dict[str, Any]) -> BodyPart:
    header_start, body_start, body_end = (int(offset) for offset in data["o"])
    maintype, _, subtype = str(data.get("t", "text/plain")).partition("/")
    disposition = None
    if "dp" in data:
        kind, params = data["dp"]
        disposition = Disposition(str(kind), _params_from_json(params))
    lines = data.get("l")
    return BodyPart(
        header_start=header_start,
        body_start=body_start,
        body_end=body_end,
        maintype=maintype,
        subtype=subtype,
        params=_params_from_json(data.get("p", [])),
        content_id=_optional_str(data.get("id")),
        description=_optional_str(data.get("de")),
        encoding=str(data.get("en", "7bit")),
        lines=None if lines is None else int(lines),
        md5=_optional_str(data.get("md5")),
        disposition=disposition,
        language=tuple(str(tag) for tag in data.get("la", [])),
        location=_optional_str(data.get("lo")),
        children=tuple(_part_from_json(child) for child in data.get("c", [])),
        message=_message_from_json(data["m"]) if "m" in data else None,
    )


def _params_from_json(items: list[list[str]]) -> Params:
    return tuple((str(name), str(value)) for name, value in items)


def _optional_str(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"expected a string or null, got {type(value).__name__}")
    return value


def _optional_strs(items: list[Any], count: int) -> list[str | None]:
    if len(items) != count:
        raise IndexError(f"expected {count} members")
    return [_optional_str(item) for item in items]
