"""Serialize IMAP data values for responses (RFC 3501 4).

``None`` is NIL, `int` a number, `str` a quoted string when safe and a literal
otherwise, `bytes` a literal, `list`/`tuple` a parenthesised list, `Atom` is
written as is. `datetime` becomes a quoted INTERNALDATE and `SequenceSet` an
atom such as ``1:3,7``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, TypeAlias, Union

from mailwright.protocols.imap.dates import format_internal_date
from mailwright.protocols.imap.sequence import SequenceSet

MAX_QUOTED: Final = 1024
"""Longer strings go out as literals, keeping response lines short."""

_FORBIDDEN_IN_ATOM: Final = frozenset("\r\n\x00")


@dataclass(frozen=True, slots=True)
class Atom:
    """Text written verbatim: flags (``\\Seen``), keywords, capability names, ``BODY[1]``.

    Raises:
        ValueError: `text` is empty or holds CR, LF or NUL (response injection).
    """

    text: str

    def __post_init__(self) -> None:
        if not self.text or _FORBIDDEN_IN_ATOM & set(self.text) or not self.text.isascii():
            raise ValueError(f"not a valid atom: {self.text!r}")


@dataclass(frozen=True, slots=True)
class Literal8:
    """Octets sent as a literal8 ``~{n}`` (RFC 3516), for BINARY data that may hold NUL."""

    data: bytes


class Adjacent(list["DataValue"]):
    """A parenthesised list written without SP after a preceding `Adjacent`.

    RFC 3501 9 writes the parts of a multipart BODYSTRUCTURE (``1*body``) and
    the addresses of an ENVELOPE list (``1*address``) flush against each
    other: ``(("text" ...)("text" ...) "mixed")``.
    """


DataValue: TypeAlias = Union[
    int,
    str,
    bytes,
    Atom,
    Literal8,
    datetime,
    SequenceSet,
    "Sequence[DataValue]",
    None,
]
"""What `serialize` writes. Any sequence other than str and bytes is a list."""


def atoms(names: Iterable[str]) -> tuple[Atom, ...]:
    """Names as a parenthesised list of atoms, e.g. FLAGS ``(\\Seen $Junk)``."""
    return tuple(Atom(name) for name in names)


def is_quotable(text: str, *, utf8: bool = False) -> bool:
    """True when `text` may travel as a quoted string.

    RFC 3501 9: QUOTED-CHAR excludes CR and LF (and NUL is no CHAR); 8-bit
    text is quoted only under UTF8=ACCEPT (RFC 6855 utf8-quoted).
    """
    if len(text) > MAX_QUOTED or "\r" in text or "\n" in text or "\x00" in text:
        return False
    return utf8 or text.isascii()


def quote(text: str) -> bytes:
    """``"text"`` with ``\\`` and ``"`` escaped; the caller checked `is_quotable`."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return b'"' + escaped.encode("utf-8") + b'"'


def literal(data: bytes) -> bytes:
    """``{n}`` CRLF followed by the octets (RFC 3501 4.3)."""
    return b"{%d}\r\n" % len(data) + data


def serialize(value: DataValue, *, utf8: bool = False) -> bytes:
    """One data value as octets; `utf8` when the client ENABLEd UTF8=ACCEPT.

    Raises:
        TypeError: a value of another type (a bool, a float...).
        ValueError: a negative number.
    """
    parts: list[bytes] = []
    _write(parts, value, utf8)
    return b"".join(parts)


def _write(parts: list[bytes], value: DataValue, utf8: bool) -> None:
    match value:
        case None:
            parts.append(b"NIL")
        case bool():
            raise TypeError("IMAP has no booleans; send an Atom or a number")
        case int():
            if value < 0:
                raise ValueError("IMAP numbers are unsigned")
            parts.append(b"%d" % value)
        case str():
            parts.append(quote(value) if is_quotable(value, utf8=utf8) else literal(value.encode()))
        case bytes() | bytearray():
            parts.append(literal(bytes(value)))
        case Atom():
            parts.append(value.text.encode("ascii"))
        case Literal8():
            parts.append(b"~" + literal(value.data))
        case datetime():
            parts.append(quote(format_internal_date(value)))
        case SequenceSet():
            parts.append(str(value).encode("ascii"))
        case Sequence():
            _write_list(parts, value, utf8)
        case _:
            raise TypeError(f"cannot serialize {type(value).__name__} as IMAP data")


def _write_list(parts: list[bytes], items: Sequence[DataValue], utf8: bool) -> None:
    parts.append(b"(")
    previous: DataValue = None
    for index, item in enumerate(items):
        if index and not (isinstance(item, Adjacent) and isinstance(previous, Adjacent)):
            parts.append(b" ")
        _write(parts, item, utf8)
        previous = item
    parts.append(b")")
