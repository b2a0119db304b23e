"""Aliases and catch-alls."""

from __future__ import annotations

from mailwright.model.actors import Actor
from mailwright.model.addresses import parse_address, parse_domain
from mailwright.model.aliases import Alias, catch_all_source
from mailwright.model.errors import Conflict, InvalidInput, NotFound
from mailwright.model.interfaces import Clock, Database
from mailwright.services.audit import AuditLog
from mailwright.services.authorization import require_manage_domain

MAX_DESTINATIONS = 100


def parse_alias_source(text: str) -> tuple[str, str]:
    """Return (source, domain) for ``name@domain`` or the catch-all ``@domain`` / ``*@domain``.

    Raises:
        InvalidInput: neither form.
    """
    raw = text.strip()
    if raw.startswith("@") or raw.startswith("*@"):
        domain = parse_domain(raw.partition("@")[2], "source")
        return catch_all_source(domain), domain
    address = parse_address(raw, "source")
    return str(address), address.domain


def parse_destinations(source: str, destinations: list[str]) -> list[str]:
    """Normalised, de-duplicated destinations of the alias ``source``.

    Raises:
        InvalidInput: a bad address, none at all, too many, or the alias itself.
    """
    targets = list(dict.fromkeys(str(parse_address(d, "destinations")) for d in destinations))
    if not targets:
        raise InvalidInput.for_field("destinations", "An alias needs at least one destination.")
    if len(targets) > MAX_DESTINATIONS:
        raise InvalidInput.for_field(
            "destinations", f"An alias may have at most {MAX_DESTINATIONS} destinations."
        )
    if source in targets:
        raise InvalidInput.for_field("destinations", "An alias cannot deliver to itself.")
    return targets


class AliasService:
    """Use cases for aliases."""

    def __init__(self, database: Database, clock: Clock, audit: AuditLog) -> None:
        self._db = database
        self._clock = clock
        self._audit = audit

    async def add(self, actor: Actor, source: str, destinations: list[str]) -> Alias:
        """Create an alias delivering to each destination (hosted or not).

        Raises:
            InvalidInput: bad addresses, no destinations, or a source that is a mailbox.
            NotFound: the source's domain is not hosted. Conflict. PermissionDenied.
        """
        alias_source, domain_name = parse_alias_source(source)
        require_manage_domain(actor, domain_name)
        targets = parse_destinations(alias_source, destinations)
        async with self._db.transaction() as tx:
            domain = await tx.domains.find_by_name(domain_name)
            if domain is None:
                raise NotFound(f"The domain {domain_name} is not hosted here.")
            if await tx.mailboxes.find_by_address(alias_source):
                raise Conflict(f"{alias_source} is a mailbox; an alias cannot have its address.")
            alias = await tx.aliases.add(domain.id, alias_source, targets, self._clock.now())
            await self._audit.record(
                tx,
                actor,
                "alias.create",
                alias_source,
                details={"destinations": ", ".join(targets)},
            )
        return alias

    async def update(self, actor: Actor, source: str, destinations: list[str]) -> Alias:
        """Replace the destinations of an alias, in one transaction.

        Raises:
            InvalidInput: bad addresses or no destinations. NotFound. PermissionDenied.
        """
        alias_source, domain_name = parse_alias_source(source)
        require_manage_domain(actor, domain_name)
        targets = parse_destinations(alias_source, destinations)
        async with self._db.transaction() as tx:
            alias = await tx.aliases.find_by_source(alias_source)
            if alias is None:
                raise NotFound(f"There is no alias {alias_source}.")
            await tx.aliases.delete(alias.id)
            updated = await tx.aliases.add(alias.domain_id, alias_source, targets, alias.created_at)
            await self._audit.record(
                tx,
                actor,
                "alias.update",
                alias_source,
                details={"destinations": ", ".join(targets)},
            )
        return updated

    async def list_aliases(self, actor: Actor, domain: str | None = None) -> list[Alias]:
        """Aliases the actor may see, optionally of one domain."""
        scope = actor.domain_filter
        if domain is not None:
            name = parse_domain(domain)
            scope = frozenset({name}) if scope is None or name in scope else frozenset()
        async with self._db.snapshot() as tx:
            return await tx.aliases.list_all(scope)

    async def remove(self, actor: Actor, source: str) -> None:
        """Delete an alias. Raises: NotFound, PermissionDenied."""
        alias_source, domain_name = parse_alias_source(source)
        require_manage_domain(actor, domain_name)
        async with self._db.transaction() as tx:
            alias = await tx.aliases.find_by_source(alias_source)
            if alias is None:
                raise NotFound(f"There is no alias {alias_source}.")
            await tx.aliases.delete(alias.id)
            await self._audit.record(tx, actor, "alias.delete", alias_source)
