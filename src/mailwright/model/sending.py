"""The transactional email API: what a caller asks to send, what was accepted, the records kept
of API messages, templates and idempotency keys.

Words: a *send request* is one message as asked for (values as given); the sending service
checks and renders it into a message (bytes) plus an envelope, queues one *recipient* per
envelope address and answers with a *receipt*. See ``docs/sending.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mailwright.model.actors import Actor
from mailwright.model.outbound import RecipientStatus

MetadataValue = str | int | float | bool | None


@dataclass(frozen=True)
class Attachment:
    """A file to attach, decoded."""

    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class SendRequest:
    """One message as the caller asks for it. Either ``subject`` with ``text`` and/or ``html``,
    or ``template`` (+ ``variables``), which supplies all three."""

    sender: str
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    reply_to: str | None = None
    subject: str | None = None
    text: str | None = None
    html: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()
    tags: tuple[str, ...] = ()
    metadata: Mapping[str, MetadataValue] = field(default_factory=dict)
    template: str | None = None
    template_version: int | None = None
    variables: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SendingCaller:
    """Who sends (or manages templates and suppressions): an API key's admin, or the operator.

    Attributes:
        actor: whose role and domain scope apply.
        key_prefix: the API key's prefix; "" for the operator at the CLI and the admin center.
        sandbox: accept and record, never deliver; never change shared state.
        domains: the key's own limit on sender domains (empty: the actor's scope).
    """

    actor: Actor
    key_prefix: str = ""
    sandbox: bool = False
    domains: frozenset[str] = frozenset()

    def may_send_from(self, domain: str) -> bool:
        """True when mail from ``domain`` is within the key's limit and the actor's scope."""
        if self.domains:
            return domain in self.domains and self.actor.covers(domain)
        return self.actor.covers(domain)

    @property
    def message_filter(self) -> str | None:
        """The key prefix of the messages the caller may look up: a key sees what was sent
        with it; the operator (no key) sees every message (None)."""
        return self.key_prefix or None


@dataclass(frozen=True)
class IdempotencyKey:
    """An ``Idempotency-Key`` with the fingerprint of the request that came with it."""

    key: str
    fingerprint: str


@dataclass(frozen=True)
class IdempotencyRecord:
    """The stored answer to the first request made with a key."""

    api_key_prefix: str
    key: str
    request_hash: str
    status_code: int
    response: dict[str, Any]
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class RecipientReceipt:
    """One envelope recipient of an accepted message, as it stands at acceptance."""

    id: int
    address: str
    status: RecipientStatus


@dataclass(frozen=True)
class SendReceipt:
    """An accepted (durably queued) message."""

    message_id: str
    created_at: datetime
    sandbox: bool
    recipients: tuple[RecipientReceipt, ...]


@dataclass(frozen=True)
class NewRecipient:
    """A recipient to queue with its first status and the event that records it."""

    address: str
    status: RecipientStatus
    reply: str


@dataclass(frozen=True)
class NewApiMessage:
    """Everything stored for one accepted message, in one go: the API record, the queue entry
    (blob, envelope), its recipients and their first events."""

    id: str
    api_key_prefix: str
    domain: str
    from_address: str
    subject: str
    tags: tuple[str, ...]
    metadata: Mapping[str, MetadataValue]
    template_name: str | None
    template_version: int | None
    sandbox: bool
    created_at: datetime
    blob: str
    size: int
    submitted_by: str
    recipients: tuple[NewRecipient, ...]


@dataclass(frozen=True)
class ApiMessage:
    """The record of a message sent through the API (or ``mailwright send``)."""

    id: str
    api_key_prefix: str
    domain: str
    from_address: str
    subject: str
    tags: tuple[str, ...]
    metadata: Mapping[str, MetadataValue]
    template_name: str | None
    template_version: int | None
    sandbox: bool
    created_at: datetime


@dataclass(frozen=True)
class ApiMessageQuery:
    """A page of API messages, newest first.

    ``api_key_prefix`` None means messages of every key; ``after`` is the (created_at, id) of
    the last message of the previous page.
    """

    api_key_prefix: str | None = None
    tag: str | None = None
    recipient: str | None = None
    status: RecipientStatus | None = None
    since: datetime | None = None
    after: tuple[datetime, str] | None = None
    limit: int = 50


@dataclass(frozen=True)
class Template:
    """One version of a named message template (Jinja2 source of each part)."""

    id: int
    name: str
    version: int
    subject: str
    text: str | None
    html: str | None
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class RenderedMessage:
    """A template (or literal parts) rendered: the subject and body parts."""

    subject: str
    text: str | None
    html: str | None
