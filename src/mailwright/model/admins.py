"""Admins: mailboxes that hold a role in the admin center.

An admin signs in with the address and password of a hosted mailbox; the role says what it may
do, and for ``domain-admin`` and ``helpdesk`` the domains say where.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    """Admin roles, from most to least powerful."""

    GLOBAL_ADMIN = "global-admin"
    DOMAIN_ADMIN = "domain-admin"
    HELPDESK = "helpdesk"


@dataclass(frozen=True)
class Admin:
    """A role grant.

    Attributes:
        domains: the domains in scope. Empty for a global admin; for a helpdesk admin empty means
            every domain.
    """

    id: int
    address: str
    role: Role
    domains: frozenset[str]
    created_at: datetime

    def covers(self, domain: str) -> bool:
        """True when ``domain`` lies in this grant's scope."""
        if self.role is Role.GLOBAL_ADMIN:
            return True
        if self.role is Role.HELPDESK and not self.domains:
            return True
        return domain in self.domains
