"""Password changes: ``reset_password`` (by an admin), ``change_password`` (by the owner) and
the policy check behind both.

A reset applies at once and completely, in one transaction: new hash, must-change flag, time of
change, history, audit event. After the commit, live sessions of the mailbox are told to end
and the notices go out. The plaintext password exists only in this call's memory.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from mailwright.model.actors import Actor
from mailwright.model.audit import Outcome
from mailwright.model.domains import Domain
from mailwright.model.errors import (
    Conflict,
    InvalidInput,
    MailwrightError,
    NotFound,
    PasswordRejected,
    PermissionDenied,
    Unavailable,
)
from mailwright.model.events import CredentialsChanged
from mailwright.model.interfaces import Clock, Database, EventHub, Transaction
from mailwright.model.mailboxes import Mailbox
from mailwright.model.text import parse_line
from mailwright.security.generator import generate_password
from mailwright.security.hashing_pool import HashingPool
from mailwright.security.policy import PolicyReport, PolicySettings, check_password
from mailwright.services.audit import AuditLog
from mailwright.services.authentication import Authenticator, address_key
from mailwright.services.authorization import require_reset
from mailwright.services.notifications import NotificationService, ResetNotice
from mailwright.services.owner_mail import OwnerMail
from mailwright.services.ownership import confirm_password, require_owner
from mailwright.telemetry import PASSWORD_RESETS

HISTORY_REASON = "It is one of the last {n} passwords of this mailbox."


@dataclass(frozen=True)
class ResetResult:
    """What a caller reports after a reset.

    ``generated_password`` is set only when Mailwright generated the password; show it once and
    forget it.
    """

    mailbox: Mailbox
    generated_password: str | None
    must_change: bool
    notified: tuple[str, ...]
    notification_errors: tuple[str, ...]
    audit_event_id: int


@dataclass(frozen=True)
class ChangeResult:
    """What the owner is told after changing their password."""

    mailbox: Mailbox
    notified: tuple[str, ...]
    notification_errors: tuple[str, ...]
    audit_event_id: int


class PasswordService:
    """Policy checks, password resets and the owners' own changes."""

    def __init__(
        self,
        database: Database,
        hashing: HashingPool,
        clock: Clock,
        audit: AuditLog,
        events: EventHub,
        *,
        policy: PolicySettings,
        notifications: NotificationService | None = None,
        authenticator: Authenticator | None = None,
        owner_mail: OwnerMail | None = None,
    ) -> None:
        self._db = database
        self._hashing = hashing
        self._clock = clock
        self._audit = audit
        self._events = events
        self.policy = policy
        self._notifications = notifications
        self._authenticator = authenticator
        self._owner_mail = owner_mail

    def settings_for(self, domain: Domain | None) -> PolicySettings:
        """The policy in force for mailboxes of ``domain``."""
        if domain is None:
            return self.policy
        return self.policy.stricter(domain.password_min_length, domain.password_min_score)

    async def check_new_password(
        self,
        address: str,
        password: str,
        display_name: str | None = None,
        *,
        history: bool = True,
    ) -> PolicyReport:
        """Check ``password`` as a new password for the mailbox at ``address``: every rule,
        the history included (unless ``history`` is False). For a mailbox that does not exist
        yet, the domain's policy and the address's local part are used."""
        key = address_key(address)
        async with self._db.snapshot() as tx:
            mailbox = await tx.mailboxes.find_by_address(key)
            domain = await tx.domains.find_by_name(key.rpartition("@")[2])
            hashes = await tx.mailboxes.list_password_history(mailbox.id) if mailbox else []
        name = (
            display_name if display_name is not None else (mailbox.display_name if mailbox else "")
        )
        settings = self.settings_for(domain)
        report = check_password(
            password, settings, local_part=key.rpartition("@")[0], display_name=name
        )
        recent = hashes[: settings.history]
        if history and mailbox and recent and await self._hashing.matches_any(recent, password):
            reason = HISTORY_REASON.format(n=settings.history)
            report = PolicyReport((*report.reasons, reason), report.score, report.strength)
        return report

    async def validate_new_password(
        self,
        address: str,
        password: str,
        display_name: str | None = None,
        *,
        history: bool = True,
    ) -> None:
        """Raises: PasswordRejected with every reason, when the policy refuses ``password``."""
        report = await self.check_new_password(address, password, display_name, history=history)
        if not report.ok:
            raise PasswordRejected(report.reasons)

    async def reset_password(
        self,
        actor: Actor,
        address: str,
        new_password: str | None,
        *,
        must_change: bool,
        reason: str,
        notify: bool,
    ) -> ResetResult:
        """Set a new password for the mailbox at ``address`` on behalf of ``actor``.

        Args:
            new_password: the new password, or None to generate one (returned once in the
                result).
            must_change: require the owner to choose their own password at next sign-in.
            reason: why (a ticket number, say); kept in the audit log and the notices.
            notify: also notify the mailbox owner's recovery address (the domain's IT address
                is always notified when set).

        Raises:
            NotFound: no such mailbox.
            PermissionDenied: the actor's role or scope does not allow it (audited).
            PasswordRejected: the policy refused the password; every reason is listed.
        """
        try:
            result = await self._reset(actor, address, new_password, must_change, reason, notify)
        except MailwrightError as error:
            PASSWORD_RESETS.labels(outcome=error.kind).inc()
            raise
        PASSWORD_RESETS.labels(outcome="success").inc()
        return result

    async def _reset(
        self,
        actor: Actor,
        address: str,
        new_password: str | None,
        must_change: bool,
        reason: str,
        notify: bool,
    ) -> ResetResult:
        reason = parse_reason(reason)
        mailbox, domain = await self._load_for_reset(actor, address)
        generated = new_password is None
        password = generate_password() if new_password is None else new_password
        if not generated:
            await self.validate_new_password(mailbox.address, password)
        new_hash = await self._hashing.hash(password)
        now = self._clock.now()
        async with self._db.transaction() as tx:
            current = await tx.mailboxes.find_by_id(mailbox.id)
            if current is None:
                raise NotFound(f"The mailbox {mailbox.address} does not exist.")
            mailbox = await tx.mailboxes.update(
                replace(
                    current,
                    password_hash=new_hash,
                    must_change=must_change,
                    password_changed_at=now,
                )
            )
            await tx.mailboxes.add_password_history(
                mailbox.id, new_hash, now, keep=max(self.policy.history, 1)
            )
            event = await self._audit.record(
                tx,
                actor,
                "mailbox.password.reset",
                mailbox.address,
                reason=reason,
                details={"must_change": must_change, "generated": generated, "notify": notify},
            )
        self._events.publish(CredentialsChanged(mailbox.id, mailbox.address, "password reset"))
        notified, errors = await self._notify(actor, mailbox, domain, reason, must_change, notify)
        return ResetResult(
            mailbox, password if generated else None, must_change, notified, errors, event.id
        )

    async def change_password(
        self, actor: Actor, address: str, current_password: str, new_password: str
    ) -> ChangeResult:
        """The owner's own change of password (the account portal).

        The current password is confirmed first (throttled like a login), then the new one
        must pass the policy, the history included. One transaction writes the new hash, clears
        the must-change flag, records the time and the history, and the audit event
        ``mailbox.password.change``. After the commit ``CredentialsChanged`` ends every IMAP
        and web session of the mailbox (the portal starts a fresh one for the browser that made
        the change), and a notice goes to the recovery address.

        Raises:
            PermissionDenied: the actor is not the mailbox's owner, or the mailbox is disabled.
            InvalidInput: the current password is wrong (field ``current``) or the new one is
                empty.
            RateLimited: too many wrong current passwords (the login throttle).
            PasswordRejected: the policy refused the new password; every reason is listed.
            Conflict: the password was reset while this change was being made.
            Unavailable: no authenticator is wired in.
        """
        key = require_owner(actor, address)
        if self._authenticator is None:
            raise Unavailable("Password changes are not available here.")
        if not new_password:
            raise InvalidInput.for_field("password", "Enter a new password.")
        confirmed = await confirm_password(self._authenticator, actor, key, current_password)
        await self.validate_new_password(confirmed.address, new_password)
        new_hash = await self._hashing.hash(new_password)
        now = self._clock.now()
        async with self._db.transaction() as tx:
            current = await tx.mailboxes.find_by_id(confirmed.id)
            # The password confirmed above must still be the one in force (no reset meanwhile).
            if current is None or current.password_hash != confirmed.password_hash:
                raise Conflict("The password was changed meanwhile. Sign in again.")
            mailbox = await self.write_password(tx, current, new_hash, must_change=False, now=now)
            event = await self._audit.record(
                tx,
                actor,
                "mailbox.password.change",
                mailbox.address,
                details={"was_required": current.must_change},
            )
        self._events.publish(CredentialsChanged(mailbox.id, mailbox.address, "password change"))
        notified: tuple[str, ...] = ()
        errors: tuple[str, ...] = ()
        if self._owner_mail is not None:
            notified, errors = await self._owner_mail.password_changed(
                mailbox, source=actor.source, at=now
            )
        return ChangeResult(mailbox, notified, errors, event.id)

    async def write_password(
        self,
        tx: Transaction,
        current: Mailbox,
        password_hash: str,
        *,
        must_change: bool,
        now: datetime,
    ) -> Mailbox:
        """Write a new password hash in ``tx``: the hash, the must-change flag, the time of the
        change and the history (for changes made by other services, e.g. recovery)."""
        mailbox = await tx.mailboxes.update(
            replace(
                current,
                password_hash=password_hash,
                must_change=must_change,
                password_changed_at=now,
            )
        )
        await tx.mailboxes.add_password_history(
            mailbox.id, password_hash, now, keep=max(self.policy.history, 1)
        )
        return mailbox

    async def _load_for_reset(self, actor: Actor, address: str) -> tuple[Mailbox, Domain]:
        key = address_key(address)
        async with self._db.snapshot() as tx:
            mailbox = await tx.mailboxes.find_by_address(key)
            admin = await tx.admins.find_by_address(key)
            domain = await tx.domains.find_by_id(mailbox.domain_id) if mailbox else None
        if mailbox is None or domain is None:
            if not actor.covers(key.rpartition("@")[2]):
                raise PermissionDenied("You may not reset passwords in that domain.")
            raise NotFound(f"There is no mailbox {key}.")
        try:
            require_reset(actor, mailbox.address, domain.name, admin)
        except PermissionDenied as denied:
            await self._audit.record_alone(
                actor,
                "mailbox.password.reset",
                mailbox.address,
                outcome=Outcome.DENIED,
                reason=denied.message,
            )
            raise
        return mailbox, domain

    async def _notify(
        self,
        actor: Actor,
        mailbox: Mailbox,
        domain: Domain,
        reason: str,
        must_change: bool,
        notify_owner: bool,
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if self._notifications is None:
            return (), ()
        recipients = []
        if notify_owner and mailbox.recovery_address:
            recipients.append(mailbox.recovery_address)
        if domain.it_notification_address:
            recipients.append(domain.it_notification_address)
        if not recipients:
            return (), ()
        notice = ResetNotice(
            mailbox=mailbox.address,
            display_name=mailbox.display_name,
            actor=actor.name,
            source=actor.source,
            at=self._clock.now(),
            reason=reason,
            must_change=must_change,
        )
        return await self._notifications.password_reset(notice, recipients)


def parse_reason(reason: str) -> str:
    """Normalise a reset reason. Raises: InvalidInput when too long or not plain text."""
    return parse_line(reason, "reason", max_length=500)
