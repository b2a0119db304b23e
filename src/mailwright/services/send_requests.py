"""Checking a send request: every value, with every problem named by its field.

Rules (``docs/sending.md``):
1. ``from`` and each of ``to``, ``cc``, ``bcc``, ``reply_to`` is ``address`` or
   ``Name <address>``; addresses are normalised like everywhere else; local parts are ASCII
   (SMTPUTF8 is not offered to remote servers yet). At least one recipient, at most
   ``max_recipients`` of them together.
2. Either ``subject`` with ``text`` and/or ``html``, or ``template`` (+ ``template_version``,
   ``variables``); never both.
3. ``headers`` may not set what Mailwright writes itself or what proves where mail came from
   (``RESERVED_HEADERS``, ``Resent-*``, ``ARC-*``, ``Content-*``, ``X-Mailwright-*``).
   Threat: header injection. No value anywhere may hold CR, LF or other control characters,
   so nothing a caller sends can start a header of its own.
4. Attachments have a file name, a MIME type and at most ``max_attachment_bytes`` together.
5. Up to 10 tags of ``[A-Za-z0-9._:-]``; metadata is one flat JSON object of at most 4 KiB.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from mailwright.model.addresses import parse_address
from mailwright.model.errors import FieldProblem, InvalidInput
from mailwright.model.sending import Attachment, MetadataValue, SendRequest
from mailwright.protocols.mime.compose import NamedAddress
from mailwright.services.templates import parse_template_name

RESERVED_HEADERS = frozenset(
    {
        "from", "to", "cc", "bcc", "date", "message-id", "subject", "reply-to", "sender",
        "received", "return-path", "dkim-signature", "domainkey-signature", "mime-version",
        "authentication-results", "received-spf", "delivered-to", "x-original-to",
        "errors-to", "envelope-to",
    }
)  # fmt: skip
RESERVED_PREFIXES = ("resent-", "arc-", "content-", "x-mailwright-")
MAX_TAGS = 10
MAX_HEADERS = 50
MAX_ATTACHMENTS = 50
MAX_METADATA_BYTES = 4096
MAX_VARIABLES_BYTES = 256 * 1024
MAX_SUBJECT = 998
MAX_DISPLAY_NAME = 256
MAX_FILENAME = 255
MAX_HEADER_VALUE = 998
_HEADER_NAME = re.compile(r"^[!-9;-~]{1,76}$")  # RFC 5322 2.2: printable ASCII but ':'
_TAG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
_METADATA_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_RESTRICTED_NAME = r"[A-Za-z0-9!#$&^_.+-]{1,127}"
_CONTENT_TYPE = re.compile(rf"^{_RESTRICTED_NAME}/{_RESTRICTED_NAME}$")  # RFC 6838 4.2
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


@dataclass(frozen=True)
class Limits:
    """Bounds on one message (``[sending]``)."""

    max_recipients: int = 50
    max_attachment_bytes: int = 10 * 1024 * 1024


@dataclass(frozen=True)
class CheckedRequest:
    """A send request whose values are all acceptable (template not rendered yet)."""

    sender: NamedAddress
    domain: str
    to: tuple[NamedAddress, ...]
    cc: tuple[NamedAddress, ...]
    reply_to: NamedAddress | None
    envelope: tuple[str, ...]
    subject: str | None
    text: str | None
    html: str | None
    headers: tuple[tuple[str, str], ...]
    attachments: tuple[Attachment, ...]
    tags: tuple[str, ...]
    metadata: Mapping[str, MetadataValue]
    template: str | None
    template_version: int | None
    variables: Mapping[str, Any]


class _Problems:
    def __init__(self) -> None:
        self.items: list[FieldProblem] = []

    def add(self, field: str, message: str) -> None:
        self.items.append(FieldProblem(field, message))

    def take(self, error: InvalidInput, field: str) -> None:
        self.items.extend(FieldProblem(field, p.message) for p in error.problems)

    def raise_any(self) -> None:
        if self.items:
            summary = "; ".join(f"{p.field}: {p.message}" for p in self.items[:5])
            raise InvalidInput(f"The message cannot be sent: {summary}", self.items)


def check_request(request: SendRequest, limits: Limits) -> CheckedRequest:
    """Check every value of ``request``.

    Raises:
        InvalidInput: with one problem per faulty field (``to.1``, ``headers.X-Foo``, ...).
    """
    problems = _Problems()
    sender = _named(request.sender, "from", problems)
    to = _named_list(request.to, "to", problems)
    cc = _named_list(request.cc, "cc", problems)
    bcc = _named_list(request.bcc, "bcc", problems)
    reply_to = _named(request.reply_to, "reply_to", problems) if request.reply_to else None
    given = len(request.to) + len(request.cc) + len(request.bcc)
    if not given:
        problems.add("to", "A message needs at least one recipient (to, cc or bcc).")
    elif given > limits.max_recipients:
        problems.add("to", f"A message may have at most {limits.max_recipients} recipients in all.")
    _check_content(request, problems)
    headers = _headers(request.headers, problems)
    attachments = _attachments(request.attachments, limits, problems)
    tags = _tags(request.tags, problems)
    metadata = _metadata(request.metadata, problems)
    template = _template(request, problems)
    problems.raise_any()
    assert sender is not None
    envelope = dict.fromkeys(n.address for n in (*to, *cc, *bcc))
    return CheckedRequest(
        sender=sender,
        domain=sender.address.rpartition("@")[2],
        to=to,
        cc=cc,
        reply_to=reply_to,
        envelope=tuple(envelope),
        subject=request.subject,
        text=request.text,
        html=request.html,
        headers=headers,
        attachments=attachments,
        tags=tags,
        metadata=metadata,
        template=template,
        template_version=request.template_version,
        variables=request.variables,
    )


def _named(text: str | None, field: str, problems: _Problems) -> NamedAddress | None:
    if text is None or _CONTROL.search(text):
        problems.add(field, "Give an address, or a name and an address: Name <name@example.org>.")
        return None
    name, raw = parseaddr(text) if "<" in text else ("", text)
    try:
        address = parse_address(raw, field)
    except InvalidInput as error:
        problems.take(error, field)
        return None
    if not address.local.isascii():
        problems.add(field, "Addresses with non-ASCII characters before the @ cannot be sent yet.")
        return None
    if len(name) > MAX_DISPLAY_NAME:
        problems.add(field, f"The name is longer than {MAX_DISPLAY_NAME} characters.")
        return None
    return NamedAddress(str(address), " ".join(name.split()))


def _named_list(values: Sequence[str], field: str, problems: _Problems) -> tuple[NamedAddress, ...]:
    found = [_named(value, f"{field}.{index}", problems) for index, value in enumerate(values)]
    return tuple(n for n in found if n is not None)


def _check_content(request: SendRequest, problems: _Problems) -> None:
    literal = [
        name
        for name, value in (
            ("subject", request.subject),
            ("text", request.text),
            ("html", request.html),
        )
        if value is not None
    ]
    if request.template is not None:
        for name in literal:
            problems.add(name, "Give either a template or the subject and body, not both.")
        return
    if request.template_version is not None:
        problems.add("template_version", "A template version needs a template.")
    if request.variables:
        problems.add("variables", "Variables need a template.")
    if request.subject is None:
        problems.add("subject", "A message needs a subject (or a template).")
    elif _CONTROL.search(request.subject) or len(request.subject) > MAX_SUBJECT:
        problems.add("subject", f"The subject is one line of at most {MAX_SUBJECT} characters.")
    if request.text is None and request.html is None:
        problems.add("text", "A message needs a text part, an HTML part, or both.")


def _template(request: SendRequest, problems: _Problems) -> str | None:
    if request.template is None:
        return None
    try:
        name = parse_template_name(request.template, "template")
    except InvalidInput as error:
        problems.take(error, "template")
        return None
    if request.template_version is not None and request.template_version < 1:
        problems.add("template_version", "Template versions start at 1.")
    if len(_json(request.variables)) > MAX_VARIABLES_BYTES:
        problems.add("variables", f"The variables exceed {MAX_VARIABLES_BYTES} bytes of JSON.")
    return name


def _headers(headers: Mapping[str, str], problems: _Problems) -> tuple[tuple[str, str], ...]:
    if len(headers) > MAX_HEADERS:
        problems.add("headers", f"A message may have at most {MAX_HEADERS} extra headers.")
        return ()
    kept = []
    seen: set[str] = set()
    for name, value in headers.items():
        field = f"headers.{name}"
        lower = name.lower()
        if not _HEADER_NAME.match(name):
            problems.add(field, "A header name is printable ASCII without ':' or spaces.")
        elif lower in RESERVED_HEADERS or lower.startswith(RESERVED_PREFIXES):
            problems.add(field, f"The {name} header is set by Mailwright and cannot be given.")
        elif lower in seen:
            problems.add(field, f"The {name} header is given twice.")
        elif _CONTROL.search(value) or len(value) > MAX_HEADER_VALUE:
            problems.add(
                field, f"A header value is one line of at most {MAX_HEADER_VALUE} characters."
            )
        else:
            kept.append((name, " ".join(value.split())))
        seen.add(lower)
    return tuple(kept)


def _attachments(
    attachments: Sequence[Attachment], limits: Limits, problems: _Problems
) -> tuple[Attachment, ...]:
    if len(attachments) > MAX_ATTACHMENTS:
        problems.add("attachments", f"A message may have at most {MAX_ATTACHMENTS} attachments.")
        return ()
    for index, attachment in enumerate(attachments):
        field = f"attachments.{index}"
        name = attachment.filename
        if not name.strip() or len(name) > MAX_FILENAME or _CONTROL.search(name):
            problems.add(
                f"{field}.filename", f"A file name is one line of 1 to {MAX_FILENAME} characters."
            )
        if not _CONTENT_TYPE.match(attachment.content_type):
            problems.add(f"{field}.content_type", "Give a MIME type such as application/pdf.")
    total = sum(len(a.content) for a in attachments)
    if total > limits.max_attachment_bytes:
        problems.add(
            "attachments",
            f"The attachments hold {total} bytes; at most {limits.max_attachment_bytes} are "
            "accepted.",
        )
    return tuple(attachments)


def _tags(tags: Iterable[str], problems: _Problems) -> tuple[str, ...]:
    unique = tuple(dict.fromkeys(tags))
    if len(unique) > MAX_TAGS:
        problems.add("tags", f"A message may have at most {MAX_TAGS} tags.")
    for index, tag in enumerate(unique):
        if not _TAG.match(tag):
            problems.add(f"tags.{index}", "A tag is 1 to 64 letters, digits, '.', '_', ':' or '-'.")
    return unique


def _metadata(
    metadata: Mapping[str, MetadataValue], problems: _Problems
) -> Mapping[str, MetadataValue]:
    for key, value in metadata.items():
        if not _METADATA_KEY.match(key):
            problems.add(f"metadata.{key}", "A key is 1 to 64 letters, digits, '.', '_' or '-'.")
        finite = not isinstance(value, float) or math.isfinite(value)
        if not finite or (not isinstance(value, str | int | float | bool) and value is not None):
            problems.add(f"metadata.{key}", "Values are strings, numbers, booleans or null.")
    if len(_json(metadata)) > MAX_METADATA_BYTES:
        problems.add("metadata", f"The metadata exceed {MAX_METADATA_BYTES} bytes of JSON.")
    return dict(metadata)


def _json(value: object) -> bytes:
    try:
        return json.dumps(value, separators=(",", ":"), default=str).encode()
    except ValueError:
        return b"\x00" * (MAX_VARIABLES_BYTES + 1)
