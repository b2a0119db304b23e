"""Login outcomes shared by every listener (SMTP AUTH, IMAP LOGIN, web sign-in, verification)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from mailwright.model.mailboxes import Mailbox


class LoginProtocol(StrEnum):
    """Where a login attempt came in."""

    IMAP = "imap"
    SMTP = "smtp"
    ADMIN = "admin"
    ACCOUNT = "account"


class AuthOutcome(StrEnum):
    """The answer of ``authenticate()``.

    ``MUST_CHANGE`` and ``DISABLED`` are only given for a correct password, so they reveal
    nothing to someone who does not know it; ``THROTTLED`` is given for any password while a lock
    holds, and locks are kept per address whether or not a mailbox exists there.
    """

    OK = "ok"
    BAD_CREDENTIALS = "bad-credentials"
    MUST_CHANGE = "must-change"
    DISABLED = "disabled"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class AuthResult:
    """Outcome plus the mailbox (only for a correct password) and how long a lock still holds."""

    outcome: AuthOutcome
    mailbox: Mailbox | None = None
    retry_after: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the login may proceed."""
        return self.outcome is AuthOutcome.OK


class ThrottleScope(StrEnum):
    """What a run of failed logins is counted against."""

    ADDRESS = "address"
    SOURCE = "source"


@dataclass(frozen=True)
class LoginFailures:
    """The failed-login counter of one address or one source address."""

    scope: ThrottleScope
    key: str
    failures: int
    last_failure_at: datetime
    locked_until: datetime | None
