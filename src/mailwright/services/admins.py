"""Admin role grants."""

from __future__ import annotations

from mailwright.model.actors import Actor
from mailwright.model.addresses import parse_address, parse_domain
from mailwright.model.admins import Admin, Role
from mailwright.model.errors import Conflict, InvalidInput, NotFound
from mailwright.model.interfaces import Clock, Database, Transaction
from mailwright.services.audit import AuditLog
from mailwright.services.authorization import require_global


def parse_role(text: str) -> Role:
    """Raises: InvalidInput naming the valid roles."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        valid = ", ".join(r.value for r in Role)
        raise InvalidInput.for_field(
            "role", f"Unknown role '{text}'; use one of {valid}."
        ) from None


class AdminService:
    """Grant, list and revoke admin roles. Global admins only."""

    def __init__(self, database: Database, clock: Clock, audit: AuditLog) -> None:
        self._db = database
        self._clock = clock
        self._audit = audit

    async def add(self, actor: Actor, address: str, role: Role, domains: list[str]) -> Admin:
        """Give the mailbox at ``address`` an admin role.

        Raises:
            InvalidInput: a domain admin without domains, or a global admin with domains.
            NotFound: no such mailbox or domain. Conflict: it holds a role. PermissionDenied.
        """
        require_global(actor, "manage admins")
        admin_address = str(parse_address(address))
        scope = parse_scope(role, domains)
        async with self._db.transaction() as tx:
            if await tx.mailboxes.find_by_address(admin_address) is None:
                raise NotFound(
                    f"There is no mailbox {admin_address}; admins sign in with a hosted mailbox."
                )
            await _require_domains(tx, scope)
            admin = await tx.admins.add(admin_address, role, scope, self._clock.now())
            await self._audit.record(
                tx,
                actor,
                "admin.create",
                admin_address,
                details={"role": role.value, "domains": ", ".join(sorted(scope))},
            )
        return admin

    async def update(self, actor: Actor, address: str, role: Role, domains: list[str]) -> Admin:
        """Change the role and domains of a grant, in one transaction.

        Raises:
            InvalidInput: as for ``add``. NotFound: no grant or domain. Conflict: it would
            leave no global admin. PermissionDenied.
        """
        require_global(actor, "manage admins")
        admin_address = str(parse_address(address))
        scope = parse_scope(role, domains)
        async with self._db.transaction() as tx:
            admin = await tx.admins.find_by_address(admin_address)
            if admin is None:
                raise NotFound(f"{admin_address} holds no admin role.")
            await _require_domains(tx, scope)
            if admin.role is Role.GLOBAL_ADMIN and role is not Role.GLOBAL_ADMIN:
                await _require_another_global(tx, admin)
            await tx.admins.delete(admin.id)
            updated = await tx.admins.add(admin_address, role, scope, admin.created_at)
            await self._audit.record(
                tx,
                actor,
                "admin.update",
                admin_address,
                details={"role": role.value, "domains": ", ".join(sorted(scope))},
            )
        return updated

    async def list_admins(self, actor: Actor) -> list[Admin]:
        """Every grant."""
        require_global(actor, "list admins")
        async with self._db.snapshot() as tx:
            return await tx.admins.list_all()

    async def find(self, address: str) -> Admin | None:
        """The grant of ``address``, for sign-in (no permission check: it is about oneself)."""
        async with self._db.snapshot() as tx:
            return await tx.admins.find_by_address(address)

    async def remove(self, actor: Actor, address: str) -> None:
        """Revoke a grant. Raises: NotFound, Conflict (the last global admin), PermissionDenied."""
        require_global(actor, "manage admins")
        admin_address = str(parse_address(address))
        async with self._db.transaction() as tx:
            admin = await tx.admins.find_by_address(admin_address)
            if admin is None:
                raise NotFound(f"{admin_address} holds no admin role.")
            if admin.role is Role.GLOBAL_ADMIN:
                await _require_another_global(tx, admin)
            await tx.admins.delete(admin.id)
            await self._audit.record(tx, actor, "admin.delete", admin_address)


def parse_scope(role: Role, domains: list[str]) -> frozenset[str]:
    """The normalised domain scope of a grant. Raises: InvalidInput when it does not fit the
    role (a domain admin needs domains; a global admin has none)."""
    scope = frozenset(parse_domain(d, "domains") for d in domains)
    if role is Role.DOMAIN_ADMIN and not scope:
        raise InvalidInput.for_field("domains", "A domain admin needs at least one domain.")
    if role is Role.GLOBAL_ADMIN and scope:
        raise InvalidInput.for_field("domains", "A global admin covers every domain.")
    return scope


async def _require_domains(tx: Transaction, scope: frozenset[str]) -> None:
    for name in sorted(scope):
        if await tx.domains.find_by_name(name) is None:
            raise NotFound(f"There is no domain {name}.")


async def _require_another_global(tx: Transaction, admin: Admin) -> None:
    others = [
        a for a in await tx.admins.list_all() if a.role is Role.GLOBAL_ADMIN and a.id != admin.id
    ]
    if not others:
        raise Conflict("This is the last global admin; add another one first.")
