"""Webhooks: HTTP endpoints told about delivery events, and the log of every delivery to them.

Rules:
1. A webhook hears the event kinds it asked for (all by default), from the moment it is made
   or enabled; a disabled webhook hears nothing.
2. Every POST is signed (``security.webhook_signatures``); the secret is shown once.
3. A target is never a private, loopback, link-local, multicast, reserved or unspecified
   address unless the operator allows private targets (``[delivery] allow_private_webhooks``).
   Threat: server-side request forgery, a webhook used to reach the server's own network.
   The URL is checked when it is saved and every resolved address again at each POST (DNS
   rebinding: a name may resolve elsewhere later).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from mailwright.model.errors import InvalidInput
from mailwright.model.outbound import EventKind

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL = 2048
MAX_DESCRIPTION = 200
ALL_EVENTS = frozenset(EventKind)


class WebhookDeliveryStatus(StrEnum):
    """Where one POST of one event to one webhook stands."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True)
class Webhook:
    """A stored webhook.

    Attributes:
        events: the event kinds it hears.
        cursor: the id of the last delivery event it has been given (or skipped).
        secret_sealed: the signing secret, sealed; never shown after creation.
    """

    id: int
    url: str
    description: str
    events: frozenset[EventKind]
    active: bool
    cursor: int
    created_at: datetime
    created_by: str
    secret_sealed: str

    def wants(self, kind: EventKind) -> bool:
        """True when the webhook hears events of ``kind``."""
        return kind in self.events


@dataclass(frozen=True)
class WebhookDelivery:
    """One event (or test) to be POSTed to one webhook, with its latest outcome.

    ``event_id`` is 0 for test events; ``response_code`` is None while no HTTP answer came.
    """

    id: int
    webhook_id: int
    event_id: int
    payload: Mapping[str, Any]
    status: WebhookDeliveryStatus
    attempts: int
    response_code: int | None
    response_body: str
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None

    @property
    def is_test(self) -> bool:
        """True for a test event."""
        return self.event_id == 0


@dataclass(frozen=True)
class NewWebhookDelivery:
    """A delivery to store: due at ``created_at``, or (``due`` False, for tests, which are sent
    at once and never retried) stored with its one attempt under way."""

    webhook_id: int
    event_id: int
    payload: Mapping[str, Any]
    created_at: datetime
    due: bool = True


@dataclass(frozen=True)
class ClaimedWebhookDelivery:
    """A delivery a dispatcher has claimed for one attempt, with where and how to send it.

    ``delivery.attempts`` already counts this attempt; recording the outcome checks it, so a
    dispatcher whose claim was taken over cannot overwrite the newer outcome.
    """

    delivery: WebhookDelivery
    url: str
    secret_sealed: str


@dataclass(frozen=True)
class PostResult:
    """What one POST gave: the HTTP status and the start of the body, or why none came."""

    status: int | None
    body: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        """2xx."""
        return self.status is not None and 200 <= self.status < 300

    def summary(self) -> str:
        """What the delivery log shows."""
        return self.error if self.status is None else self.body


@dataclass(frozen=True)
class WebhookRetryPolicy:
    """Backoff of failed POSTs and when to give up."""

    base_seconds: float = 30.0
    max_seconds: float = 3600.0
    max_age: timedelta = timedelta(hours=24)
    lease: timedelta = timedelta(minutes=2)
    """How long a claim lasts (longer than a POST may take); a crashed dispatcher's claims
    are retried after it."""

    def delay(self, attempts: int) -> timedelta:
        """Wait after the ``attempts``-th failed attempt: base * 2^(attempts-1), capped."""
        seconds = min(self.base_seconds * 2 ** max(attempts - 1, 0), self.max_seconds)
        return timedelta(seconds=seconds)


def check_private_address(address: IPAddress) -> bool:
    """True when ``address`` is not a public unicast address (private, loopback, link-local,
    multicast, reserved, unspecified, shared or documentation ranges), looking through
    IPv4-mapped, 6to4 and Teredo IPv6 forms at the IPv4 address inside."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour
        if inner is None and address.teredo is not None:
            inner = address.teredo[1]
        if inner is not None and check_private_address(inner):
            return True
    return (
        not address.is_global
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def check_never_target(address: IPAddress) -> bool:
    """True for addresses no HTTP request can go to even when private targets are allowed
    (multicast, unspecified)."""
    return address.is_multicast or address.is_unspecified


def find_ip_literal(host: str) -> IPAddress | None:
    """The IP address a URL host spells (``[::1]`` or ``127.0.0.1``), or None for a name."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def parse_webhook_url(text: str, *, allow_private: bool, field: str = "url") -> str:
    """A webhook target: an absolute ``http`` or ``https`` URL with a host, no user name or
    password and no fragment. Names are checked when resolved at each POST; IP literals and
    ``localhost`` here.

    Raises:
        InvalidInput: naming ``field``.
    """
    url = text.strip()
    if not url or len(url) > MAX_URL or any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise InvalidInput.for_field(
            field, f"Give an http or https URL of at most {MAX_URL} characters, without spaces."
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidInput.for_field(field, "The URL is not valid.") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidInput.for_field(field, "The URL must start with http:// or https://.")
    if parts.username is not None or parts.password is not None:
        raise InvalidInput.for_field(
            field, "The URL must not hold a user name or password; the signature authenticates."
        )
    if parts.fragment or url.endswith("#"):
        raise InvalidInput.for_field(field, "The URL must not have a fragment (#...).")
    if port == 0:
        raise InvalidInput.for_field(field, "The URL's port must be 1 to 65535.")
    host = parts.hostname.rstrip(".").lower()
    literal = find_ip_literal(host)
    if literal is not None and check_never_target(literal):
        raise InvalidInput.for_field(field, "The URL's address cannot receive requests.")
    # RFC 6761 6.3: localhost names are loopback whatever DNS says.
    local_name = host == "localhost" or host.endswith(".localhost")
    private = local_name or (literal is not None and check_private_address(literal))
    if private and not allow_private:
        raise InvalidInput.for_field(
            field,
            "Webhooks may not post to private, loopback or link-local addresses "
            "(the operator can allow it with [delivery] allow_private_webhooks).",
        )
    return url


def parse_event_kinds(values: list[str] | None, field: str = "events") -> frozenset[EventKind]:
    """Event kinds by name; None or empty means every kind. Raises: InvalidInput."""
    if not values:
        return ALL_EVENTS
    kinds = set()
    for value in values:
        try:
            kinds.add(EventKind(value.strip().lower()))
        except ValueError:
            names = ", ".join(k.value for k in EventKind)
            raise InvalidInput.for_field(
                field, f"{value!r} is not an event kind; use {names}."
            ) from None
    return frozenset(kinds)


def parse_description(text: str, field: str = "description") -> str:
    """A webhook's label. Raises: InvalidInput for control characters or over-length."""
    value = " ".join(text.split())
    if len(value) > MAX_DESCRIPTION or any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise InvalidInput.for_field(
            field, f"The description must be at most {MAX_DESCRIPTION} printable characters."
        )
    return value
