"""Aliases: one source address delivering to one or more destinations.

A source of the form ``@example.org`` is the domain's catch-all: it receives mail for every
address of the domain that is neither a mailbox nor another alias.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Alias:
    """An alias and where it delivers."""

    id: int
    domain_id: int
    source: str
    destinations: tuple[str, ...]
    created_at: datetime

    @property
    def is_catch_all(self) -> bool:
        """True for ``@domain`` sources."""
        return self.source.startswith("@")


def catch_all_source(domain: str) -> str:
    """The alias source that catches every unknown address of ``domain``."""
    return "@" + domain
