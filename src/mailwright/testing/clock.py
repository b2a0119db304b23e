"""A clock that moves only when told to (no sleeping in tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FakeClock:
    """Implements ``model.interfaces.Clock``; starts at a fixed moment."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        """The current fake time."""
        return self._now

    def advance(self, seconds: float = 0, **delta: float) -> datetime:
        """Move forward by ``seconds`` (and/or timedelta keywords); return the new time."""
        self._now += timedelta(seconds=seconds, **delta)
        return self._now
