"""The outbound queue: messages waiting to leave for remote servers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class RecipientStatus(StrEnum):
    """Where one recipient of a queued message stands."""

    QUEUED = "queued"
    DEFERRED = "deferred"
    DELIVERED = "delivered"
    BOUNCED = "bounced"
    FAILED = "failed"
    SUPPRESSED = "suppressed"
    SANDBOXED = "sandboxed"
    """Accepted with a sandbox API key: recorded, never claimed by a worker, never delivered."""


class Origin(StrEnum):
    """How a message entered the queue."""

    SMTP = "smtp"
    API = "api"
    SYSTEM = "system"


@dataclass(frozen=True)
class QueuedRecipient:
    """One recipient of a queued message and its delivery state."""

    id: int
    message_id: str
    recipient: str
    status: RecipientStatus
    attempts: int
    next_attempt_at: datetime | None
    last_reply: str


@dataclass(frozen=True)
class QueuedMessage:
    """A message in the outbound queue."""

    id: str
    blob: str
    size: int
    sender: str
    origin: Origin
    submitted_by: str
    created_at: datetime
    recipients: tuple[QueuedRecipient, ...]


class EventKind(StrEnum):
    """What happened to one recipient of an outbound message."""

    QUEUED = "queued"
    DELIVERED = "delivered"
    DEFERRED = "deferred"
    BOUNCED = "bounced"
    FAILED = "failed"
    SUPPRESSED = "suppressed"


@dataclass(frozen=True)
class DeliveryEvent:
    """One step in a recipient's delivery, with the remote server's reply."""

    id: int
    message_id: str
    recipient: str
    kind: EventKind
    at: datetime
    reply: str
    remote_host: str


@dataclass(frozen=True)
class Attempt:
    """The stored outcome of one delivery attempt of one claimed recipient."""

    recipient_id: int
    status: RecipientStatus
    next_attempt_at: datetime | None
    reply: str
    at: datetime


@dataclass(frozen=True)
class NewDeliveryEvent:
    """A delivery event to append (``DeliveryEvent`` without its id)."""

    message_id: str
    recipient: str
    kind: EventKind
    at: datetime
    reply: str = ""
    remote_host: str = ""


@dataclass(frozen=True)
class ClaimedRecipient:
    """A recipient a delivery worker has claimed (leased) for one attempt."""

    id: int
    message_id: str
    recipient: str
    attempts: int
    sender: str
    blob: str
    origin: Origin
    created_at: datetime


class SuppressionReason(StrEnum):
    """Why an address is on the suppression list."""

    HARD_BOUNCE = "hard-bounce"
    MANUAL = "manual"
    COMPLAINT = "complaint"


@dataclass(frozen=True)
class Suppression:
    """An address Mailwright will not send to."""

    address: str
    reason: SuppressionReason
    detail: str
    created_at: datetime


@dataclass(frozen=True)
class DkimKey:
    """A domain's DKIM signing key. The private key is stored encrypted with a key derived
    from the server secret; ``public_key`` is the base64 DER for the DNS TXT record."""

    id: int
    domain: str
    selector: str
    private_key_sealed: str
    public_key: str
    active: bool
    created_at: datetime

    @property
    def dns_name(self) -> str:
        """Where the TXT record goes."""
        return f"{self.selector}._domainkey.{self.domain}"

    @property
    def dns_value(self) -> str:
        """The TXT record's value."""
        return f"v=DKIM1; k=rsa; p={self.public_key}"

    @property
    def zone_value(self) -> str:
        """The value as zone-file strings: DNS strings hold at most 255 octets (RFC 1035
        3.3), so a 2048-bit key is split into several quoted strings."""
        value = self.dns_value
        return " ".join(f'"{value[i : i + 255]}"' for i in range(0, len(value), 255))
