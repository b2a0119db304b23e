"""API keys: creation, the per-request check, revocation, scope rules and audit."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mailwright.model.actors import Actor, ActorKind
from mailwright.model.admins import Role
from mailwright.model.api_keys import ApiKeyScope
from mailwright.model.audit import AuditQuery
from mailwright.model.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from mailwright.security.tokens import token_digest
from mailwright.services.api_keys import DIGEST_PURPOSE, ApiCaller, require_key_scope
from mailwright.services.container import Services
from mailwright.testing.clock import FakeClock
from tests.values import STRONG

ROOT = "root@example.test"
DOM = "dom@example.test"


async def _admins(services: Services, operator: Actor) -> dict[str, Actor]:
    """Two domains, a global admin and a domain admin of example.test."""
    await services.domains.add(operator, "example.test")
    await services.domains.add(operator, "other.test")
    actors = {}
    for address, role, domains in [
        (ROOT, Role.GLOBAL_ADMIN, []),
        (DOM, Role.DOMAIN_ADMIN, ["example.test"]),
    ]:
        await services.mailboxes.create(operator, address, STRONG)
        admin = await services.admins.add(operator, address, role, domains)
        actors[address] = Actor.for_admin(admin, "192.0.2.1")
    return actors


async def _caller(services: Services, key: str) -> ApiCaller:
    caller = await services.api_keys.find_caller(key, "198.51.100.9")
    assert caller is not None
    return caller


async def test_create_shows_the_key_once_and_stores_only_its_digest(
    services: Services, operator: Actor
) -> None:
    """The key has the documented shape; storage holds its keyed digest, never the key."""
    await _admins(services, operator)
    created = await services.api_keys.create(operator, DOM, ApiKeyScope.ADMIN, name=" ci  bot ")
    prefix = created.api_key.prefix
    assert created.key.startswith(f"mw_{prefix}_") and len(created.key) == 3 + 10 + 1 + 43
    assert created.api_key.name == "ci bot"
    assert created.api_key.created_by == "operator:tester"
    expected = token_digest(services.secret.derive(DIGEST_PURPOSE), created.key)
    async with services.database.snapshot() as tx:
        stored = await tx.api_keys.find_by_prefix(prefix)
    assert stored is not None and stored.digest == expected
    assert created.key.split("_", 2)[2] not in repr(stored)


async def test_a_key_acts_for_its_admin_with_the_current_grant(
    services: Services, operator: Actor
) -> None:
    """The caller is the admin, with its role and scope, named after the key and the admin."""
    await _admins(services, operator)
    created = await services.api_keys.create(operator, DOM, ApiKeyScope.ADMIN)
    caller = await _caller(services, created.key)
    actor = caller.actor
    assert actor.kind is ActorKind.ADMIN and actor.role is Role.DOMAIN_ADMIN
    assert actor.domains == frozenset({"example.test"}) and actor.address == DOM
    assert actor.name == f"apikey:{created.api_key.prefix}:{DOM}"
    assert actor.source == "198.51.100.9"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda key: "",
        lambda key: "garbage",
        lambda key: key[:-1] + ("A" if key[-1] != "A" else "B"),
        lambda key: key.replace("mw_", "mx_", 1),
        lambda key: "mw_abcdefghij_" + key.split("_", 2)[2],
        lambda key: key + "x",
    ],
    ids=["empty", "garbage", "wrong-secret", "wrong-marker", "unknown-prefix", "too-long"],
)
async def test_anything_but_the_exact_key_is_refused(
    services: Services, operator: Actor, mangle: Callable[[str], str]
) -> None:
    """Malformed, unknown and wrong keys all get the same answer: no caller."""
    await _admins(services, operator)
    created = await services.api_keys.create(operator, ROOT, ApiKeyScope.ADMIN)
    assert await services.api_keys.find_caller(mangle(created.key), "s") is None


async def test_revoked_key_is_refused_and_cannot_be_revoked_twice(
    services: Services, operator: Actor, clock: FakeClock
) -> None:
    """After revocation the key stops working at once; a second revocation is a conflict."""
    await _admins(services, operator)
    created = await services.api_keys.create(operator, ROOT, ApiKeyScope.ADMIN)
    revoked = await services.api_keys.revoke(operator, created.api_key.prefix)
    assert revoked.revoked_at == clock.now()
    assert await services.api_keys.find_caller(created.key, "s") is None
    with pytest.raises(Conflict):
        await services.api_keys.revoke(operator, created.api_key.prefix)
    with pytest.raises(NotFound):
        await services.api_keys.revoke(operator, "zzzzzzzzzz")


async def test_key_dies_with_its_grant_even_when_the_role_is_given_again(
    services: Services, operator: Actor, clock: FakeClock
) -> None:
    """Revoking the admin's role ends the key; a later grant does not revive it."""
    await _admins(services, operator)
    created = await services.api_keys.create(operator, DOM, ApiKeyScope.ADMIN)
    await services.admins.remove(operator, DOM)
    assert await services.api_keys.find_caller(created.key, "s") is None
    clock.advance(5)
    await services.admins.add(operator, DOM, Role.GLOBAL_ADMIN, [])
    assert await services.api_keys.find_caller(created.key, "s") is None


async def test_disabled_mailbox_suspends_the_key(services: Services, operator: Actor) -> None:
    """While the admin's mailbox is disabled its keys are refused; enabling restores them."""
    await _admins(services, operator)
    created = await services.api_keys.create(operator, DOM, ApiKeyScope.ADMIN)
    await services.mailboxes.set_disabled(operator, DOM, True)
    assert await services.api_keys.find_caller(created.key, "s") is None
    await services.mailboxes.set_disabled(operator, DOM, False)
    assert await services.api_keys.find_caller(created.key, "s") is not None


async def test_last_use_is_recorded_at_most_once_a_minute(
    services: Services, operator: Actor, clock: FakeClock
) -> None:
    """The first use is stamped; uses within a minute are not; a later one is."""
    await _admins(services, operator)
    created = await services.api_keys.create(operator, ROOT, ApiKeyScope.ADMIN)
    prefix = created.api_key.prefix
    assert created.api_key.last_used_at is None
    first = clock.now()
    await _caller(services, created.key)
    clock.advance(59)
    await _caller(services, created.key)
    assert (await services.api_keys.get(operator, prefix)).last_used_at == first
    clock.advance(1)
    await _caller(services, created.key)
    assert (await services.api_keys.get(operator, prefix)).last_used_at == clock.now()


async def test_only_global_admins_manage_keys(services: Services, operator: Actor) -> None:
    """A domain admin may neither create, list, read nor revoke keys."""
    actors = await _admins(services, operator)
    created = await services.api_keys.create(actors[ROOT], DOM, ApiKeyScope.ADMIN)
    dom = actors[DOM]
    with pytest.raises(PermissionDenied):
        await services.api_keys.create(dom, DOM, ApiKeyScope.ADMIN)
    with pytest.raises(PermissionDenied):
        await services.api_keys.list_keys(dom)
    with pytest.raises(PermissionDenied):
        await services.api_keys.get(dom, created.api_key.prefix)
    with pytest.raises(PermissionDenied):
        await services.api_keys.revoke(dom, created.api_key.prefix)


async def test_create_refuses_bad_requests(services: Services, operator: Actor) -> None:
    """Non-admins, sandboxed or limited admin keys, foreign or unknown domains are refused."""
    await _admins(services, operator)
    await services.mailboxes.create(operator, "alice@example.test", STRONG)
    with pytest.raises(NotFound, match="no admin role"):
        await services.api_keys.create(operator, "alice@example.test", ApiKeyScope.ADMIN)
    with pytest.raises(InvalidInput) as sandboxed:
        await services.api_keys.create(operator, ROOT, ApiKeyScope.ADMIN, sandbox=True)
    assert sandboxed.value.problems[0].field == "sandbox"
    with pytest.raises(InvalidInput):
        await services.api_keys.create(operator, ROOT, ApiKeyScope.ADMIN, domains=["example.test"])
    with pytest.raises(InvalidInput, match="outside the scope"):
        await services.api_keys.create(operator, DOM, ApiKeyScope.SEND, domains=["other.test"])
    with pytest.raises(NotFound):
        await services.api_keys.create(operator, ROOT, ApiKeyScope.SEND, domains=["nowhere.test"])
    with pytest.raises(InvalidInput):
        await services.api_keys.create(operator, ROOT, ApiKeyScope.ADMIN, name="x" * 129)
    send = await services.api_keys.create(
        operator, DOM, ApiKeyScope.SEND, sandbox=True, domains=["Example.TEST"]
    )
    assert send.api_key.sandbox and send.api_key.domains == frozenset({"example.test"})


async def test_each_key_calls_only_its_own_api(services: Services, operator: Actor) -> None:
    """A send key is refused where an admin key is needed, and the other way round."""
    await _admins(services, operator)
    send = await services.api_keys.create(operator, ROOT, ApiKeyScope.SEND)
    admin = await services.api_keys.create(operator, ROOT, ApiKeyScope.ADMIN)
    with pytest.raises(PermissionDenied, match="has the send scope"):
        require_key_scope(await _caller(services, send.key), ApiKeyScope.ADMIN)
    with pytest.raises(PermissionDenied, match="has the admin scope"):
        require_key_scope(await _caller(services, admin.key), ApiKeyScope.SEND)
    require_key_scope(await _caller(services, admin.key), ApiKeyScope.ADMIN)


async def test_create_and_revoke_are_audited_without_the_key(
    services: Services, operator: Actor
) -> None:
    """Both actions are in the audit log, naming the prefix and admin but never the key."""
    await _admins(services, operator)
    created = await services.api_keys.create(operator, DOM, ApiKeyScope.ADMIN, name="ci")
    await services.api_keys.revoke(operator, created.api_key.prefix)
    events = await services.audit.list_events(operator, AuditQuery(action="apikey"))
    assert [e.entry.action for e in events] == ["apikey.revoke", "apikey.create"]
    target = f"apikey:{created.api_key.prefix}"
    assert all(e.entry.target == target for e in events)
    assert events[1].entry.details["admin"] == DOM
    secret = created.key.split("_", 2)[2]
    assert all(secret not in repr(e) for e in events)


async def test_list_shows_newest_first_and_filters_by_admin(
    services: Services, operator: Actor, clock: FakeClock
) -> None:
    """Listing is newest first, revoked keys included, optionally of one admin."""
    await _admins(services, operator)
    first = await services.api_keys.create(operator, ROOT, ApiKeyScope.ADMIN)
    clock.advance(1)
    second = await services.api_keys.create(operator, DOM, ApiKeyScope.ADMIN)
    await services.api_keys.revoke(operator, first.api_key.prefix)
    listed = await services.api_keys.list_keys(operator)
    assert [k.prefix for k in listed] == [second.api_key.prefix, first.api_key.prefix]
    assert listed[1].revoked_at is not None
    mine = await services.api_keys.list_keys(operator, "DOM@example.test")
    assert [k.prefix for k in mine] == [second.api_key.prefix]
