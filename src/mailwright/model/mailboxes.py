"""Mailboxes: a login plus its mail (never "user" or "account" in our code)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True)
class Mailbox:
    """A mailbox with its credential state.

    ``password_hash`` is a Dovecot-style ``{ARGON2ID}$argon2id$...`` string; the plaintext never
    exists outside the request that set it.
    """

    id: int
    domain_id: int
    address: str
    display_name: str
    password_hash: str
    must_change: bool
    password_changed_at: datetime | None
    disabled: bool
    quota_bytes: int | None
    used_bytes: int
    recovery_address: str | None
    last_imap_login_at: datetime | None
    last_smtp_login_at: datetime | None
    created_at: datetime

    @property
    def local_part(self) -> str:
        """The part before the @."""
        return self.address.rpartition("@")[0]

    @property
    def domain_name(self) -> str:
        """The part after the @."""
        return self.address.rpartition("@")[2]


@dataclass(frozen=True)
class NewMailbox:
    """What storage needs to create a mailbox."""

    domain_id: int
    address: str
    display_name: str
    password_hash: str
    must_change: bool
    quota_bytes: int | None
    recovery_address: str | None
    created_at: datetime


class MailboxSort(StrEnum):
    """Orders the mailbox list can be sorted by."""

    ADDRESS = "address"
    DISPLAY_NAME = "display_name"
    CREATED = "created"


@dataclass(frozen=True)
class MailboxQuery:
    """Filter, order and page of a mailbox listing.

    ``after`` is a keyset cursor: the sort value and address of the last row of the previous page.
    """

    domains: frozenset[str] | None = None
    search: str | None = None
    sort: MailboxSort = MailboxSort.ADDRESS
    descending: bool = False
    limit: int = 50
    after: tuple[str, str] | None = None
    offset: int = 0
