"""Composing outgoing messages (RFC 5322 + MIME, RFC 2045-2047, 2183, 2231) with the stdlib
``email`` package.

Structure: one text part; or ``multipart/alternative`` (text, then HTML: RFC 2046 5.1.4, the
plainest first); inside ``multipart/mixed`` when there are attachments. Bodies are 7bit when
they are ASCII with short lines, quoted-printable otherwise; attachments are base64. Header
values are folded at 78 columns (RFC 5322 2.1.1) and non-ASCII text becomes RFC 2047 encoded
words (display names, subject) or RFC 2231 parameters (file names).

Why not ``EmailMessage`` with ``policy.SMTP``: it re-parses and re-folds every header through
the header registry and compiles a regular expression per boundary, about 3 ms a message;
batches of hundreds of messages per request need a tenth of that. And not ``email.generator``
either: once every value is folded and encoded here, writing the parts is string joining, and
the generator's machinery was half of the remaining cost. The values are folded with
``email.header`` and ``email.utils``; the bytes are laid out exactly as the stdlib generator
lays out the same tree (a test regenerates our output with it and compares).
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.header import Header
from email.utils import encode_rfc2231, format_datetime, formataddr, quote
from functools import lru_cache

from mailwright.model.sending import Attachment

# RFC 5322 2.1.1: lines SHOULD be at most 78 characters and MUST be at most 998.
FOLD_AT = 78
MAX_LINE = 998


_7BIT_FORBIDDEN = re.compile(rb"[^\t\n\x20-\x7e]")
_LONG_LINE = re.compile(rb"^[^\n]{%d}" % (MAX_LINE + 1), re.MULTILINE)


@dataclass
class _Part:
    """One MIME entity: its header fields (folded ASCII) and either a payload (ASCII, LF line
    ends) or children separated by ``boundary``."""

    headers: list[tuple[str, str]] = field(default_factory=list)
    payload: str = ""
    children: list[_Part] = field(default_factory=list)
    boundary: str = ""

    def write(self, out: list[str]) -> None:
        """Append this entity's text (CRLF line ends) to ``out``."""
        out.extend(f"{name}: {value}\r\n" for name, value in self.headers)
        out.append("\r\n")
        if not self.children:
            out.append(self.payload.replace("\n", "\r\n"))
            return
        # RFC 2046 5.1.1: the CRLF before a delimiter belongs to the delimiter.
        out.append(f"--{self.boundary}\r\n")
        for index, child in enumerate(self.children):
            if index:
                out.append(f"\r\n--{self.boundary}\r\n")
            child.write(out)
        out.append(f"\r\n--{self.boundary}--\r\n")


@dataclass(frozen=True)
class NamedAddress:
    """An address with its display name ("" for none); the address is ASCII."""

    address: str
    name: str = ""


@dataclass(frozen=True)
class Composition:
    """Everything a message is made of. ``message_id`` includes the angle brackets."""

    sender: NamedAddress
    subject: str
    date: datetime
    message_id: str
    to: Sequence[NamedAddress] = ()
    cc: Sequence[NamedAddress] = ()
    reply_to: NamedAddress | None = None
    text: str | None = None
    html: str | None = None
    headers: Sequence[tuple[str, str]] = ()
    attachments: Sequence[Attachment] = field(default_factory=tuple)


def compose(message: Composition) -> bytes:
    """The message as bytes with CRLF line ends, ready for SMTP DATA and DKIM signing."""
    headers = [("From", mailbox(message.sender, "From"))]
    if message.to:
        headers.append(("To", address_list("To", message.to)))
    if message.cc:
        headers.append(("Cc", address_list("Cc", message.cc)))
    if message.reply_to is not None:
        headers.append(("Reply-To", mailbox(message.reply_to, "Reply-To")))
    headers.append(("Subject", unstructured("Subject", message.subject)))
    headers.append(("Date", _date(message.date)))
    headers.append(("Message-ID", message.message_id))
    headers.append(("MIME-Version", "1.0"))
    headers.extend((name, unstructured(name, value)) for name, value in message.headers)
    body = _body(message.text, message.html)
    if message.attachments:
        root = _multipart("mixed", [body, *(_attachment(a) for a in message.attachments)])
    else:
        root = body
    root.headers[:0] = headers
    out: list[str] = []
    root.write(out)
    return "".join(out).encode("ascii")


@lru_cache(maxsize=16)
def _date(when: datetime) -> str:
    # A batch stamps every message with the same time: format it once.
    return format_datetime(when)


def unstructured(name: str, value: str) -> str:
    """An unstructured header value (RFC 5322 3.2.5), folded, RFC 2047-encoded when needed."""
    # Text that looks like an encoded word would be decoded by readers: encode it instead.
    if value.isascii() and "=?" not in value:
        if len(name) + 2 + len(value) <= FOLD_AT:
            return value
        return Header(value, "us-ascii", header_name=name).encode(linesep="\r\n")
    return Header(value, "utf-8", header_name=name).encode(linesep="\r\n")


def mailbox(value: NamedAddress, header_name: str = "") -> str:
    """``Name <address>`` (the name quoted or RFC 2047-encoded as needed), or the address."""
    if not value.name.strip():
        return value.address
    if value.name.isascii() and "=?" not in value.name:
        return formataddr((value.name, value.address))
    encoded = Header(value.name, "utf-8", header_name=header_name).encode(linesep="\r\n")
    return f"{encoded} <{value.address}>"


def address_list(name: str, values: Sequence[NamedAddress]) -> str:
    """Addresses separated by commas, a line break between them where a line would be long."""
    text = ""
    column = len(name) + 2
    for index, value in enumerate(values):
        item = mailbox(value, name)
        if index:
            if column + 2 + len(item.split("\r\n", 1)[0]) > FOLD_AT:
                text += ",\r\n "
                column = 1
            else:
                text += ", "
                column += 2
        text += item
        last_line = item.rsplit("\r\n", 1)
        column = len(last_line[-1]) if len(last_line) > 1 else column + len(item)
    return text


def _boundary() -> str:
    # "=_" cannot occur in quoted-printable or base64 text, and 128 random bits make a clash
    # with 7bit text impossible in practice (RFC 2046 5.1.1 asks for exactly that).
    return "=_" + secrets.token_hex(16)


def _multipart(subtype: str, children: list[_Part]) -> _Part:
    boundary = _boundary()
    return _Part(
        [("Content-Type", f'multipart/{subtype}; boundary="{boundary}"')],
        children=children,
        boundary=boundary,
    )


def _body(text: str | None, html: str | None) -> _Part:
    parts = []
    if text is not None:
        parts.append(_text_part(text, "plain"))
    if html is not None:
        parts.append(_text_part(html, "html"))
    if not parts:  # callers always give one (the API refuses a message without content)
        return _text_part("", "plain")
    if len(parts) == 1:
        return parts[0]
    return _multipart("alternative", parts)


def _text_part(text: str, subtype: str) -> _Part:
    data = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    if not data.endswith(b"\n"):
        data += b"\n"
    content_type = ("Content-Type", f'text/{subtype}; charset="utf-8"')
    if _is_7bit(data):
        return _Part([content_type, ("Content-Transfer-Encoding", "7bit")], data.decode("ascii"))
    encoded = binascii.b2a_qp(data, istext=True).decode("ascii")
    return _Part([content_type, ("Content-Transfer-Encoding", "quoted-printable")], encoded)


def _is_7bit(data: bytes) -> bool:
    """RFC 2045 2.7: ASCII, no NUL or bare CR, lines of at most 998 octets."""
    return _7BIT_FORBIDDEN.search(data) is None and _LONG_LINE.search(data) is None


def _attachment(attachment: Attachment) -> _Part:
    # Mail readers strip white space around a file name; strip it here so what we send is what
    # the recipient sees.
    name = _parameter("name", attachment.filename.strip())
    filename = _parameter("filename", attachment.filename.strip())
    return _Part(
        [
            ("Content-Type", f"{attachment.content_type};\r\n {name}"),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", f"attachment;\r\n {filename}"),
        ],
        base64.encodebytes(attachment.content).decode("ascii"),
    )


def _parameter(key: str, value: str) -> str:
    """A MIME parameter: quoted ASCII, or RFC 2231 ``key*=utf-8''...`` otherwise."""
    if value.isascii():
        return f'{key}="{quote(value)}"'
    return f"{key}*={encode_rfc2231(value, 'utf-8')}"
