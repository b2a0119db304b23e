"""The one error tree of Mailwright.

Services raise these; only the edges (HTTP, SMTP, IMAP, CLI) map them to replies::

    MailwrightError
     ├── NotFound                 a named thing does not exist            HTTP 404, CLI exit 1
     ├── Conflict                 it exists already / would clash          HTTP 409
     ├── InvalidInput             bad values, with one message per field   HTTP 422
     │    └── PasswordRejected    the password policy said no, with reasons
     ├── PermissionDenied         the actor's role or scope forbids it     HTTP 403
     ├── RateLimited              too many attempts; retry later           HTTP 429
     ├── Unavailable              a dependency (listener, disk) is down    HTTP 503
     └── ConfigurationError       settings or data directory unusable      refuse to start

Every error carries a stable ``kind`` (used as the problem ``type`` suffix in the REST API) and a
message that is safe to show to the person who caused it: never a secret.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


class MailwrightError(Exception):
    """Base of every error Mailwright raises on purpose."""

    kind = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(MailwrightError):
    """A domain, mailbox, alias, admin or other named thing does not exist."""

    kind = "not-found"


class Conflict(MailwrightError):
    """The thing exists already, or the change would clash with existing state."""

    kind = "conflict"


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one input field, in plain words."""

    field: str
    message: str


class InvalidInput(MailwrightError):
    """One or more input values are unacceptable; ``problems`` says which and why."""

    kind = "invalid-input"

    def __init__(self, message: str, problems: Iterable[FieldProblem] = ()) -> None:
        super().__init__(message)
        self.problems: tuple[FieldProblem, ...] = tuple(problems)

    @classmethod
    def for_field(cls, field: str, message: str) -> InvalidInput:
        """Build the common single-field error."""
        return cls(message, [FieldProblem(field, message)])

    @classmethod
    def from_mapping(cls, problems: Mapping[str, str]) -> InvalidInput:
        """Build an error from ``{field: message}``, joining the messages."""
        items = [FieldProblem(k, v) for k, v in problems.items()]
        return cls("; ".join(p.message for p in items), items)


class PasswordRejected(InvalidInput):
    """The password policy refused a password; ``reasons`` lists every failed rule."""

    kind = "password-rejected"

    def __init__(self, reasons: Iterable[str], field: str = "password") -> None:
        self.reasons: tuple[str, ...] = tuple(reasons)
        text = "Password rejected: " + "; ".join(self.reasons)
        super().__init__(text, [FieldProblem(field, r) for r in self.reasons])


class PermissionDenied(MailwrightError):
    """The actor may not do this (role or domain scope)."""

    kind = "permission-denied"


class RateLimited(MailwrightError):
    """Too many attempts; ``retry_after`` says how many seconds to wait."""

    kind = "rate-limited"

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(MailwrightError):
    """Something the operation needs is not running or not reachable."""

    kind = "unavailable"


class ConfigurationError(MailwrightError):
    """Settings, secret or data directory are missing or unusable."""

    kind = "configuration"
