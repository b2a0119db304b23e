"""``authenticate()``: the single entry point for every login (SMTP AUTH, IMAP LOGIN, the
admin center and the account portal sign-ins).

Threats handled here:
- Guessing: failed logins are counted per address and per source address; past a number of free
  attempts each further failure locks that key for a growing time (base * 2^n, capped). While a
  lock holds, every attempt is answered THROTTLED without checking the password, so a correct
  password neither gets in nor reveals itself.
- Enumeration: locks are kept per address whether or not a mailbox exists there, and a login
  for an unknown address spends a dummy argon2 verification, so neither the answer nor its
  timing tells which addresses exist. MUST_CHANGE and DISABLED are only answered to a correct
  password.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from mailwright.model.addresses import find_address
from mailwright.model.authentication import (
    AuthOutcome,
    AuthResult,
    LoginFailures,
    LoginProtocol,
    ThrottleScope,
)
from mailwright.model.interfaces import Clock, Database, Transaction
from mailwright.model.mailboxes import Mailbox
from mailwright.security.hashing_pool import HashingPool
from mailwright.security.login_cache import LoginCache
from mailwright.telemetry import LOGINS

# Writing "last login" on every login would make each IMAP reconnect a disk write; once a
# minute is precise enough for the admin center.
_LAST_LOGIN_RESOLUTION = timedelta(seconds=60)


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many failures are free, and how long locks grow."""

    free_attempts_address: int = 5
    free_attempts_source: int = 20
    base_lock_seconds: float = 1.0
    max_lock_seconds: float = 900.0
    forget_after_seconds: float = 3600.0

    def lock_for(self, failures: int, free: int) -> float:
        """Seconds to lock after the ``failures``-th failure (0: no lock)."""
        if failures <= free:
            return 0.0
        return float(
            min(self.base_lock_seconds * 2 ** (failures - free - 1), self.max_lock_seconds)
        )


def _remaining_lock(failures: LoginFailures | None, now: datetime) -> float:
    if failures is None or failures.locked_until is None:
        return 0.0
    return max(0.0, (failures.locked_until - now).total_seconds())


def address_key(address: str) -> str:
    """The lookup and throttle key of a login name: the normalised address, or for text that
    is no address, the text folded the same way (so it is throttled all the same)."""
    parsed = find_address(address)
    return str(parsed) if parsed else address.strip().lower()[:320]


class Authenticator:
    """Checks passwords, throttles guessing, and rehashes outdated hashes."""

    def __init__(
        self,
        database: Database,
        hashing: HashingPool,
        clock: Clock,
        *,
        throttle: ThrottlePolicy,
        login_cache: LoginCache,
    ) -> None:
        self._db = database
        self._hashing = hashing
        self._clock = clock
        self._throttle = throttle
        self._cache = login_cache

    async def authenticate(
        self, address: str, password: str, protocol: LoginProtocol, source: str
    ) -> AuthResult:
        """Decide whether ``password`` opens the mailbox at ``address``.

        Args:
            address: the login name as the client sent it.
            password: the password as the client sent it.
            protocol: which listener asks (recorded as the mailbox's last login).
            source: the client's network address (throttled separately).
        """
        result = await self._authenticate(address, password, protocol, source)
        LOGINS.labels(protocol=protocol.value, outcome=result.outcome.value).inc()
        return result

    async def _authenticate(
        self, address: str, password: str, protocol: LoginProtocol, source: str
    ) -> AuthResult:
        key = address_key(address)
        now = self._clock.now()
        async with self._db.snapshot() as tx:
            mailbox = await tx.mailboxes.find_by_address(key)
            by_address = await tx.throttle.find(ThrottleScope.ADDRESS, key)
            by_source = await tx.throttle.find(ThrottleScope.SOURCE, source)
        retry_after = max(_remaining_lock(by_address, now), _remaining_lock(by_source, now))
        if retry_after > 0:
            return AuthResult(AuthOutcome.THROTTLED, retry_after=retry_after)
        if not await self._password_matches(mailbox, password):
            return await self._fail(key, source, now)
        assert mailbox is not None
        if mailbox.disabled:
            return AuthResult(AuthOutcome.DISABLED)
        mailbox = await self._after_success(
            mailbox, password, protocol, now, clear_failures=by_address is not None
        )
        outcome = AuthOutcome.MUST_CHANGE if mailbox.must_change else AuthOutcome.OK
        return AuthResult(outcome, mailbox)

    async def check_password(self, mailbox: Mailbox, password: str) -> bool:
        """Verify a password of an already identified mailbox (re-authentication), unthrottled."""
        return await self._password_matches(mailbox, password)

    async def _password_matches(self, mailbox: Mailbox | None, password: str) -> bool:
        if mailbox is None:
            await self._hashing.verify_dummy(password)
            return False
        if self._cache.check(mailbox.password_hash, password):
            return True
        if await self._hashing.verify(mailbox.password_hash, password):
            self._cache.remember(mailbox.password_hash, password)
            return True
        return False

    async def _fail(self, key: str, source: str, now: datetime) -> AuthResult:
        async with self._db.transaction() as tx:
            await self._count_failure(tx, ThrottleScope.ADDRESS, key, now)
            await self._count_failure(tx, ThrottleScope.SOURCE, source, now)
        return AuthResult(AuthOutcome.BAD_CREDENTIALS)

    async def _count_failure(
        self, tx: Transaction, scope: ThrottleScope, key: str, now: datetime
    ) -> None:
        current = await tx.throttle.find(scope, key)
        forget = timedelta(seconds=self._throttle.forget_after_seconds)
        previous = (
            0 if current is None or now - current.last_failure_at > forget else current.failures
        )
        failures = previous + 1
        free = (
            self._throttle.free_attempts_address
            if scope is ThrottleScope.ADDRESS
            else self._throttle.free_attempts_source
        )
        lock = self._throttle.lock_for(failures, free)
        locked_until = now + timedelta(seconds=lock) if lock else None
        await tx.throttle.save(LoginFailures(scope, key, failures, now, locked_until))

    async def _after_success(
        self,
        mailbox: Mailbox,
        password: str,
        protocol: LoginProtocol,
        now: datetime,
        *,
        clear_failures: bool,
    ) -> Mailbox:
        new_hash = None
        if self._hashing.hasher.needs_rehash(mailbox.password_hash):
            new_hash = await self._hashing.hash(password)
        last = {
            LoginProtocol.IMAP: mailbox.last_imap_login_at,
            LoginProtocol.SMTP: mailbox.last_smtp_login_at,
        }.get(protocol, now)
        stale_login = last is None or now - last >= _LAST_LOGIN_RESOLUTION
        if not (new_hash or stale_login or clear_failures):
            return mailbox
        async with self._db.transaction() as tx:
            if clear_failures:
                await tx.throttle.clear(ThrottleScope.ADDRESS, mailbox.address)
            if stale_login:
                await tx.mailboxes.record_login(mailbox.id, protocol, now)
            current = await tx.mailboxes.find_by_id(mailbox.id)
            # Rehash only if nobody changed the password meanwhile (never clobber a reset).
            if new_hash and current and current.password_hash == mailbox.password_hash:
                mailbox = await tx.mailboxes.update(replace(current, password_hash=new_hash))
        return mailbox
