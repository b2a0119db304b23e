"""Web sign-in sessions: the admin center now, the mailbox owners' account portal later.

A session is a row in ``sessions``; the browser holds only a random token in a cookie.

Threats handled here:
- A copied database: only a keyed digest of each token is stored (``security.tokens``), so the
  rows cannot be turned back into cookies.
- Guessing: sign-in goes through ``Authenticator.authenticate`` and so is throttled per address
  and per source exactly like IMAP and SMTP logins.
- Forgotten or stolen sessions: an idle timeout (sliding) and an absolute lifetime bound every
  session; sign-out revokes it; a password reset, a disabled or removed mailbox
  (``CredentialsChanged``) or a withdrawn admin grant ends every session of that address.
  Each resume also compares the session with the mailbox's time of last password change, so a
  reset ends sessions even before the revocation reaches the database.
- Cross-site request forgery: the CSRF token of a session is an HMAC of its token under a key
  of its own, so it is bound to the session, needs no storage, and is worthless without the
  cookie. The sign-in form, which has no session yet, is bound to a short-lived pre-session
  cookie the same way (login CSRF).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from mailwright.model.actors import Actor
from mailwright.model.admins import Admin
from mailwright.model.authentication import AuthOutcome, LoginProtocol
from mailwright.model.events import CredentialsChanged, Event
from mailwright.model.interfaces import Clock, Database
from mailwright.model.sessions import Session, SessionRealm
from mailwright.security.tokens import check_token, new_token, token_digest
from mailwright.services.audit import AuditLog
from mailwright.services.authentication import Authenticator, address_key

log = logging.getLogger(__name__)

_PROTOCOLS = {SessionRealm.ADMIN: LoginProtocol.ADMIN, SessionRealm.ACCOUNT: LoginProtocol.ACCOUNT}
# Domain separation between the two kinds of CSRF token derived from the same key.
_SESSION_LABEL = "session:"
_SIGN_IN_LABEL = "sign-in:"
MAX_SOURCE = 64


@dataclass(frozen=True)
class SessionPolicy:
    """How long sessions live.

    Attributes:
        idle: a session unused this long ends (sliding: each use extends it).
        lifetime: no session lives longer than this after sign-in, however busy.
        touch_every: activity is written at most this often, so browsing is not a stream of
            writes; the idle timeout is therefore exact to within this resolution.
    """

    idle: timedelta = timedelta(minutes=30)
    lifetime: timedelta = timedelta(hours=12)
    touch_every: timedelta = timedelta(seconds=60)


class SignInRefusal(StrEnum):
    """Why a sign-in did not start a session."""

    BAD_CREDENTIALS = "bad-credentials"
    THROTTLED = "throttled"
    MUST_CHANGE = "must-change"
    DISABLED = "disabled"
    NOT_ADMIN = "not-admin"


# MUST_CHANGE, DISABLED and NOT_ADMIN are only answered to a correct password, so these words
# tell nothing to someone guessing (see services.authentication).
REFUSAL_MESSAGES = {
    SignInRefusal.BAD_CREDENTIALS: "The email address or password is not correct.",
    SignInRefusal.THROTTLED: "Too many failed sign-ins. Try again in {seconds} seconds.",
    SignInRefusal.MUST_CHANGE: (
        "The password of this mailbox must be changed before it can be used. Choose a new "
        "password in the account portal at /account/, then sign in here."
    ),
    SignInRefusal.DISABLED: "This mailbox is disabled.",
    SignInRefusal.NOT_ADMIN: "This mailbox holds no admin role.",
}


@dataclass(frozen=True)
class SignInResult:
    """A started session (``token`` for the cookie), or why there is none."""

    token: str | None = None
    session: Session | None = None
    admin: Admin | None = None
    refusal: SignInRefusal | None = None
    message: str = ""
    retry_after: float = 0.0

    @property
    def ok(self) -> bool:
        """True when a session was started."""
        return self.token is not None


@dataclass(frozen=True)
class WebSession:
    """A live session, resumed from its cookie.

    Attributes:
        admin: the admin grant in force (admin realm only).
        csrf_token: what every form and script of this session must send back.
    """

    session: Session
    admin: Admin | None
    csrf_token: str

    @property
    def address(self) -> str:
        """The signed-in mailbox."""
        return self.session.address

    def actor(self, source: str) -> Actor:
        """The actor for service calls made in this session from ``source``."""
        if self.admin is not None:
            return Actor.for_admin(self.admin, source)
        return Actor.owner(self.session.address, source)


class WebSessionService:
    """Signs in, resumes, and ends web sessions of one or more realms."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        authenticator: Authenticator,
        audit: AuditLog,
        *,
        session_key: bytes,
        csrf_key: bytes,
        policy: SessionPolicy | None = None,
    ) -> None:
        self._db = database
        self._clock = clock
        self._authenticator = authenticator
        self._audit = audit
        self._session_key = session_key
        self._csrf_key = csrf_key
        self.policy = policy or SessionPolicy()
        self._pending: set[asyncio.Task[None]] = set()

    async def sign_in(
        self,
        realm: SessionRealm,
        address: str,
        password: str,
        *,
        source: str,
        user_agent: str = "",
    ) -> SignInResult:
        """Check the credentials (throttled) and, when they open ``realm``, start a session.

        The admin realm needs an admin grant and refuses a mailbox that must change its
        password (that happens in the account portal); the account realm lets such a mailbox
        in, so its owner can choose a new password.
        """
        result = await self._authenticator.authenticate(
            address, password, _PROTOCOLS[realm], source
        )
        outcome = result.outcome
        if outcome is AuthOutcome.THROTTLED:
            seconds = max(1, round(result.retry_after))
            message = REFUSAL_MESSAGES[SignInRefusal.THROTTLED].format(seconds=seconds)
            return SignInResult(
                refusal=SignInRefusal.THROTTLED, message=message, retry_after=result.retry_after
            )
        refusal = {
            AuthOutcome.BAD_CREDENTIALS: SignInRefusal.BAD_CREDENTIALS,
            AuthOutcome.DISABLED: SignInRefusal.DISABLED,
        }.get(outcome)
        if outcome is AuthOutcome.MUST_CHANGE and realm is SessionRealm.ADMIN:
            refusal = SignInRefusal.MUST_CHANGE
        if refusal is not None or result.mailbox is None:
            refusal = refusal or SignInRefusal.BAD_CREDENTIALS
            return SignInResult(refusal=refusal, message=REFUSAL_MESSAGES[refusal])
        mailbox_address = result.mailbox.address
        admin = None
        if realm is SessionRealm.ADMIN:
            async with self._db.snapshot() as tx:
                admin = await tx.admins.find_by_address(mailbox_address)
            if admin is None:
                refusal = SignInRefusal.NOT_ADMIN
                return SignInResult(refusal=refusal, message=REFUSAL_MESSAGES[refusal])
        return await self._start(realm, mailbox_address, admin, source, user_agent)

    async def _start(
        self, realm: SessionRealm, address: str, admin: Admin | None, source: str, agent: str
    ) -> SignInResult:
        token = new_token()
        now = self._clock.now()
        actor = (
            Actor.for_admin(admin, source) if admin is not None else Actor.owner(address, source)
        )
        async with self._db.transaction() as tx:
            session = await tx.sessions.add(
                token_digest(self._session_key, token),
                realm,
                address,
                created_at=now,
                expires_at=self._expiry(now, now),
                source=source[:MAX_SOURCE],
                user_agent=agent,
            )
            await self._audit.record(tx, actor, f"{realm.value}.sign-in", address)
        return SignInResult(token=token, session=session, admin=admin)

    def _expiry(self, created_at: datetime, used_at: datetime) -> datetime:
        return min(used_at + self.policy.idle, created_at + self.policy.lifetime)

    async def resume(self, realm: SessionRealm, token: str) -> WebSession | None:
        """The live session of ``realm`` whose cookie holds ``token``, or None.

        Slides the idle timeout. A session whose mailbox is gone, disabled, or had its password
        changed after sign-in, or (admin realm) whose admin grant is gone, is revoked here.
        """
        if not token:
            return None
        now = self._clock.now()
        async with self._db.snapshot() as tx:
            session = await tx.sessions.find_by_digest(token_digest(self._session_key, token))
            if session is None or session.realm is not realm or not session.is_live(now):
                return None
            mailbox = await tx.mailboxes.find_by_address(session.address)
            admin = (
                await tx.admins.find_by_address(session.address)
                if realm is SessionRealm.ADMIN
                else None
            )
        if (
            mailbox is None
            or mailbox.disabled
            or (mailbox.password_changed_at and mailbox.password_changed_at > session.created_at)
            or (realm is SessionRealm.ADMIN and (admin is None or mailbox.must_change))
        ):
            async with self._db.transaction() as tx:
                await tx.sessions.revoke(session.id, now)
            return None
        if now - session.last_seen_at >= self.policy.touch_every:
            expires_at = self._expiry(session.created_at, now)
            async with self._db.transaction() as tx:
                await tx.sessions.touch(session.id, now, expires_at)
        return WebSession(session, admin, self.csrf_token(token))

    async def sign_out(self, token: str, actor: Actor | None = None) -> None:
        """End the session whose cookie holds ``token`` (nothing happens for an unknown one)."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            session = await tx.sessions.find_by_digest(token_digest(self._session_key, token))
            if session is None or session.revoked_at is not None:
                return
            await tx.sessions.revoke(session.id, now)
            if actor is not None:
                await self._audit.record(
                    tx, actor, f"{session.realm.value}.sign-out", session.address
                )

    async def revoke_all(self, address: str, realm: SessionRealm | None = None) -> int:
        """End every live session of ``address`` (of one realm, or all); returns how many."""
        key = address_key(address)
        async with self._db.transaction() as tx:
            return await tx.sessions.revoke_all(key, self._clock.now(), realm=realm)

    async def list_live(self, address: str, realm: SessionRealm) -> list[Session]:
        """The live sessions of ``address`` in ``realm``, most recently used first."""
        async with self._db.snapshot() as tx:
            return await tx.sessions.list_live(address_key(address), realm, self._clock.now())

    def csrf_token(self, token: str) -> str:
        """The CSRF token of the session whose cookie holds ``token``."""
        return token_digest(self._csrf_key, _SESSION_LABEL + token)

    def check_csrf(self, token: str, submitted: str) -> bool:
        """True when ``submitted`` is the CSRF token of the session ``token`` (constant time)."""
        return bool(token and submitted) and check_token(
            self._csrf_key, _SESSION_LABEL + token, submitted
        )

    @staticmethod
    def new_sign_in_token() -> str:
        """A random token for the pre-session cookie of a sign-in form."""
        return new_token()

    def sign_in_csrf_token(self, pre_token: str) -> str:
        """The CSRF token of a sign-in form bound to the pre-session cookie ``pre_token``."""
        return token_digest(self._csrf_key, _SIGN_IN_LABEL + pre_token)

    def check_sign_in_csrf(self, pre_token: str, submitted: str) -> bool:
        """True when ``submitted`` belongs to the pre-session cookie ``pre_token``."""
        return bool(pre_token and submitted) and check_token(
            self._csrf_key, _SIGN_IN_LABEL + pre_token, submitted
        )

    def on_event(self, event: Event) -> None:
        """Event hub subscriber: a mailbox whose credentials changed loses its sessions.

        Runs inside ``publish`` (which must stay quick), so the revocation is scheduled on the
        running loop; ``settle`` waits for it. ``resume`` refuses such sessions already.
        """
        if not isinstance(event, CredentialsChanged):
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        task = loop.create_task(self._revoke_for(event))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _revoke_for(self, event: CredentialsChanged) -> None:
        try:
            ended = await self.revoke_all(event.address)
        except Exception:  # a failed clean-up must not crash the loop; resume still refuses
            log.exception("could not revoke the sessions of %s", event.address)
            return
        if ended:
            log.info("ended %d web sessions of %s (%s)", ended, event.address, event.reason)

    async def settle(self) -> None:
        """Wait until every scheduled revocation is written (tests; shutdown)."""
        while self._pending:
            await asyncio.gather(*list(self._pending))
