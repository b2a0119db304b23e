"""Audit events: who did what to which thing, from where, why and with what outcome.

Audit records never hold a secret: no password, token, hash or API key, not even truncated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Outcome(StrEnum):
    """How an audited action ended."""

    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


@dataclass(frozen=True)
class AuditEntry:
    """An audit event before storage gives it an id."""

    at: datetime
    actor: str
    action: str
    target: str
    source: str
    outcome: Outcome
    reason: str = ""
    details: dict[str, str | int | bool | None] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditEvent:
    """A stored audit event."""

    id: int
    entry: AuditEntry


@dataclass(frozen=True)
class AuditQuery:
    """Filters for the audit log; ``before`` pages backwards by id."""

    actor: str | None = None
    target: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    before: int | None = None
    limit: int = 100
