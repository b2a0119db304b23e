"""Web sign-in sessions, stored server-side so they can be listed and revoked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class SessionRealm(StrEnum):
    """Which web front end a session belongs to."""

    ADMIN = "admin"
    ACCOUNT = "account"


@dataclass(frozen=True)
class Session:
    """A signed-in browser. The cookie holds a random token; only its digest is stored."""

    id: int
    realm: SessionRealm
    address: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    source: str
    user_agent: str
    revoked_at: datetime | None

    def is_live(self, now: datetime) -> bool:
        """True when neither expired nor revoked."""
        return self.revoked_at is None and now < self.expires_at
