"""Mail domains: add, list, show, change, remove."""

from __future__ import annotations

from dataclasses import dataclass, replace

from mailwright.model.actors import Actor
from mailwright.model.addresses import parse_address, parse_domain
from mailwright.model.domains import Domain, DomainSummary
from mailwright.model.errors import Conflict, InvalidInput, NotFound
from mailwright.model.interfaces import Clock, Database
from mailwright.services.audit import AuditLog
from mailwright.services.authorization import require_global, require_view_domain
from mailwright.services.dkim import DkimService


@dataclass(frozen=True)
class DomainChanges:
    """Fields to change; None leaves a field as it is, ``clear_*`` empties it."""

    it_notification_address: str | None = None
    clear_it_notification_address: bool = False
    password_min_length: int | None = None
    password_min_score: int | None = None
    default_quota_bytes: int | None = None


class DomainService:
    """Use cases for mail domains."""

    def __init__(
        self, database: Database, clock: Clock, audit: AuditLog, dkim: DkimService
    ) -> None:
        self._db = database
        self._clock = clock
        self._audit = audit
        self._dkim = dkim

    async def add(
        self,
        actor: Actor,
        name: str,
        *,
        it_notification_address: str | None = None,
        default_quota_bytes: int | None = None,
    ) -> Domain:
        """Host a new mail domain.

        Raises:
            InvalidInput: bad name or address. Conflict: it exists. PermissionDenied.
        """
        require_global(actor, "add domains")
        domain_name = parse_domain(name)
        notify = _optional_address(it_notification_address, "it_notification_address")
        if default_quota_bytes is not None and default_quota_bytes < 0:
            raise InvalidInput.for_field("default_quota_bytes", "The quota cannot be negative.")
        material = await self._dkim.new_key_material()
        async with self._db.transaction() as tx:
            domain = await tx.domains.add(
                domain_name,
                it_notification_address=notify,
                default_quota_bytes=default_quota_bytes,
                created_at=self._clock.now(),
            )
            await self._dkim.store(tx, domain.id, material)
            await self._audit.record(tx, actor, "domain.create", domain_name)
        return domain

    async def list_domains(self, actor: Actor) -> list[DomainSummary]:
        """Domains the actor may see, with counts."""
        async with self._db.snapshot() as tx:
            summaries = await tx.domains.list_all()
        return [s for s in summaries if actor.covers(s.domain.name)]

    async def hosted_names(self) -> set[str]:
        """Every hosted domain's name (for routing; no permission check)."""
        async with self._db.snapshot() as tx:
            return {s.domain.name for s in await tx.domains.list_all()}

    async def get(self, actor: Actor, name: str) -> Domain:
        """Raises: NotFound, PermissionDenied."""
        domain_name = parse_domain(name)
        require_view_domain(actor, domain_name)
        async with self._db.snapshot() as tx:
            domain = await tx.domains.find_by_name(domain_name)
        if domain is None:
            raise NotFound(f"There is no domain {domain_name}.")
        return domain

    async def update(self, actor: Actor, name: str, changes: DomainChanges) -> Domain:
        """Change a domain's settings. Raises: NotFound, InvalidInput, PermissionDenied."""
        require_global(actor, "change domains")
        domain = await self.get(actor, name)
        notify = domain.it_notification_address
        if changes.clear_it_notification_address:
            notify = None
        elif changes.it_notification_address is not None:
            notify = _optional_address(changes.it_notification_address, "it_notification_address")
        if changes.password_min_score is not None and not 0 <= changes.password_min_score <= 4:
            raise InvalidInput.for_field("password_min_score", "The score must be 0 to 4.")
        if changes.password_min_length is not None and not 8 <= changes.password_min_length <= 256:
            raise InvalidInput.for_field(
                "password_min_length", "The minimum length must be 8 to 256 characters."
            )
        if changes.default_quota_bytes is not None and changes.default_quota_bytes < 0:
            raise InvalidInput.for_field("default_quota_bytes", "The quota cannot be negative.")
        updated = replace(
            domain,
            it_notification_address=notify,
            password_min_length=changes.password_min_length or domain.password_min_length,
            password_min_score=(
                domain.password_min_score
                if changes.password_min_score is None
                else changes.password_min_score
            ),
            default_quota_bytes=(
                domain.default_quota_bytes
                if changes.default_quota_bytes is None
                else changes.default_quota_bytes
            ),
        )
        async with self._db.transaction() as tx:
            await tx.domains.update(updated)
            await self._audit.record(tx, actor, "domain.update", domain.name)
        return updated

    async def remove(self, actor: Actor, name: str) -> None:
        """Stop hosting an empty domain.

        Raises:
            Conflict: it still has mailboxes or aliases. NotFound. PermissionDenied.
        """
        require_global(actor, "remove domains")
        domain = await self.get(actor, name)
        async with self._db.transaction() as tx:
            summary = next(
                (s for s in await tx.domains.list_all() if s.domain.id == domain.id), None
            )
            if summary and (summary.mailbox_count or summary.alias_count):
                raise Conflict(
                    f"The domain {domain.name} still has {summary.mailbox_count} mailboxes and "
                    f"{summary.alias_count} aliases; remove them first."
                )
            await tx.domains.delete(domain.id)
            await self._audit.record(tx, actor, "domain.delete", domain.name)


def _optional_address(value: str | None, field: str) -> str | None:
    if value is None or not value.strip():
        return None
    return str(parse_address(value, field))
