"""Interfaces (Protocols) between services and the adapters below them.

Storage implements the repositories; services depend only on these names. Every repository
method runs inside the transaction that created the repository; nothing is visible to other
transactions before the transaction commits.

Verb contract (Django's): ``find_*`` returns ``X | None``; ``list_*`` returns a list; ``add``
returns the stored thing and raises ``Conflict`` when a unique name is taken; ``update`` and
``delete`` raise ``NotFound`` when the row is gone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from mailwright.model.admins import Admin, Role
from mailwright.model.aliases import Alias
from mailwright.model.api_keys import ApiKey, ApiKeyScope
from mailwright.model.audit import AuditEntry, AuditEvent, AuditQuery
from mailwright.model.authentication import LoginFailures, LoginProtocol, ThrottleScope
from mailwright.model.directory import DirectoryEntry
from mailwright.model.domains import Domain, DomainSummary
from mailwright.model.events import Event
from mailwright.model.mail_access import MessageEntry
from mailwright.model.mailboxes import Mailbox, MailboxQuery, NewMailbox
from mailwright.model.mailstore import BlobRef, Folder, FolderStatus, NewMessage, StoredMessage
from mailwright.model.message_events import EventQuery, MessageEvent, MessageRecord, UsageOwner
from mailwright.model.outbound import (
    Attempt,
    ClaimedRecipient,
    DeliveryEvent,
    DkimKey,
    EventKind,
    NewDeliveryEvent,
    Origin,
    QueuedMessage,
    QueuedRecipient,
    RecipientStatus,
    Suppression,
    SuppressionReason,
)
from mailwright.model.recovery import LinkPurpose, RecoveryLink
from mailwright.model.sending import (
    ApiMessage,
    ApiMessageQuery,
    IdempotencyRecord,
    NewApiMessage,
    Template,
)
from mailwright.model.sessions import Session, SessionRealm
from mailwright.model.usage import UsageRow
from mailwright.model.webhooks import (
    ClaimedWebhookDelivery,
    NewWebhookDelivery,
    PostResult,
    Webhook,
    WebhookDelivery,
    WebhookDeliveryStatus,
)


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

    async def add_many(self, new: Sequence[NewMailbox]) -> dict[str, int]:
        """Store many mailboxes at once (import), like ``add``; returns address -> id.

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

    async def add_used_bytes(self, mailbox_id: int, delta: int) -> None:
        """Change the mailbox's stored-bytes counter (quota) by ``delta``."""
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


class FolderRepository(Protocol):
    """IMAP folders of mailboxes."""

    async def add(
        self,
        mailbox_id: int,
        name: str,
        *,
        special_use: str | None,
        uidvalidity: int,
        created_at: datetime,
    ) -> Folder:
        """Create a folder. Raises: Conflict when the name exists in the mailbox."""
        ...

    async def add_defaults(self, mailbox_id: int, uidvalidity: int, created_at: datetime) -> None:
        """Create INBOX and the special-use folders of a new mailbox."""
        ...

    async def find(self, mailbox_id: int, name: str) -> Folder | None:
        """The folder called ``name`` (already normalised), or None."""
        ...

    async def find_by_id(self, folder_id: int) -> Folder | None:
        """The folder with this id, or None."""
        ...

    async def list_folders(self, mailbox_id: int) -> list[Folder]:
        """Every folder of the mailbox, by name."""
        ...

    async def rename(self, folder_id: int, name: str) -> None:
        """Rename one folder. Raises: Conflict, NotFound."""
        ...

    async def delete(self, folder_id: int) -> None:
        """Delete a folder and its message index rows. Raises: NotFound."""
        ...

    async def set_subscribed(self, folder_id: int, subscribed: bool) -> None:
        """Mark the folder (un)subscribed."""
        ...

    async def allocate(self, folder_id: int, count: int) -> tuple[int, int]:
        """Reserve ``count`` UIDs and a new modseq; returns (first UID, modseq).

        Holds the folder's write lock until commit, so UIDs are never duplicated.
        """
        ...

    async def next_modseq(self, folder_id: int) -> int:
        """Bump and return the folder's highest modseq (for flag changes, expunges)."""
        ...


class MessageRepository(Protocol):
    """The message index of folders."""

    async def add_many(
        self, folder_id: int, first_uid: int, modseq: int, new: Sequence[NewMessage]
    ) -> list[int]:
        """Insert messages with consecutive UIDs from ``first_uid``; returns the UIDs."""
        ...

    async def list_folder(self, folder_id: int) -> list[StoredMessage]:
        """Every message of the folder, by UID."""
        ...

    async def find_by_uids(self, folder_id: int, uids: Sequence[int]) -> list[StoredMessage]:
        """The messages with these UIDs (missing ones are skipped), by UID."""
        ...

    async def status(self, folder_id: int) -> FolderStatus:
        """Message count, unseen count and total size."""
        ...

    async def list_entries(self, folder_id: int) -> list[MessageEntry]:
        """Every message of the folder without its structure, by UID."""
        ...

    async def entries_since(self, folder_id: int, modseq: int) -> list[MessageEntry]:
        """Messages whose modseq is above ``modseq`` (new or changed), by UID."""
        ...

    async def entries_by_uids(self, folder_id: int, uids: Sequence[int]) -> list[MessageEntry]:
        """Entries of the messages with these UIDs (missing ones skipped), by UID."""
        ...

    async def list_uids(self, folder_id: int) -> list[int]:
        """Every UID in the folder, ascending."""
        ...

    async def count_below(self, folder_id: int, uid: int) -> int:
        """How many messages have a UID below ``uid``."""
        ...

    async def structures(self, folder_id: int, uids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The stored MIME structure JSON of these messages by UID (missing ones skipped)."""
        ...

    async def set_flags(
        self, folder_id: int, flags: Mapping[int, frozenset[str]], modseq: int
    ) -> None:
        """Replace the flags of messages (by UID) and give them ``modseq``."""
        ...

    async def delete_uids(self, folder_id: int, uids: Sequence[int]) -> None:
        """Remove the index rows of these messages (their bodies stay)."""
        ...

    async def move(
        self,
        source_folder_id: int,
        target_folder_id: int,
        renumber: Sequence[tuple[int, int]],
        modseq: int,
    ) -> None:
        """Move rows to another folder: each (old UID, new UID) pair, all with ``modseq``."""
        ...


class OutboundRepository(Protocol):
    """The outbound queue."""

    async def enqueue(
        self,
        message_id: str,
        *,
        blob: str,
        size: int,
        sender: str,
        origin: Origin,
        submitted_by: str,
        recipients: Sequence[str],
        created_at: datetime,
    ) -> None:
        """Queue a stored message for remote recipients."""
        ...

    async def find(self, message_id: str) -> QueuedMessage | None:
        """The queued message with its recipients, or None."""
        ...

    async def list_messages(
        self, statuses: Sequence[RecipientStatus] | None = None, limit: int = 100
    ) -> list[QueuedMessage]:
        """Queued messages (optionally with a recipient in one of ``statuses``), newest first."""
        ...

    async def retry_now(self, message_id: str, at: datetime) -> int:
        """Make the message's pending recipients due at ``at``; returns how many."""
        ...

    async def delete(self, message_id: str) -> None:
        """Remove the message and its recipients from the queue."""
        ...


class BlobStore(Protocol):
    """Immutable message bodies named by SHA-256. Blocking: call from a worker thread."""

    def put(self, data: bytes) -> BlobRef:
        """Store durably (file and directory fsynced) and return the reference."""
        ...

    def put_many(self, items: Sequence[bytes]) -> list[BlobRef]:
        """Store several durably with fewer flushes than one by one; references in order."""
        ...

    def read(self, digest: str) -> bytes:
        """The whole body. Raises: FileNotFoundError."""
        ...

    def read_range(self, digest: str, start: int, end: int) -> bytes:
        """Bytes ``start:end`` of the body."""
        ...

    def path(self, digest: str) -> Path:
        """The file of the body (for streaming)."""
        ...


class DirectoryRepository(Protocol):
    """Address lookups for mail routing."""

    async def lookup(self, address: str, domain: str) -> DirectoryEntry:
        """What exists at ``address`` (normalised) in ``domain``: mailbox and INBOX, alias,
        catch-all, and whether the domain is hosted."""
        ...


class DeliveryRepository(Protocol):
    """Delivery attempts of queued recipients and their events."""

    async def claim_due(
        self, now: datetime, *, owner: str, lease_until: datetime, limit: int
    ) -> list[ClaimedRecipient]:
        """Lease up to ``limit`` recipients that are due and not leased by a live worker
        (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so workers never take the same row)."""
        ...

    async def still_leased(self, owner: str, recipient_ids: Sequence[int]) -> set[int]:
        """Those of ``recipient_ids`` whose lease ``owner`` still holds, locked until the
        transaction ends (PostgreSQL: ``FOR UPDATE``; SQLite: the write transaction), so no
        other worker takes them over before their outcomes are written."""
        ...

    async def record_attempts(self, owner: str, attempts: Sequence[Attempt]) -> int:
        """Store attempts' outcomes and end their leases (one statement for all); returns
        how many were stored: a recipient whose lease ``owner`` lost is left alone."""
        ...

    async def release(self, recipient_ids: Sequence[int], owner: str) -> None:
        """Give leased recipients back without counting an attempt."""
        ...

    async def add_event(
        self,
        message_id: str,
        recipient: str,
        kind: EventKind,
        *,
        at: datetime,
        reply: str = "",
        remote_host: str = "",
    ) -> DeliveryEvent:
        """Append one delivery event."""
        ...

    async def add_events(self, events: Sequence[NewDeliveryEvent]) -> None:
        """Append delivery events (one statement for all)."""
        ...

    async def list_events(
        self,
        *,
        message_id: str | None = None,
        recipient: str | None = None,
        kinds: Sequence[EventKind] | None = None,
        after_id: int | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> list[DeliveryEvent]:
        """Events (of one message: oldest first; otherwise newest first unless ``after_id``)."""
        ...

    async def pending_count(self) -> int:
        """Recipients still waiting for delivery."""
        ...


class SuppressionRepository(Protocol):
    """Addresses never to send to."""

    async def add(
        self, address: str, reason: SuppressionReason, detail: str, at: datetime
    ) -> Suppression:
        """Suppress an address (keeping an existing entry)."""
        ...

    async def find(self, address: str) -> Suppression | None:
        """The entry for ``address``, or None."""
        ...

    async def find_many(self, addresses: Sequence[str]) -> set[str]:
        """Which of ``addresses`` are suppressed."""
        ...

    async def list_all(self, *, after: str | None = None, limit: int = 100) -> list[Suppression]:
        """Entries by address, after the cursor ``after``."""
        ...

    async def delete(self, address: str) -> bool:
        """Remove an entry; False when there was none."""
        ...


class DkimKeyRepository(Protocol):
    """DKIM signing keys per domain."""

    async def add(
        self,
        domain_id: int,
        *,
        selector: str,
        private_key_sealed: str,
        public_key: str,
        created_at: datetime,
    ) -> None:
        """Store a new key as the domain's active one (older keys become inactive)."""
        ...

    async def find_active(self, domain: str) -> DkimKey | None:
        """The key to sign with for ``domain``, or None."""
        ...

    async def list_for(self, domain: str) -> list[DkimKey]:
        """Every key of the domain, newest first."""
        ...


class RecoveryRepository(Protocol):
    """Recovery links (only a keyed digest of each token is stored) and the recovery
    requests that rate-limit them."""

    async def add_link(
        self,
        token_digest: str,
        purpose: LinkPurpose,
        *,
        mailbox_id: int,
        address: str,
        recipient: str,
        binding: str,
        created_at: datetime,
        expires_at: datetime,
        source: str,
    ) -> RecoveryLink:
        """Store a new link."""
        ...

    async def find_link(self, token_digest: str) -> RecoveryLink | None:
        """The link whose token has this digest, or None."""
        ...

    async def use_link(self, link_id: int, at: datetime) -> bool:
        """Mark the link used; False when it was used already (of two concurrent uses,
        exactly one gets True)."""
        ...

    async def forget_links(self, expired_before: datetime) -> int:
        """Delete links that expired before ``expired_before``; returns how many."""
        ...

    async def add_request(self, address: str, source: str, at: datetime) -> None:
        """Record one accepted recovery request."""
        ...

    async def request_times(
        self,
        *,
        since: datetime,
        address: str | None = None,
        source: str | None = None,
        limit: int = 100,
    ) -> list[datetime]:
        """When the requests after ``since`` (for one address and/or source) were made,
        oldest first."""
        ...

    async def forget_requests(self, before: datetime) -> int:
        """Delete requests made before ``before``; returns how many."""
        ...


class UsageRepository(Protocol):
    """Usage counters per month, API key and sender domain."""

    async def add(
        self,
        month: str,
        api_key_prefix: str,
        domain: str,
        *,
        accepted: int = 0,
        delivered: int = 0,
    ) -> None:
        """Add to a counter (creating it)."""
        ...

    async def list_rows(
        self,
        *,
        month: str | None = None,
        api_key_prefix: str | None = None,
        domain: str | None = None,
    ) -> list[UsageRow]:
        """Counters, newest month first."""
        ...


class MessageEventRepository(Protocol):
    """Delivery events joined with the API's message records, for searches, webhooks and
    message traces (read only)."""

    async def search(self, query: EventQuery) -> list[MessageEvent]:
        """Events matching ``query`` (see ``EventQuery`` for the order)."""
        ...

    async def latest_id(self) -> int:
        """The newest event id, 0 when there is none."""
        ...

    async def find_message(self, message_id: str) -> MessageRecord | None:
        """What the queue and the API's records know of a message, or None when neither
        knows it."""
        ...

    async def usage_owners(self, message_ids: Sequence[str]) -> dict[str, UsageOwner]:
        """API key and domain of those messages that were sent through the API."""
        ...


class WebhookRepository(Protocol):
    """Webhooks and the log of their deliveries."""

    async def add(
        self,
        *,
        url: str,
        description: str,
        secret_sealed: str,
        events: frozenset[EventKind],
        cursor: int,
        created_at: datetime,
        created_by: str,
    ) -> Webhook:
        """Store a new, active webhook."""
        ...

    async def find(self, webhook_id: int) -> Webhook | None:
        """One webhook, or None."""
        ...

    async def list_all(self) -> list[Webhook]:
        """Every webhook, oldest first."""
        ...

    async def update(
        self,
        webhook_id: int,
        *,
        url: str,
        description: str,
        events: frozenset[EventKind],
        active: bool,
        cursor: int,
    ) -> None:
        """Change a webhook. Raises: NotFound."""
        ...

    async def delete(self, webhook_id: int) -> bool:
        """Delete a webhook and its delivery log; False when there was none."""
        ...

    async def lock_behind(self, event_id: int) -> list[Webhook]:
        """Lock the active webhooks whose cursor is before ``event_id`` and that no other
        transaction holds (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so two dispatchers never
        hand the same event to a webhook twice)."""
        ...

    async def set_cursor(self, webhook_id: int, cursor: int) -> None:
        """Move a webhook's cursor."""
        ...

    async def add_deliveries(self, deliveries: Sequence[NewWebhookDelivery]) -> list[int]:
        """Store deliveries (pending); returns their ids in order."""
        ...

    async def find_delivery(self, delivery_id: int) -> WebhookDelivery | None:
        """One delivery, or None."""
        ...

    async def check_due(self, now: datetime) -> bool:
        """True when a pending delivery of an active webhook is due."""
        ...

    async def claim_due(
        self, now: datetime, *, lease_until: datetime, limit: int
    ) -> list[ClaimedWebhookDelivery]:
        """Claim up to ``limit`` due deliveries of active webhooks: each counts one more
        attempt and is not due again before ``lease_until`` (PostgreSQL: ``FOR UPDATE SKIP
        LOCKED``, so dispatchers never take the same row)."""
        ...

    async def record(
        self,
        delivery_id: int,
        *,
        attempts: int,
        status: WebhookDeliveryStatus,
        result: PostResult,
        next_attempt_at: datetime | None,
        delivered_at: datetime | None,
    ) -> bool:
        """Store an attempt's outcome, unless the delivery has been claimed again since (its
        attempts differ from ``attempts``); False then."""
        ...

    async def list_deliveries(
        self,
        webhook_id: int,
        *,
        status: WebhookDeliveryStatus | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> list[WebhookDelivery]:
        """A webhook's deliveries, newest first, before the cursor ``before_id``."""
        ...


class WebhookPoster(Protocol):
    """Sends one webhook request (``delivery.webhooks.HttpWebhookPoster``)."""

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> PostResult:
        """POST ``body`` to ``url``; never raises for network trouble or a refused target
        (the result says what happened)."""
        ...


class ApiMessageRepository(Protocol):
    """Records of messages sent through the API, with their queue entries."""

    async def add_many(self, messages: Sequence[NewApiMessage]) -> list[list[int]]:
        """Store accepted messages: the API record, the queue entry, every recipient (with
        its first status) and its first event. Returns the recipient ids of each message, in
        the order given."""
        ...

    async def find(self, message_id: str) -> ApiMessage | None:
        """The record of one message, or None."""
        ...

    async def list_page(self, query: ApiMessageQuery) -> list[ApiMessage]:
        """Messages matching the query, newest first."""
        ...

    async def recipients(self, message_ids: Sequence[str]) -> dict[str, list[QueuedRecipient]]:
        """The queued recipients of each message (by message id, each list by id)."""
        ...


class IdempotencyRepository(Protocol):
    """Stored answers to requests made with an ``Idempotency-Key``."""

    async def find(self, api_key_prefix: str, key: str) -> IdempotencyRecord | None:
        """The record of a key (expired or not), or None."""
        ...

    async def add(self, record: IdempotencyRecord) -> bool:
        """Store a record; False (and nothing stored) when the key has one already."""
        ...

    async def delete_expired(
        self, now: datetime, *, api_key_prefix: str | None = None, key: str | None = None
    ) -> int:
        """Forget records expired at ``now`` (optionally only one key's); returns how many."""
        ...


class TemplateRepository(Protocol):
    """Versioned message templates."""

    async def add(
        self,
        name: str,
        *,
        subject: str,
        text: str | None,
        html: str | None,
        created_at: datetime,
        created_by: str,
    ) -> Template:
        """Store the next version of ``name`` (1 for a new name).

        Raises: Conflict when another version was stored at the same moment.
        """
        ...

    async def find(self, name: str, version: int | None = None) -> Template | None:
        """One version (None: the newest), or None."""
        ...

    async def list_latest(self, *, after: str | None = None, limit: int = 100) -> list[Template]:
        """The newest version of each template, by name, after the name ``after``."""
        ...

    async def list_versions(self, name: str) -> list[Template]:
        """Every version of ``name``, newest first."""
        ...

    async def delete(self, name: str, version: int | None = None) -> int:
        """Delete one version (None: all of them); returns how many rows went."""
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

    @property
    def folders(self) -> FolderRepository:
        """IMAP folders."""
        ...

    @property
    def messages(self) -> MessageRepository:
        """The message index."""
        ...

    @property
    def outbound(self) -> OutboundRepository:
        """The outbound queue."""
        ...

    @property
    def directory(self) -> DirectoryRepository:
        """Address lookups for routing."""
        ...

    @property
    def delivery(self) -> DeliveryRepository:
        """Delivery attempts and events."""
        ...

    @property
    def suppressions(self) -> SuppressionRepository:
        """The suppression list."""
        ...

    @property
    def dkim_keys(self) -> DkimKeyRepository:
        """DKIM keys."""
        ...

    @property
    def usage(self) -> UsageRepository:
        """Usage counters."""
        ...

    @property
    def recovery(self) -> RecoveryRepository:
        """Recovery links and requests."""
        ...

    @property
    def api_messages(self) -> ApiMessageRepository:
        """Records of API messages."""
        ...

    @property
    def idempotency(self) -> IdempotencyRepository:
        """Idempotency keys and their stored answers."""
        ...

    @property
    def templates(self) -> TemplateRepository:
        """Message templates."""
        ...

    @property
    def message_events(self) -> MessageEventRepository:
        """Delivery events with their API message records."""
        ...

    @property
    def webhooks(self) -> WebhookRepository:
        """Webhooks and their delivery logs."""
        ...


class Database(Protocol):
    """Opens transactions. Leaving the block commits; an exception rolls back."""

    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """A read-write transaction."""
        ...

    def snapshot(self) -> AbstractAsyncContextManager[Transaction]:
        """A read-only transaction (it is rolled back on exit)."""
        ...

    def read(self) -> AbstractAsyncContextManager[Transaction]:
        """Reads outside any transaction, each statement on its own (cheapest; for single
        lookups)."""
        ...
