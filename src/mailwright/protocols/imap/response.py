"""Build server responses as octets, CRLF included (RFC 3501 7).

Status responses take a human `text` and an optional `ResponseCode`; data
responses take Python values (see `values.serialize`). Mailbox names are
encoded to modified UTF-7 unless the client ENABLEd UTF8=ACCEPT (`utf8=True`).
Every function returns one complete response, ready to write.
"""

from __future__ import annotations

import base64
import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from mailwright.protocols.imap import mutf7
from mailwright.protocols.imap.codes import TOOBIG, ResponseCode
from mailwright.protocols.imap.commands import StatusItem
from mailwright.protocols.imap.dates import format_internal_date
from mailwright.protocols.imap.framing import Limit, LimitExceeded
from mailwright.protocols.imap.reader import BadCharsetError, ParseError
from mailwright.protocols.imap.sequence import SequenceSet
from mailwright.protocols.imap.values import (
    Adjacent,
    Atom,
    DataValue,
    Literal8,
    atoms,
    serialize,
)

__all__ = [
    "Adjacent",
    "Atom",
    "DataValue",
    "Literal8",
    "ResponseCode",
    "Status",
    "atoms",
    "format_internal_date",
    "serialize",
]

CRLF: Final = b"\r\n"


class Status(enum.Enum):
    """The condition of a status response (RFC 3501 7.1)."""

    OK = "OK"
    NO = "NO"
    BAD = "BAD"
    PREAUTH = "PREAUTH"
    BYE = "BYE"


_DEFAULT_TEXT: Final = {
    Status.OK: "Completed",
    Status.NO: "Failed",
    Status.BAD: "Error",
    Status.PREAUTH: "Logged in",
    Status.BYE: "Logging out",
}


def _text(status: Status, text: str, code: ResponseCode | None) -> bytes:
    # RFC 3501 9: text = 1*TEXT-CHAR; CR and LF would inject a response line.
    clean = "".join(" " if char in "\r\n\x00" else char for char in text) or _DEFAULT_TEXT[status]
    if code is None and clean.startswith("["):
        clean = " " + clean  # a leading "[" would read as a response code
    encoded = clean.encode("ascii", "backslashreplace")
    return encoded if code is None else code.to_bytes() + b" " + encoded


def _status_line(prefix: str, status: Status, text: str, code: ResponseCode | None) -> bytes:
    return f"{prefix} {status.value} ".encode("ascii") + _text(status, text, code) + CRLF


def ok(tag: str, text: str = "Completed", code: ResponseCode | None = None) -> bytes:
    """``tag OK [code] text``."""
    return _status_line(tag, Status.OK, text, code)


def no(tag: str, text: str, code: ResponseCode | None = None) -> bytes:
    """``tag NO [code] text``."""
    return _status_line(tag, Status.NO, text, code)


def bad(tag: str | None, text: str, code: ResponseCode | None = None) -> bytes:
    """``tag BAD [code] text``, or ``* BAD text`` when the tag is unknown."""
    return _status_line(tag or "*", Status.BAD, text, code)


def untagged(status: Status, text: str, code: ResponseCode | None = None) -> bytes:
    """``* OK|NO|BAD|PREAUTH|BYE [code] text``: greetings, alerts, SELECT data."""
    return _status_line("*", status, text, code)


def bye(text: str, code: ResponseCode | None = None) -> bytes:
    """``* BYE text``: LOGOUT, shutdown, idle timeout (RFC 3501 7.1.5)."""
    return untagged(Status.BYE, text, code)


def continuation(text: str = "Ready for literal data") -> bytes:
    """``+ text``: go on with the literal, or IDLE's ``+ idling`` (RFC 3501 7.5)."""
    return b"+ " + _text(Status.OK, text, None) + CRLF


def sasl_challenge(data: bytes) -> bytes:
    """``+ base64``: an AUTHENTICATE server challenge (RFC 3501 6.2.2)."""
    return b"+ " + base64.b64encode(data) + CRLF


def parse_error_reply(error: ParseError) -> bytes:
    """The answer to a `ParseError`: ``NO [BADCHARSET ...]`` for charsets, else BAD."""
    if isinstance(error, BadCharsetError) and error.tag is not None:
        return no(error.tag, error.reason, ResponseCode.bad_charset(error.supported))
    return bad(error.tag, error.reason)


def limit_reply(event: LimitExceeded) -> bytes:
    """The answer to a framer `LimitExceeded`: BAD, with ``[TOOBIG]`` for literals."""
    return bad(event.tag, event.reason, TOOBIG if event.limit is Limit.LITERAL else None)


def _data(*words: bytes) -> bytes:
    return b"* " + b" ".join(words) + CRLF


def encode_mailbox(name: str, *, utf8: bool = False) -> str:
    """A mailbox name as sent: modified UTF-7, or UTF-8 under UTF8=ACCEPT."""
    return name if utf8 else mutf7.encode(name)


def _mailbox(name: str, utf8: bool) -> bytes:
    return serialize(encode_mailbox(name, utf8=utf8), utf8=utf8)


def capability_response(names: Iterable[str]) -> bytes:
    """``* CAPABILITY IMAP4rev1 ...`` (RFC 3501 7.2.1)."""
    return _data(b"CAPABILITY", *(Atom(name).text.encode("ascii") for name in names))


def enabled_response(names: Iterable[str]) -> bytes:
    """``* ENABLED CONDSTORE ...`` (RFC 5161 3.2)."""
    return _data(b"ENABLED", *(Atom(name).text.encode("ascii") for name in names))


def exists_response(count: int) -> bytes:
    """``* n EXISTS`` (RFC 3501 7.3.1)."""
    return _data(serialize(count), b"EXISTS")


def recent_response(count: int) -> bytes:
    """``* n RECENT`` (RFC 3501 7.3.2)."""
    return _data(serialize(count), b"RECENT")


def expunge_response(sequence_number: int) -> bytes:
    """``* n EXPUNGE`` (RFC 3501 7.4.1)."""
    return _data(serialize(sequence_number), b"EXPUNGE")


def vanished_response(uids: SequenceSet, *, earlier: bool = False) -> bytes:
    """``* VANISHED [(EARLIER)] uids`` (RFC 7162 3.2.10)."""
    words = [b"VANISHED", b"(EARLIER)"] if earlier else [b"VANISHED"]
    return _data(*words, serialize(uids))


def flags_response(flags: Iterable[str]) -> bytes:
    """``* FLAGS (\\Answered ...)`` (RFC 3501 7.2.6)."""
    return _data(b"FLAGS", serialize(atoms(flags)))


def search_response(numbers: Iterable[int], *, modseq: int | None = None) -> bytes:
    """``* SEARCH 2 3 5``, with ``(MODSEQ n)`` after a MODSEQ search (RFC 7162 3.1.5)."""
    words = [b"SEARCH", *(serialize(number) for number in numbers)]
    if modseq is not None:
        words.append(serialize([Atom("MODSEQ"), modseq]))
    return _data(*words)


def esearch_response(
    tag: str,
    *,
    uid: bool,
    minimum: int | None = None,
    maximum: int | None = None,
    all_numbers: SequenceSet | None = None,
    count: int | None = None,
    modseq: int | None = None,
) -> bytes:
    """``* ESEARCH (TAG "a1") UID MIN 2 COUNT 3`` (RFC 4731 3.1, RFC 7162 3.1.5)."""
    words = [b"ESEARCH", serialize([Atom("TAG"), tag])]
    if uid:
        words.append(b"UID")
    results: tuple[tuple[bytes, DataValue], ...] = (
        (b"MIN", minimum),
        (b"MAX", maximum),
        (b"ALL", all_numbers),
        (b"COUNT", count),
        (b"MODSEQ", modseq),
    )
    for name, value in results:
        if value is not None:
            words += [name, serialize(value)]
    return _data(*words)


def list_response(
    name: str,
    delimiter: str | None,
    attributes: Iterable[str],
    *,
    utf8: bool = False,
    child_info: Sequence[str] = (),
    command: str = "LIST",
) -> bytes:
    """``* LIST (\\HasNoChildren \\Sent) "/" "Sent"`` (RFC 3501 7.2.2, RFC 5258 CHILDINFO).

    Pass ``command="LSUB"`` for LSUB responses.
    """
    words = [command.encode("ascii"), serialize(atoms(attributes)), serialize(delimiter)]
    words.append(_mailbox(name, utf8))
    if child_info:
        extended: list[DataValue] = ["CHILDINFO", [*child_info]]
        words.append(serialize(extended))
    return _data(*words)


def status_response(name: str, items: Mapping[StatusItem, int], *, utf8: bool = False) -> bytes:
    """``* STATUS "box" (MESSAGES 2 UIDNEXT 44)`` (RFC 3501 7.2.4)."""
    pairs: list[DataValue] = []
    for item, value in items.items():
        pairs += [Atom(item.value), value]
    return _data(b"STATUS", _mailbox(name, utf8), serialize(pairs))


def fetch_response(
    sequence_number: int, items: Sequence[tuple[str, DataValue]], *, utf8: bool = False
) -> bytes:
    """``* n FETCH (FLAGS (\\Seen) UID 4 BODY[]<0> {5}...)`` from (echo name, value) pairs.

    The names are `FetchAttribute.echo` strings such as ``BODY[HEADER]``.
    """
    body = b" ".join(
        Atom(name).text.encode("ascii") + b" " + serialize(value, utf8=utf8)
        for name, value in items
    )
    return _data(serialize(sequence_number), b"FETCH", b"(" + body + b")")


Namespace = Sequence[tuple[str, str | None]] | None


def namespace_response(
    personal: Namespace, other: Namespace, shared: Namespace, *, utf8: bool = False
) -> bytes:
    """``* NAMESPACE (("" "/")) NIL NIL`` (RFC 2342 5): (prefix, delimiter) pairs or None."""
    words = []
    for spaces in (personal, other, shared):
        if spaces is None:
            words.append(b"NIL")
            continue
        entries = b"".join(
            b"(" + _mailbox(prefix, utf8) + b" " + serialize(delimiter) + b")"
            for prefix, delimiter in spaces
        )
        words.append(b"(" + entries + b")")
    return _data(b"NAMESPACE", *words)


def id_response(fields: Mapping[str, str | None] | None) -> bytes:
    """``* ID ("name" "Mailwright")`` or ``* ID NIL`` (RFC 2971 3.2)."""
    if fields is None:
        return _data(b"ID", b"NIL")
    pairs: list[DataValue] = []
    for key, value in fields.items():
        pairs += [key, value]
    return _data(b"ID", serialize(pairs))


def quota_response(root: str, resources: Sequence[tuple[str, int, int]]) -> bytes:
    """``* QUOTA "" (STORAGE 10 512)``: (resource, usage, limit) triples (RFC 9208 5.1)."""
    values: list[DataValue] = []
    for resource, usage, limit in resources:
        values += [Atom(resource), usage, limit]
    return _data(b"QUOTA", serialize(root), serialize(values))


def quota_root_response(mailbox: str, roots: Iterable[str], *, utf8: bool = False) -> bytes:
    """``* QUOTAROOT INBOX ""`` (RFC 9208 5.2)."""
    return _data(b"QUOTAROOT", _mailbox(mailbox, utf8), *(serialize(root) for root in roots))
