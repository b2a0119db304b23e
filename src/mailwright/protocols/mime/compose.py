"""Composing outgoing messages (RFC 5322 + MIME, RFC 2045-2047, 2183, 2231) with the stdlib
``email`` package.

Structure: one text part; or ``multipart/alternative`` (text, then HTML: RFC 2046 5.1.4, the
plainest first); inside ``multipart/mixed`` when there are attachments. Bodies are 7bit when
they are ASCII with short lines, quoted-printable otherwise; attachments are base64. Header
values are folded at 78 columns (RFC 5322 2.1.1) and non-ASCII text becomes RFC 2047 encoded
words (display names, subject) or RFC 2231 parameters (file names).

Why not ``EmailMessage`` with ``policy.SMTP``: it re-parses and re-folds every header through
the header registry and compiles a regular expression per boundary, about 3 ms a message;
batches of hundreds of messages per request need a tenth of that. So the values are folded
here with ``email.header`` and ``email.utils``, and ``email.generator`` writes them as given
(``_Prefolded``), with boundaries chosen here.
"""

from __future__ import annotations

import base64
import binascii
import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.generator import BytesGenerator
from email.header import Header
from email.message import Message
from email.policy import Compat32
from email.utils import encode_rfc2231, format_datetime, formataddr, quote

from mailwright.model.sending import Attachment

# RFC 5322 2.1.1: lines SHOULD be at most 78 characters and MUST be at most 998.
FOLD_AT = 78
MAX_LINE = 998


class _Prefolded(Compat32):
    """Writes header values exactly as given: they are folded ASCII already."""

    def fold_binary(self, name: str, value: str) -> bytes:
        return f"{name}: {value}{self.linesep}".encode("ascii")


_POLICY = _Prefolded(linesep="\r\n", max_line_length=None)


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
    root = Message(policy=_POLICY)
    root["From"] = mailbox(message.sender, "From")
    if message.to:
        root["To"] = address_list("To", message.to)
    if message.cc:
        root["Cc"] = address_list("Cc", message.cc)
    if message.reply_to is not None:
        root["Reply-To"] = mailbox(message.reply_to, "Reply-To")
    root["Subject"] = unstructured("Subject", message.subject)
    root["Date"] = format_datetime(message.date)
    root["Message-ID"] = message.message_id
    root["MIME-Version"] = "1.0"
    for name, value in message.headers:
        root[name] = unstructured(name, value)
    body = _body(message.text, message.html)
    if message.attachments:
        _fill_multipart(root, "mixed", [body, *(_attachment(a) for a in message.attachments)])
    else:
        _adopt(root, body)
    out = io.BytesIO()
    BytesGenerator(out, mangle_from_=False, policy=_POLICY).flatten(root)
    return out.getvalue()


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
    if not value.name:
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


def _adopt(target: Message, source: Message) -> None:
    """Move the content headers and payload of ``source`` onto ``target``."""
    for name, value in source.items():
        target[name] = value
    target.set_payload(source.get_payload())


def _fill_multipart(part: Message, subtype: str, children: list[Message]) -> None:
    part["Content-Type"] = f'multipart/{subtype}; boundary="{_boundary()}"'
    for child in children:
        part.attach(child)


def _body(text: str | None, html: str | None) -> Message:
    parts = []
    if text is not None:
        parts.append(_text_part(text, "plain"))
    if html is not None:
        parts.append(_text_part(html, "html"))
    if len(parts) == 1:
        return parts[0]
    alternative = Message(policy=_POLICY)
    _fill_multipart(alternative, "alternative", parts)
    return alternative


def _text_part(text: str, subtype: str) -> Message:
    data = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    if not data.endswith(b"\n"):
        data += b"\n"
    part = Message(policy=_POLICY)
    part["Content-Type"] = f'text/{subtype}; charset="utf-8"'
    if _is_7bit(data):
        part["Content-Transfer-Encoding"] = "7bit"
        part.set_payload(data.decode("ascii"))
    else:
        part["Content-Transfer-Encoding"] = "quoted-printable"
        part.set_payload(binascii.b2a_qp(data, istext=True).decode("ascii"))
    return part


def _is_7bit(data: bytes) -> bool:
    """RFC 2045 2.7: ASCII, no NUL or bare CR, lines of at most 998 octets."""
    if not data.isascii() or any((c < 32 and c not in (9, 10)) or c == 127 for c in set(data)):
        return False
    return all(len(line) <= MAX_LINE for line in data.split(b"\n"))


def _attachment(attachment: Attachment) -> Message:
    part = Message(policy=_POLICY)
    # Mail readers strip white space around a file name; strip it here so what we send is what
    # the recipient sees.
    name = _parameter("name", attachment.filename.strip())
    filename = _parameter("filename", attachment.filename.strip())
    part["Content-Type"] = f"{attachment.content_type};\r\n {name}"
    part["Content-Transfer-Encoding"] = "base64"
    part["Content-Disposition"] = f"attachment;\r\n {filename}"
    part.set_payload(base64.encodebytes(attachment.content).decode("ascii"))
    return part


def _parameter(key: str, value: str) -> str:
    """A MIME parameter: quoted ASCII, or RFC 2231 ``key*=utf-8''...`` otherwise."""
    if value.isascii():
        return f'{key}="{quote(value)}"'
    return f"{key}*={encode_rfc2231(value, 'utf-8')}"
