"""The account portal's use cases besides the password: the owner's own mailbox, their live
sessions, and the recovery address.

A new recovery address takes effect only when a link sent to it is followed, so nobody can
point recovery at an address they do not read (a typo) or, with a borrowed session, at their
own: asking needs the current password again (``ownership.confirm_password``), the current
recovery address is told, and the link is bound to the mailbox's password and recovery
address (``recovery_links``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from mailwright.model.actors import Actor
from mailwright.model.errors import InvalidInput, NotFound
from mailwright.model.interfaces import Clock, Database
from mailwright.model.mailboxes import Mailbox
from mailwright.model.recovery import LinkPurpose, LinkState
from mailwright.model.sessions import Session, SessionRealm
from mailwright.services.audit import AuditLog
from mailwright.services.authentication import Authenticator
from mailwright.services.mailboxes import parse_recovery_address
from mailwright.services.owner_mail import OwnerMail
from mailwright.services.ownership import confirm_password, require_owner
from mailwright.services.recovery_links import PresentedLink, RecoveryLinks

FIELD = "recovery_address"


@dataclass(frozen=True)
class PendingRecoveryAddress:
    """A requested recovery address, waiting for its confirmation link to be followed."""

    new_address: str
    expires_at: datetime
    notified: tuple[str, ...]
    notification_errors: tuple[str, ...]


class AccountService:
    """What a signed-in owner does to their own mailbox in the account portal."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        audit: AuditLog,
        authenticator: Authenticator,
        mail: OwnerMail,
        *,
        links: RecoveryLinks,
    ) -> None:
        self._db = database
        self._clock = clock
        self._audit = audit
        self._authenticator = authenticator
        self._mail = mail
        self._links = links

    async def mailbox(self, actor: Actor) -> Mailbox:
        """The actor's own mailbox. Raises: PermissionDenied (not an owner), NotFound."""
        key = require_owner(actor, actor.address or "")
        async with self._db.snapshot() as tx:
            mailbox = await tx.mailboxes.find_by_address(key)
        if mailbox is None:
            raise NotFound("This mailbox no longer exists.")
        return mailbox

    async def list_sessions(self, actor: Actor) -> list[Session]:
        """The owner's live web sessions (account portal and, for admins, admin center),
        most recently used first."""
        key = require_owner(actor, actor.address or "")
        now = self._clock.now()
        async with self._db.snapshot() as tx:
            found = [
                session
                for realm in SessionRealm
                for session in await tx.sessions.list_live(key, realm, now)
            ]
        return sorted(found, key=lambda s: s.last_seen_at, reverse=True)

    async def end_session(self, actor: Actor, session_id: int) -> None:
        """Sign out one of the owner's sessions. Raises: NotFound (not theirs, or over)."""
        key = require_owner(actor, actor.address or "")
        now = self._clock.now()
        async with self._db.transaction() as tx:
            session = await tx.sessions.find_by_id(session_id)
            if session is None or session.address != key or not session.is_live(now):
                raise NotFound("That session has ended already.")
            await tx.sessions.revoke(session.id, now)
            await self._audit.record(
                tx,
                actor,
                "account.session.end",
                key,
                details={"session_id": session.id, "realm": session.realm.value},
            )

    async def end_other_sessions(self, actor: Actor, keep_session_id: int) -> int:
        """Sign out every session of the owner but ``keep_session_id``; returns how many."""
        key = require_owner(actor, actor.address or "")
        async with self._db.transaction() as tx:
            ended = await tx.sessions.revoke_all(key, self._clock.now(), keep=keep_session_id)
            await self._audit.record(
                tx, actor, "account.session.end-others", key, details={"ended": ended}
            )
        return ended

    async def request_recovery_address(
        self, actor: Actor, address: str, current_password: str, new_address: str
    ) -> PendingRecoveryAddress:
        """Ask for a new recovery address: a confirmation link goes to it, and a notice to the
        current one. Nothing changes until the link is followed.

        Raises:
            InvalidInput: not an address, the mailbox itself, the recovery address already
                (field ``recovery_address``), or a wrong current password (field ``current``).
            RateLimited: too many wrong passwords. PermissionDenied: not the owner, disabled.
        """
        key = require_owner(actor, address)
        new = parse_recovery_address(new_address, key)
        if new is None:
            raise InvalidInput.for_field(FIELD, "Enter the new recovery address.")
        mailbox = await confirm_password(self._authenticator, actor, key, current_password)
        if mailbox.recovery_address == new:
            raise InvalidInput.for_field(FIELD, f"{new} is the recovery address already.")
        now = self._clock.now()
        async with self._db.transaction() as tx:
            token, link = await self._links.issue(
                tx,
                LinkPurpose.RECOVERY_ADDRESS,
                mailbox,
                recipient=new,
                now=now,
                source=actor.source,
            )
            await self._audit.record(
                tx,
                actor,
                "mailbox.recovery-address.request",
                mailbox.address,
                details={"new_address": new},
            )
        url = self._links.url(LinkPurpose.RECOVERY_ADDRESS, token)
        sent, failed = await self._mail.recovery_address_link(
            mailbox, new, url, source=actor.source, at=now
        )
        told, not_told = await self._mail.recovery_address_requested(
            mailbox, new, source=actor.source, at=now
        )
        return PendingRecoveryAddress(new, link.expires_at, sent + told, failed + not_told)

    async def present_recovery_address_link(self, token: str) -> PresentedLink:
        """What a recovery-address confirmation link is worth now."""
        async with self._db.snapshot() as tx:
            return await self._links.present(
                tx, token, LinkPurpose.RECOVERY_ADDRESS, self._clock.now()
            )

    async def confirm_recovery_address(self, token: str, source: str) -> Mailbox:
        """Follow a confirmation link: its address becomes the recovery address (which also
        ends every outstanding password-reset link sent to the old one).

        Raises:
            NotFound: the link is unknown, used, expired or stale (the message says which).
        """
        link, mailbox = (await self.present_recovery_address_link(token)).require_live()
        now = self._clock.now()
        async with self._db.transaction() as tx:
            current = await tx.mailboxes.find_by_id(link.mailbox_id)
            state = self._links.judge(link, current, now)
            if state is not LinkState.LIVE or current is None:
                raise NotFound(PresentedLink(state).message)
            if not await tx.recovery.use_link(link.id, now):
                raise NotFound(PresentedLink(LinkState.USED).message)
            updated = await tx.mailboxes.update(replace(current, recovery_address=link.recipient))
            await self._audit.record(
                tx,
                Actor.owner(mailbox.address, source),
                "mailbox.recovery-address.change",
                mailbox.address,
                details={"old_address": current.recovery_address, "new_address": link.recipient},
            )
        return updated
