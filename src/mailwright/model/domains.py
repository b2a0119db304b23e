"""Mail domains: the DNS names Mailwright receives and sends mail for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Domain:
    """A hosted mail domain.

    Attributes:
        it_notification_address: where password-reset notices for this domain's mailboxes go
            (the domain's IT team), or None.
        password_min_length / password_min_score: stricter policy for this domain than the
            platform default; None means "use the default".
        default_quota_bytes: quota given to new mailboxes when none is named; None: unlimited.
    """

    id: int
    name: str
    it_notification_address: str | None
    password_min_length: int | None
    password_min_score: int | None
    default_quota_bytes: int | None
    created_at: datetime


@dataclass(frozen=True)
class DomainSummary:
    """A domain with the counts shown in lists."""

    domain: Domain
    mailbox_count: int
    alias_count: int
