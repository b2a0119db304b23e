"""Interfaces (Protocols) between services and the adapters below them.

Storage implements the repositories; services depend only on these names. Every repository
method runs inside the transaction that created the repository; nothing is visible to other
transactions before the transaction commits.

Verb contract (Django's): ``find_*`` returns ``X | None``; ``list_*`` returns a list; ``add``
returns the stored thing and raises ``Conflict`` when a unique name is taken; ``update`` and
``delete`` raise ``NotFound`` when the row is gone.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol

from mailwright.model.admins import Admin, Role
from mailwright.model.aliases import Alias
from mailwright.model.api_keys import ApiKey, ApiKeyScope
from mailwright.model.audit import AuditEntry, AuditEvent, AuditQuery
from mailwright.model.authentication import LoginFailures, LoginProtocol, ThrottleScope
from mailwright.model.domains import Domain, DomainSummary
from mailwright.model.events import Event
from mailwright.model.mailboxes import Mailbox, MailboxQuery, NewMailbox
from mailwright.model.sessions import Session, SessionRealm


class Clock(Protocol):
    """Source of the current time (``SystemClock`` in production, ``FakeClock`` in tests)."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class EventHub(Protocol):
    """Tells live sessions about changes (in-process now; PostgreSQL NOTIFY across nodes)."""

    def publish(self, event: Event) -> None:
        """Deliver ``event`` to every subscriber (after the change is committed)."""
        ...


class DomainRepository(Protocol):
    """Hosted mail domains."""

    async def add(
        self,
        name: str,
        *,
        it_notification_address: str | None,
        default_quota_bytes: int | None,
        created_at: datetime,
    ) -> Domain:
        """Store a new domain. Raises: Conflict when the name exists."""
        ...

    async def find_by_name(self, name: str) -> Domain | None:
        """The domain called ``name``, or None."""
        ...

    async def find_by_id(self, domain_id: int) -> Domain | None:
        """The domain with this id, or None."""
        ...

    async def list_all(self) -> list[DomainSummary]:
        """Every domain with its mailbox and alias counts, by name."""
        ...

    async def update(self, domain: Domain) -> Domain:
        """Write the domain's mutable fields. Raises: NotFound."""
        ...

    async def delete(self, domain_id: int) -> None:
        """Remove the domain row. Raises: NotFound."""
        ...


class MailboxRepository(Protocol):
    """Mailboxes and their credential state."""

    async def add(self, new: NewMailbox) -> Mailbox:
        """Store a mailbox, its first password in the history included.

        Raises: Conflict when the address exists.
        """
        ...

    async def add_many(self, new: Sequence[NewMailbox]) -> int:
        """Store many mailboxes at once (import), like ``add``.

        Raises: Conflict when an address exists.
        """
        ...

    async def find_by_address(self, address: str) -> Mailbox | None:
        """The mailbox at ``address``, or None."""
        ...

    async def find_by_id(self, mailbox_id: int) -> Mailbox | None:
        """The mailbox with this id, or None."""
        ...

    async def list_page(self, query: MailboxQuery) -> list[Mailbox]:
        """One page of mailboxes matching the query."""
        ...

    async def count(self, query: MailboxQuery) -> int:
        """How many mailboxes match the query's filters (paging ignored)."""
        ...

    async def existing_addresses(self, addresses: Sequence[str]) -> set[str]:
        """Which of ``addresses`` are mailboxes already."""
        ...

    async def update(self, mailbox: Mailbox) -> Mailbox:
        """Write the mailbox's mutable fields. Raises: NotFound."""
        ...

    async def delete(self, mailbox_id: int) -> None:
        """Remove the mailbox and its password history. Raises: NotFound."""
        ...

    async def record_login(self, mailbox_id: int, protocol: LoginProtocol, at: datetime) -> None:
        """Remember the time of the last successful login over ``protocol``."""
        ...

    async def add_password_history(
        self, mailbox_id: int, password_hash: str, at: datetime, keep: int
    ) -> None:
        """Append a hash to the mailbox's history and keep only the newest ``keep``."""
        ...

    async def list_password_history(self, mailbox_id: int) -> list[str]:
        """The remembered hashes, newest first."""
        ...


class AliasRepository(Protocol):
    """Aliases and catch-alls."""

    async def add(
        self, domain_id: int, source: str, destinations: Sequence[str], created_at: datetime
    ) -> Alias:
        """Store an alias. Raises: Conflict when the source exists."""
        ...

    async def find_by_source(self, source: str) -> Alias | None:
        """The alias with this source address (or ``@domain`` catch-all), or None."""
        ...

    async def list_all(self, domains: frozenset[str] | None = None) -> list[Alias]:
        """Aliases, optionally only of the named domains, by source."""
        ...

    async def list_for_destination(self, destination: str) -> list[Alias]:
        """Aliases delivering to ``destination``."""
        ...

    async def delete(self, alias_id: int) -> None:
        """Remove an alias. Raises: NotFound."""
        ...


class AdminRepository(Protocol):
    """Role grants of the admin center."""

    async def add(
        self, address: str, role: Role, domains: frozenset[str], created_at: datetime
    ) -> Admin:
        """Grant a role. Raises: Conflict when the address holds a role already."""
        ...

    async def find_by_address(self, address: str) -> Admin | None:
        """The grant held by ``address``, or None."""
        ...

    async def list_all(self) -> list[Admin]:
        """Every grant, by address."""
        ...

    async def delete(self, admin_id: int) -> None:
        """Revoke a grant. Raises: NotFound."""
        ...


class AuditRepository(Protocol):
    """The append-only audit log."""

    async def add(self, entry: AuditEntry) -> AuditEvent:
        """Append an event."""
        ...

    async def list_events(self, query: AuditQuery) -> list[AuditEvent]:
        """Events matching the query, newest first."""
        ...


class ThrottleRepository(Protocol):
    """Failed-login counters per address and per source address."""

    async def find(self, scope: ThrottleScope, key: str) -> LoginFailures | None:
        """The counter, or None when there were no recent failures."""
        ...

    async def save(self, failures: LoginFailures) -> None:
        """Create or replace the counter."""
        ...

    async def clear(self, scope: ThrottleScope, key: str) -> None:
        """Forget the counter (after a successful login)."""
        ...


class SessionRepository(Protocol):
    """Web sign-in sessions (only the digest of each cookie token is stored)."""

    async def add(
        self,
        token_digest: str,
        realm: SessionRealm,
        address: str,
        *,
        created_at: datetime,
        expires_at: datetime,
        source: str,
        user_agent: str,
    ) -> Session:
        """Store a new session."""
        ...

    async def find_by_digest(self, token_digest: str) -> Session | None:
        """The session whose token has this digest, or None."""
        ...

    async def find_by_id(self, session_id: int) -> Session | None:
        """The session with this id, or None."""
        ...

    async def touch(self, session_id: int, at: datetime, expires_at: datetime) -> None:
        """Record activity and slide the expiry."""
        ...

    async def revoke(self, session_id: int, at: datetime) -> None:
        """End one session (no error when it is ended already)."""
        ...

    async def revoke_all(
        self,
        address: str,
        at: datetime,
        *,
        realm: SessionRealm | None = None,
        keep: int | None = None,
    ) -> int:
        """End every live session of ``address`` (optionally of one realm, sparing ``keep``);
        returns how many were ended."""
        ...

    async def list_live(self, address: str, realm: SessionRealm, now: datetime) -> list[Session]:
        """Live sessions of ``address`` in ``realm``, most recently used first."""
        ...


class ApiKeyRepository(Protocol):
    """API keys (only a keyed digest of each key is stored)."""

    async def add(
        self,
        *,
        prefix: str,
        digest: str,
        name: str,
        admin_address: str,
        scope: ApiKeyScope,
        sandbox: bool,
        domains: frozenset[str],
        created_at: datetime,
        created_by: str,
    ) -> ApiKey:
        """Store a key. Raises: Conflict when the prefix is taken."""
        ...

    async def find_by_prefix(self, prefix: str) -> ApiKey | None:
        """The key with this public prefix, or None."""
        ...

    async def list_keys(self, admin_address: str | None = None) -> list[ApiKey]:
        """Keys (of one admin, or all), newest first, revoked ones included."""
        ...

    async def touch(self, key_id: int, at: datetime) -> None:
        """Record a use."""
        ...

    async def revoke(self, key_id: int, at: datetime) -> None:
        """Revoke a key. Raises: NotFound when missing or revoked already."""
        ...


class Transaction(Protocol):
    """One unit of work: every repository shares one database transaction."""

    @property
    def domains(self) -> DomainRepository:
        """Mail domains."""
        ...

    @property
    def mailboxes(self) -> MailboxRepository:
        """Mailboxes."""
        ...

    @property
    def aliases(self) -> AliasRepository:
        """Aliases."""
        ...

    @property
    def admins(self) -> AdminRepository:
        """Admin grants."""
        ...

    @property
    def audit(self) -> AuditRepository:
        """The audit log."""
        ...

    @property
    def throttle(self) -> ThrottleRepository:
        """Failed-login counters."""
        ...

    @property
    def sessions(self) -> SessionRepository:
        """Web sessions."""
        ...

    @property
    def api_keys(self) -> ApiKeyRepository:
        """API keys."""
        ...


class Database(Protocol):
    """Opens transactions. Leaving the block commits; an exception rolls back."""

    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """A read-write transaction."""
        ...

    def snapshot(self) -> AbstractAsyncContextManager[Transaction]:
        """A read-only transaction (it is rolled back on exit)."""
        ...
