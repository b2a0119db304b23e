"""DKIM keys of hosted domains: created with the domain, rotated on request, used to sign
outbound mail whose From domain is hosted here."""

from __future__ import annotations

import asyncio
import secrets
from email.utils import getaddresses

from mailwright.model.actors import Actor
from mailwright.model.addresses import find_address, parse_domain
from mailwright.model.errors import NotFound
from mailwright.model.interfaces import Clock, Database, Transaction
from mailwright.model.outbound import DkimKey
from mailwright.security.dkim import generate_key_pair, signature_field
from mailwright.security.sealing import Sealer
from mailwright.services.audit import AuditLog
from mailwright.services.authorization import require_global


class DkimService:
    """Creates, rotates, shows and uses DKIM keys."""

    def __init__(
        self, database: Database, clock: Clock, audit: AuditLog, sealer: Sealer, *, bits: int
    ) -> None:
        self._db = database
        self._clock = clock
        self._audit = audit
        self._sealer = sealer
        self._bits = bits

    async def new_key_material(self) -> tuple[str, str, str]:
        """(selector, sealed private key, public key) for a new key, made off the loop."""
        private, public = await asyncio.to_thread(generate_key_pair, self._bits)
        selector = f"mw{self._clock.now():%Y%m}{secrets.token_hex(2)}"
        return selector, self._sealer.seal(private), public

    async def store(self, tx: Transaction, domain_id: int, material: tuple[str, str, str]) -> None:
        """Store ``material`` as the domain's active key inside ``tx``."""
        selector, sealed, public = material
        await tx.dkim_keys.add(
            domain_id,
            selector=selector,
            private_key_sealed=sealed,
            public_key=public,
            created_at=self._clock.now(),
        )

    async def active_key(self, domain: str) -> DkimKey | None:
        """The key used to sign mail from ``domain``."""
        async with self._db.snapshot() as tx:
            return await tx.dkim_keys.find_active(parse_domain(domain))

    async def rotate(self, actor: Actor, domain: str) -> DkimKey:
        """Make a new active key (publish its TXT record; keep the old one until mail
        signed with it has been verified, a few days)."""
        require_global(actor, "rotate DKIM keys")
        name = parse_domain(domain)
        material = await self.new_key_material()
        async with self._db.transaction() as tx:
            found = await tx.domains.find_by_name(name)
            if found is None:
                raise NotFound(f"There is no domain {name}.")
            await self.store(tx, found.id, material)
            await self._audit.record(
                tx, actor, "domain.dkim.rotate", name, details={"selector": material[0]}
            )
            key = await tx.dkim_keys.find_active(name)
        assert key is not None
        return key

    async def sign(self, message: bytes) -> bytes:
        """``message`` with a DKIM-Signature in front when its From domain has a key here;
        unchanged otherwise."""
        domain = _from_domain(message)
        if domain is None:
            return message
        key = await self.active_key(domain)
        if key is None:
            return message
        private = self._sealer.unseal(key.private_key_sealed)
        field = await asyncio.to_thread(
            signature_field, message, domain=domain, selector=key.selector, private_key=private
        )
        return field + message


def _from_domain(message: bytes) -> str | None:
    end = message.find(b"\r\n\r\n")
    header = message[: end if end >= 0 else len(message)].decode("utf-8", "replace")
    values = []
    current: list[str] | None = None
    for line in header.split("\r\n"):
        if line[:1] in (" ", "\t") and current is not None:
            current.append(line)
            continue
        name, _, value = line.partition(":")
        current = [value] if name.strip().lower() == "from" else None
        if current is not None:
            values.append(current)
    addresses = getaddresses(["".join(v) for v in values])
    parsed = find_address(addresses[0][1]) if addresses else None
    return parsed.domain if parsed else None
