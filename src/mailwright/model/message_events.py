"""Delivery events as the events API, webhooks and the admin center see them: each event
with what the sender attached to its message (tags, metadata), and the facts of a message for
its trace."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mailwright.model.outbound import DeliveryEvent, EventKind, Origin


@dataclass(frozen=True)
class EventQuery:
    """Which delivery events to find.

    Attributes:
        domains: only events of messages sent from these domains (the API message's domain,
            else the envelope sender's); None: every message.
        api_key_prefix: only events of messages sent with this API key.
        after_id: oldest first, after this event id; otherwise newest first, before
            ``before_id`` when given.
    """

    recipient: str | None = None
    message_id: str | None = None
    kinds: frozenset[EventKind] = frozenset()
    since: datetime | None = None
    until: datetime | None = None
    tag: str | None = None
    domains: frozenset[str] | None = None
    api_key_prefix: str | None = None
    before_id: int | None = None
    after_id: int | None = None
    limit: int = 100


@dataclass(frozen=True)
class MessageEvent:
    """One delivery event and what the sender attached to its message (API mail only)."""

    event: DeliveryEvent
    tags: tuple[str, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MessageRecord:
    """What is known of one outbound message, for its trace.

    ``origin``, ``sender`` and ``created_at`` come from the queue (None and "" once the queue
    entry is purged); ``api_key_prefix`` is None for mail not sent through the API.
    """

    id: str
    sender: str
    origin: Origin | None
    created_at: datetime | None
    api_key_prefix: str | None = None
    domain: str | None = None
    subject: str = ""
    tags: tuple[str, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @property
    def sender_domain(self) -> str | None:
        """The domain the message counts for: the API message's domain, else the envelope
        sender's; None when neither is known."""
        if self.domain:
            return self.domain
        domain = self.sender.rpartition("@")[2].lower()
        return domain or None


@dataclass(frozen=True)
class UsageOwner:
    """Whom a message's usage counts for."""

    api_key_prefix: str
    domain: str
