"""The production clock."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    """Reads the operating system's clock, in UTC."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        return datetime.now(UTC)
