"""Forgotten passwords: a single-use link to the recovery address, then a new password.

Threats handled here (see ``docs/self-service.md``):
- Enumeration: ``request_reset`` answers the same, in the same time, whether or not a mailbox
  exists at the address and has a recovery address. On the request path it only normalises
  the address, applies the rate limits and records the request: the same work for every
  address. Looking the mailbox up, issuing the link and sending it happen afterwards, in a
  background task, so neither the answer nor its timing depends on them.
- Flooding (a recovery address or the mail queue): requests are limited per address (counted
  on the address text, so the limit engages alike for addresses that exist and those that do
  not, and says nothing) and per client network address, each per rolling hour.
- Token theft and reuse: see ``recovery_links``. Using a link changes the password, which kills
  every other outstanding link of the mailbox too.
- A thief already inside: using a link ends every session of the mailbox, web sessions of both
  realms and (through ``CredentialsChanged``) IMAP sessions, and both the mailbox and its
  recovery address are told.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mailwright.model.actors import Actor
from mailwright.model.addresses import parse_address
from mailwright.model.errors import NotFound, RateLimited
from mailwright.model.events import CredentialsChanged
from mailwright.model.interfaces import Clock, Database, EventHub
from mailwright.model.mailboxes import Mailbox
from mailwright.model.recovery import LinkPurpose, LinkState
from mailwright.security.hashing_pool import HashingPool
from mailwright.security.policy import PolicyReport
from mailwright.services.audit import AuditLog
from mailwright.services.owner_mail import OwnerMail
from mailwright.services.passwords import PasswordService
from mailwright.services.recovery_links import MAX_SOURCE, PresentedLink, RecoveryLinks

log = logging.getLogger(__name__)

TOO_MANY_FROM_SOURCE = (
    "Too many reset requests from your network address. Try again in {minutes} minutes."
)
TOO_MANY_FOR_ADDRESS = (
    "Too many reset requests for this address. Try again in {minutes} minutes. "
    "Links sent earlier still work until they expire."
)


@dataclass(frozen=True)
class RecoveryLimits:
    """How many forgotten-password requests are accepted, per address and per source, in a
    rolling ``window``."""

    per_address: int = 3
    per_source: int = 10
    window: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class RecoveryResult:
    """What the owner is told after setting a password through a link."""

    mailbox: Mailbox
    sessions_ended: int
    notified: tuple[str, ...]
    notification_errors: tuple[str, ...]
    audit_event_id: int


class RecoveryService:
    """Forgotten-password requests, their links, and setting the new password."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        audit: AuditLog,
        events: EventHub,
        hashing: HashingPool,
        passwords: PasswordService,
        mail: OwnerMail,
        *,
        links: RecoveryLinks,
        limits: RecoveryLimits | None = None,
    ) -> None:
        self._db = database
        self._clock = clock
        self._audit = audit
        self._events = events
        self._hashing = hashing
        self._passwords = passwords
        self._mail = mail
        self._links = links
        self.limits = limits or RecoveryLimits()
        self._pending: set[asyncio.Task[None]] = set()

    @property
    def link_minutes(self) -> int:
        """How long a link lives, in minutes."""
        return int(self._links.lifetime.total_seconds() // 60)

    async def request_reset(self, address: str, source: str) -> None:
        """Accept a forgotten-password request for ``address`` from ``source``.

        When a mailbox exists there, is enabled and has a recovery address, a link is mailed
        to that address shortly after (in the background; ``settle`` waits for it).

        Raises:
            InvalidInput: the text is not an email address (field ``address``).
            RateLimited: too many requests from ``source`` or for ``address`` this hour.
        """
        key = str(parse_address(address))
        source = source[:MAX_SOURCE]
        now = self._clock.now()
        since = now - self.limits.window
        async with self._db.transaction() as tx:
            by_source = await tx.recovery.request_times(
                since=since, source=source, limit=self.limits.per_source
            )
            by_address = await tx.recovery.request_times(
                since=since, address=key, limit=self.limits.per_address
            )
            if len(by_source) >= self.limits.per_source:
                raise self._limited(TOO_MANY_FROM_SOURCE, by_source[0], now)
            if len(by_address) >= self.limits.per_address:
                raise self._limited(TOO_MANY_FOR_ADDRESS, by_address[0], now)
            await tx.recovery.forget_requests(since)
            await tx.recovery.add_request(key, source, now)
        self._spawn(self._send_link(key, source))

    def _limited(self, message: str, oldest: datetime, now: datetime) -> RateLimited:
        retry_after = max(1.0, (oldest + self.limits.window - now).total_seconds())
        return RateLimited(message.format(minutes=math.ceil(retry_after / 60)), retry_after)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def settle(self) -> None:
        """Wait until every link asked for so far is sent (tests; shutdown)."""
        while self._pending:
            await asyncio.gather(*list(self._pending))

    async def _send_link(self, address: str, source: str) -> None:
        try:
            await self._issue_and_mail(address, source)
        except Exception:  # the request was answered already; report here, never the token
            log.exception("could not send a password-reset link for %s", address)

    async def _issue_and_mail(self, address: str, source: str) -> None:
        async with self._db.snapshot() as tx:
            mailbox = await tx.mailboxes.find_by_address(address)
        if mailbox is None or mailbox.disabled or not mailbox.recovery_address:
            log.debug("no password-reset link sent for %s (nowhere to send it)", address)
            return
        recipient = mailbox.recovery_address
        now = self._clock.now()
        async with self._db.transaction() as tx:
            token, link = await self._links.issue(
                tx,
                LinkPurpose.PASSWORD_RESET,
                mailbox,
                recipient=recipient,
                now=now,
                source=source,
            )
            await self._audit.record(
                tx,
                Actor.owner(mailbox.address, source),
                "mailbox.password.recover-request",
                mailbox.address,
                details={"link_sent_to": recipient, "expires_at": link.expires_at.isoformat()},
            )
        url = self._links.url(LinkPurpose.PASSWORD_RESET, token)
        _, errors = await self._mail.reset_link(mailbox, recipient, url, source=source, at=now)
        for error in errors:
            log.warning("password-reset link for %s not sent: %s", mailbox.address, error)

    async def present_link(self, token: str) -> PresentedLink:
        """What a forgotten-password link is worth now (for the link's page)."""
        async with self._db.snapshot() as tx:
            return await self._links.present(
                tx, token, LinkPurpose.PASSWORD_RESET, self._clock.now()
            )

    async def check_password_for_link(self, token: str, password: str) -> PolicyReport:
        """The policy's verdict on ``password`` for the mailbox of a live link.

        Raises:
            NotFound: the link is not live (the message says why).
        """
        _, mailbox = (await self.present_link(token)).require_live()
        return await self._passwords.check_new_password(mailbox.address, password)

    async def reset_with_link(self, token: str, new_password: str, source: str) -> RecoveryResult:
        """Set a new password through a live forgotten-password link.

        One transaction marks the link used, writes the password (clearing must-change),
        ends every web session of the mailbox (both realms) and records the audit event
        ``mailbox.password.recover``. After the commit ``CredentialsChanged`` closes IMAP
        sessions, and the mailbox and its recovery address get a notice.

        Raises:
            NotFound: the link is unknown, used, expired or stale (the message says which).
            PasswordRejected: the policy refused the password; every reason is listed.
        """
        link, mailbox = (await self.present_link(token)).require_live()
        await self._passwords.validate_new_password(mailbox.address, new_password)
        new_hash = await self._hashing.hash(new_password)
        now = self._clock.now()
        actor = Actor.owner(mailbox.address, source[:MAX_SOURCE])
        async with self._db.transaction() as tx:
            # Judged again inside the transaction: the password may have changed meanwhile.
            current = await tx.mailboxes.find_by_id(link.mailbox_id)
            state = self._links.judge(link, current, now)
            if state is not LinkState.LIVE or current is None:
                raise NotFound(PresentedLink(state).message)
            if not await tx.recovery.use_link(link.id, now):
                raise NotFound(PresentedLink(LinkState.USED).message)
            mailbox = await self._passwords.write_password(
                tx, current, new_hash, must_change=False, now=now
            )
            ended = await tx.sessions.revoke_all(mailbox.address, now)
            event = await self._audit.record(
                tx,
                actor,
                "mailbox.password.recover",
                mailbox.address,
                details={"link_sent_to": link.recipient, "sessions_ended": ended},
            )
        self._events.publish(CredentialsChanged(mailbox.id, mailbox.address, "password recovery"))
        recipients = [mailbox.address, mailbox.recovery_address or ""]
        notified, errors = await self._mail.password_recovered(
            mailbox, recipients, source=actor.source, at=now
        )
        return RecoveryResult(mailbox, ended, notified, errors, event.id)
