"""Actors: who is doing something, for permission checks and the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mailwright.model.admins import Admin, Role


class ActorKind(StrEnum):
    """The kinds of actor."""

    OPERATOR = "operator"
    """Someone with shell access to the data directory (the CLI): full powers."""
    ADMIN = "admin"
    """A signed-in admin, or an API key acting for one."""
    OWNER = "owner"
    """A mailbox owner acting on their own mailbox."""
    SYSTEM = "system"
    """Mailwright itself."""


@dataclass(frozen=True)
class Actor:
    """Who acts, with what role, over which domains, and from where.

    Attributes:
        name: what the audit log shows (an address, ``operator:<user>``, ``system``, or
            ``apikey:<prefix>`` followed by the admin address).
        address: the signed-in mailbox address, if any.
        role: the admin role in force (operators count as global admins).
        domains: the admin's domain scope (empty: see ``Admin.covers``).
        source: the client's network address, or ``cli``.
    """

    kind: ActorKind
    name: str
    source: str
    address: str | None = None
    role: Role | None = None
    domains: frozenset[str] = frozenset()

    @classmethod
    def operator(cls, user: str) -> Actor:
        """The person running the CLI on the server."""
        return cls(ActorKind.OPERATOR, f"operator:{user}", "cli", role=Role.GLOBAL_ADMIN)

    @classmethod
    def system(cls) -> Actor:
        """Mailwright acting on its own."""
        return cls(ActorKind.SYSTEM, "system", "local", role=Role.GLOBAL_ADMIN)

    @classmethod
    def for_admin(cls, admin: Admin, source: str, name: str | None = None) -> Actor:
        """An admin acting under its grant."""
        return cls(
            ActorKind.ADMIN,
            name or admin.address,
            source,
            address=admin.address,
            role=admin.role,
            domains=admin.domains,
        )

    @classmethod
    def owner(cls, address: str, source: str) -> Actor:
        """A mailbox owner acting on their own mailbox."""
        return cls(ActorKind.OWNER, address, source, address=address)

    def covers(self, domain: str) -> bool:
        """True when ``domain`` lies within this actor's admin scope."""
        if self.role is Role.GLOBAL_ADMIN:
            return True
        if self.role is Role.HELPDESK and not self.domains:
            return True
        return self.role is not None and domain in self.domains

    @property
    def domain_filter(self) -> frozenset[str] | None:
        """Domains to restrict listings to, or None for every domain."""
        if self.role is Role.GLOBAL_ADMIN or (self.role is Role.HELPDESK and not self.domains):
            return None
        return self.domains
