"""Printing data: Rich tables for people, JSON for scripts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from mailwright.model.admins import Admin
from mailwright.model.aliases import Alias
from mailwright.model.audit import AuditEvent
from mailwright.model.domains import Domain
from mailwright.model.mailboxes import Mailbox

console = Console(highlight=False)


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout."""
    print(json.dumps(data, indent=2, ensure_ascii=False))


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print a Rich table."""
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


def mailbox_data(mailbox: Mailbox) -> dict[str, Any]:
    """A mailbox as JSON (never the password hash)."""
    return {
        "address": mailbox.address,
        "display_name": mailbox.display_name,
        "disabled": mailbox.disabled,
        "must_change": mailbox.must_change,
        "quota_bytes": mailbox.quota_bytes,
        "used_bytes": mailbox.used_bytes,
        "recovery_address": mailbox.recovery_address,
        "password_changed_at": _time(mailbox.password_changed_at),
        "last_imap_login_at": _time(mailbox.last_imap_login_at),
        "last_smtp_login_at": _time(mailbox.last_smtp_login_at),
        "created_at": _time(mailbox.created_at),
    }


def domain_data(domain: Domain) -> dict[str, Any]:
    """A domain as JSON."""
    return {
        "name": domain.name,
        "it_notification_address": domain.it_notification_address,
        "password_min_length": domain.password_min_length,
        "password_min_score": domain.password_min_score,
        "default_quota_bytes": domain.default_quota_bytes,
        "created_at": _time(domain.created_at),
    }


def alias_data(alias: Alias) -> dict[str, Any]:
    """An alias as JSON."""
    return {
        "source": alias.source,
        "destinations": list(alias.destinations),
        "catch_all": alias.is_catch_all,
        "created_at": _time(alias.created_at),
    }


def admin_data(admin: Admin) -> dict[str, Any]:
    """An admin grant as JSON."""
    return {
        "address": admin.address,
        "role": admin.role.value,
        "domains": sorted(admin.domains),
        "created_at": _time(admin.created_at),
    }


def audit_data(event: AuditEvent) -> dict[str, Any]:
    """An audit event as JSON."""
    e = event.entry
    return {
        "id": event.id,
        "at": _time(e.at),
        "actor": e.actor,
        "action": e.action,
        "target": e.target,
        "source": e.source,
        "outcome": e.outcome.value,
        "reason": e.reason,
        "details": e.details,
    }
