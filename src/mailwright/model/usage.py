"""Usage metering: messages accepted and delivered, per API key and sender domain, per month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


def month_of(moment: datetime) -> str:
    """The counter month of a moment (UTC), e.g. ``2026-11``."""
    return f"{moment:%Y-%m}"


@dataclass(frozen=True)
class UsageRow:
    """One counter: ``api_key_prefix`` is "" for mail not sent through the API."""

    month: str
    api_key_prefix: str
    domain: str
    accepted: int
    delivered: int
