"""API keys: bearer credentials for the REST API, each acting for one admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ApiKeyScope(StrEnum):
    """What a key may call: the admin API, or only the sending API."""

    ADMIN = "admin"
    SEND = "send"


@dataclass(frozen=True)
class ApiKey:
    """A stored key. The secret part is never stored; ``prefix`` identifies the key in lists
    and logs and is the lookup key.

    Attributes:
        admin_address: the admin whose role and scope bound what the key may do.
        domains: for send keys, the domains it may send from (empty: all in the admin's scope).
        sandbox: accepted and recorded, never delivered.
    """

    id: int
    prefix: str
    digest: str
    name: str
    admin_address: str
    scope: ApiKeyScope
    sandbox: bool
    domains: frozenset[str]
    created_at: datetime
    created_by: str
    last_used_at: datetime | None
    revoked_at: datetime | None
