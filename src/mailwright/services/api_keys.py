"""API keys: create, list and revoke them, and the bearer check behind every REST API call.

Rules:
1. Only global admins (and operators) create, list and revoke keys.
2. A key acts for one admin, with that admin's role and domain scope as they are at each call.
   It works only while it is not revoked, its admin's mailbox exists and is enabled, and the
   admin still holds the grant the key was made under (one no newer than the key): revoking
   a role ends the admin's keys for good, even if the role is granted again later.
3. An admin key calls only the admin API, a send key only the sending API. Only send keys may
   be sandboxed or limited to domains (those in the admin's scope).
4. Only a keyed digest of each key is stored; the key itself is shown once, at creation.
   Threat: a leaked database copy must not be usable against the API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from mailwright.model.actors import Actor
from mailwright.model.addresses import parse_address, parse_domain
from mailwright.model.api_keys import ApiKey, ApiKeyScope
from mailwright.model.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from mailwright.model.interfaces import Clock, Database, Transaction
from mailwright.security.api_keys import check_prefix, find_api_key_prefix, generate_api_key
from mailwright.security.tokens import check_token, token_digest
from mailwright.services.audit import AuditLog
from mailwright.services.authorization import require_global

DIGEST_PURPOSE = "api-keys"
"""The label of the server-secret key that digests API keys (``ServerSecret.derive``)."""
MAX_NAME = 128
# Recording every use would turn each API call into a disk write; a minute is precise enough.
LAST_USE_RESOLUTION = timedelta(seconds=60)
_PREFIX_ATTEMPTS = 3


@dataclass(frozen=True)
class CreatedApiKey:
    """A new key. ``key`` is the bearer credential: show it once, it cannot be shown again."""

    api_key: ApiKey
    key: str


@dataclass(frozen=True)
class ApiCaller:
    """Who a valid bearer key acts for."""

    api_key: ApiKey
    actor: Actor


def parse_key_name(text: str) -> str:
    """Normalise a key's label. Raises: InvalidInput for control characters or over-length."""
    name = " ".join(text.split())
    if len(name) > MAX_NAME or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise InvalidInput.for_field(
            "name", f"The name must be at most {MAX_NAME} printable characters."
        )
    return name


def api_key_actor_name(prefix: str, admin_address: str) -> str:
    """How the audit log names a call made with a key: ``apikey:<prefix>:<admin address>``."""
    return f"apikey:{prefix}:{admin_address}"


def require_key_scope(caller: ApiCaller, scope: ApiKeyScope) -> None:
    """Raises: PermissionDenied unless the caller's key has exactly ``scope`` (least privilege:
    a key that sends from an application server cannot manage mailboxes, and an admin key is
    not meant to be deployed where mail is sent)."""
    have = caller.api_key.scope
    if have is not scope:
        raise PermissionDenied(
            f"This API key has the {have.value} scope; this call needs the {scope.value} scope."
        )


class ApiKeyService:
    """Use cases for API keys, and the check of each presented key."""

    def __init__(
        self, database: Database, clock: Clock, audit: AuditLog, *, digest_key: bytes
    ) -> None:
        self._db = database
        self._clock = clock
        self._audit = audit
        self._digest_key = digest_key
        # Compared against when the prefix is unknown, so both paths do the same work.
        self._dummy_digest = token_digest(digest_key, "mw_unknown")

    async def create(
        self,
        actor: Actor,
        admin_address: str,
        scope: ApiKeyScope,
        *,
        name: str = "",
        sandbox: bool = False,
        domains: Sequence[str] = (),
    ) -> CreatedApiKey:
        """Make a key acting for the admin at ``admin_address``.

        Raises:
            InvalidInput: bad name or domains, or sandbox/domains on an admin key.
            NotFound: the address holds no admin role, or a domain is not hosted.
            PermissionDenied: the actor is not a global admin.
        """
        require_global(actor, "manage API keys")
        address = str(parse_address(admin_address, "admin"))
        label = parse_key_name(name)
        limited = frozenset(parse_domain(d, "domains") for d in domains)
        if scope is ApiKeyScope.ADMIN and sandbox:
            raise InvalidInput.for_field("sandbox", "Only send keys can be sandboxed.")
        if scope is ApiKeyScope.ADMIN and limited:
            raise InvalidInput.for_field("domains", "Only send keys can be limited to domains.")
        async with self._db.transaction() as tx:
            admin = await tx.admins.find_by_address(address)
            if admin is None:
                raise NotFound(f"{address} holds no admin role; an API key acts for an admin.")
            for domain in sorted(limited):
                if await tx.domains.find_by_name(domain) is None:
                    raise NotFound(f"There is no domain {domain}.")
                if not admin.covers(domain):
                    raise InvalidInput.for_field(
                        "domains", f"{domain} is outside the scope of {address}."
                    )
            new = generate_api_key()
            for _ in range(_PREFIX_ATTEMPTS):
                if await tx.api_keys.find_by_prefix(new.prefix) is None:
                    break
                new = generate_api_key()
            stored = await tx.api_keys.add(
                prefix=new.prefix,
                digest=token_digest(self._digest_key, new.key),
                name=label,
                admin_address=address,
                scope=scope,
                sandbox=sandbox,
                domains=limited,
                created_at=self._clock.now(),
                created_by=actor.name,
            )
            await self._audit.record(
                tx,
                actor,
                "apikey.create",
                _target(stored.prefix),
                details={
                    "admin": address,
                    "scope": scope.value,
                    "sandbox": sandbox,
                    "domains": ", ".join(sorted(limited)),
                    "name": label,
                },
            )
        return CreatedApiKey(stored, new.key)

    async def list_keys(self, actor: Actor, admin_address: str | None = None) -> list[ApiKey]:
        """Keys (of one admin, or all), newest first, revoked ones included."""
        require_global(actor, "manage API keys")
        address = str(parse_address(admin_address, "admin")) if admin_address else None
        async with self._db.snapshot() as tx:
            return await tx.api_keys.list_keys(address)

    async def get(self, actor: Actor, prefix: str) -> ApiKey:
        """Raises: NotFound, PermissionDenied."""
        require_global(actor, "manage API keys")
        async with self._db.snapshot() as tx:
            return await _load(tx, prefix)

    async def revoke(self, actor: Actor, prefix: str) -> ApiKey:
        """End a key for good.

        Raises:
            NotFound: no such key. Conflict: it is revoked already. PermissionDenied.
        """
        require_global(actor, "manage API keys")
        now = self._clock.now()
        async with self._db.transaction() as tx:
            key = await _load(tx, prefix)
            if key.revoked_at is not None:
                raise Conflict(f"The API key {key.prefix} is revoked already.")
            await tx.api_keys.revoke(key.id, now)
            await self._audit.record(
                tx,
                actor,
                "apikey.revoke",
                _target(key.prefix),
                details={"admin": key.admin_address},
            )
        return replace(key, revoked_at=now)

    async def find_caller(self, presented: str, source: str) -> ApiCaller | None:
        """The caller a presented bearer key acts for, or None when the key is malformed,
        unknown, wrong, revoked, or its admin may no longer act (see rule 2). The reasons are
        not told apart, so an answer reveals nothing about which keys exist."""
        token = presented.strip()
        prefix = find_api_key_prefix(token)
        if prefix is None:
            return None
        async with self._db.snapshot() as tx:
            key = await tx.api_keys.find_by_prefix(prefix)
            matches = check_token(
                self._digest_key, token, key.digest if key else self._dummy_digest
            )
            if key is None or not matches:
                return None
            admin = await tx.admins.find_by_address(key.admin_address)
            mailbox = await tx.mailboxes.find_by_address(key.admin_address)
        if key.revoked_at is not None or admin is None or admin.created_at > key.created_at:
            return None
        if mailbox is None or mailbox.disabled:
            return None
        key = await self._record_use(key)
        name = api_key_actor_name(key.prefix, admin.address)
        return ApiCaller(key, Actor.for_admin(admin, source, name=name))

    async def _record_use(self, key: ApiKey) -> ApiKey:
        now = self._clock.now()
        if key.last_used_at is not None and now - key.last_used_at < LAST_USE_RESOLUTION:
            return key
        async with self._db.transaction() as tx:
            await tx.api_keys.touch(key.id, now)
        return replace(key, last_used_at=now)


async def _load(tx: Transaction, prefix: str) -> ApiKey:
    text = prefix.strip()
    key = await tx.api_keys.find_by_prefix(text) if check_prefix(text) else None
    if key is None:
        raise NotFound(f"There is no API key {text}.")
    return key


def _target(prefix: str) -> str:
    return f"apikey:{prefix}"
