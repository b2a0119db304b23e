"""Web sessions: sign-in through the throttled authenticator, expiry, revocation, CSRF
tokens, realms."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mailwright.model.actors import Actor
from mailwright.model.admins import Role
from mailwright.model.audit import AuditQuery
from mailwright.model.sessions import SessionRealm
from mailwright.services.container import Services
from mailwright.services.web_sessions import SignInRefusal
from mailwright.testing.clock import FakeClock
from tests.values import STRONG

ADMIN = "root@example.test"
OWNER = "alice@example.test"
NEW = "Copper-Lantern-Mosaic-58"
SOURCE = "198.51.100.7"


@pytest.fixture
async def world(services: Services, operator: Actor) -> Services:
    """A domain, a global admin and an ordinary mailbox."""
    await services.domains.add(operator, "example.test")
    await services.mailboxes.create(operator, ADMIN, STRONG)
    await services.mailboxes.create(operator, OWNER, STRONG)
    await services.admins.add(operator, ADMIN, Role.GLOBAL_ADMIN, [])
    return services


async def sign_in(services: Services, address: str = ADMIN, password: str = STRONG) -> str:
    """Sign in to the admin realm and return the cookie token."""
    result = await services.web_sessions.sign_in(
        SessionRealm.ADMIN, address, password, source=SOURCE, user_agent="pytest"
    )
    assert result.token, result.message
    return result.token


async def test_sign_in_starts_a_session_storing_only_the_token_digest(
    world: Services, operator: Actor
) -> None:
    """A correct admin sign-in returns a random token; the database keeps only its digest,
    the session resumes with the admin's grant, and the sign-in is audited."""
    result = await world.web_sessions.sign_in(
        SessionRealm.ADMIN, "Root@Example.TEST", STRONG, source=SOURCE, user_agent="pytest"
    )
    assert result.ok and result.token and result.session and result.admin
    assert result.session.address == ADMIN
    async with world.database.snapshot() as tx:
        assert await tx.sessions.find_by_digest(result.token) is None
    resumed = await world.web_sessions.resume(SessionRealm.ADMIN, result.token)
    assert resumed is not None and resumed.admin == result.admin
    assert resumed.actor(SOURCE) == Actor.for_admin(result.admin, SOURCE)
    events = await world.audit.list_events(operator, AuditQuery(action="admin.sign-in"))
    assert [(e.entry.actor, e.entry.source) for e in events] == [(ADMIN, SOURCE)]


async def test_wrong_password_is_refused_and_throttled_like_every_login(
    world: Services,
) -> None:
    """A wrong password is refused in plain words; after the free attempts even the right
    password is refused with the time to wait."""
    sessions = world.web_sessions
    refusals = [
        (await sessions.sign_in(SessionRealm.ADMIN, ADMIN, "Wrong-Password-11", source=SOURCE))
        for _ in range(6)
    ]
    assert refusals[0].refusal is SignInRefusal.BAD_CREDENTIALS
    assert refusals[0].message == "The email address or password is not correct."
    locked = await sessions.sign_in(SessionRealm.ADMIN, ADMIN, STRONG, source=SOURCE)
    assert locked.refusal is SignInRefusal.THROTTLED and locked.token is None
    assert locked.retry_after > 0 and "Try again in" in locked.message


async def test_unknown_address_is_refused_like_a_wrong_password(world: Services) -> None:
    """An address without a mailbox gets the same answer as a wrong password."""
    result = await world.web_sessions.sign_in(
        SessionRealm.ADMIN, "nobody@example.test", STRONG, source=SOURCE
    )
    assert result.refusal is SignInRefusal.BAD_CREDENTIALS


async def test_mailbox_without_admin_role_opens_only_the_account_realm(world: Services) -> None:
    """An ordinary mailbox cannot sign in to the admin center, but can to the account
    portal, where it acts as the owner."""
    admin = await world.web_sessions.sign_in(SessionRealm.ADMIN, OWNER, STRONG, source=SOURCE)
    assert admin.refusal is SignInRefusal.NOT_ADMIN and admin.token is None
    account = await world.web_sessions.sign_in(SessionRealm.ACCOUNT, OWNER, STRONG, source=SOURCE)
    assert account.token
    resumed = await world.web_sessions.resume(SessionRealm.ACCOUNT, account.token)
    assert resumed and resumed.admin is None
    assert resumed.actor(SOURCE) == Actor.owner(OWNER, SOURCE)


async def test_must_change_admin_is_pointed_to_the_account_portal(
    world: Services, operator: Actor
) -> None:
    """An admin who must change the password is refused with a message naming /account/;
    the account portal lets the same mailbox in to change it."""
    await world.passwords.reset_password(
        operator, ADMIN, NEW, must_change=True, reason="", notify=False
    )
    refused = await world.web_sessions.sign_in(SessionRealm.ADMIN, ADMIN, NEW, source=SOURCE)
    assert refused.refusal is SignInRefusal.MUST_CHANGE and "/account/" in refused.message
    account = await world.web_sessions.sign_in(SessionRealm.ACCOUNT, ADMIN, NEW, source=SOURCE)
    assert account.ok


async def test_disabled_mailbox_cannot_sign_in(world: Services, operator: Actor) -> None:
    """A disabled admin mailbox is refused as disabled."""
    await world.mailboxes.set_disabled(operator, ADMIN, True)
    result = await world.web_sessions.sign_in(SessionRealm.ADMIN, ADMIN, STRONG, source=SOURCE)
    assert result.refusal is SignInRefusal.DISABLED


async def test_idle_session_ends_after_thirty_minutes(world: Services, clock: FakeClock) -> None:
    """A session unused for more than the idle timeout no longer resumes."""
    token = await sign_in(world)
    clock.advance(minutes=29)
    assert await world.web_sessions.resume(SessionRealm.ADMIN, token)
    clock.advance(minutes=31)
    assert await world.web_sessions.resume(SessionRealm.ADMIN, token) is None


async def test_activity_slides_the_idle_timeout_written_at_most_once_a_minute(
    world: Services, clock: FakeClock
) -> None:
    """Each use extends the session; uses within a minute of the last write do not write."""
    token = await sign_in(world)
    sessions = world.web_sessions
    clock.advance(seconds=30)
    quick = await sessions.resume(SessionRealm.ADMIN, token)
    assert quick and quick.session.last_seen_at == quick.session.created_at
    for _ in range(3):
        clock.advance(minutes=25)
        assert await sessions.resume(SessionRealm.ADMIN, token)
    live = await sessions.list_live(ADMIN, SessionRealm.ADMIN)
    assert live[0].last_seen_at == clock.now()
    assert live[0].expires_at == clock.now() + timedelta(minutes=30)


async def test_session_ends_at_its_absolute_lifetime_however_busy(
    world: Services, clock: FakeClock
) -> None:
    """Used every 29 minutes, a session still ends 12 hours after sign-in."""
    token = await sign_in(world)
    started = clock.now()
    while clock.now() + timedelta(minutes=29) < started + timedelta(hours=12):
        clock.advance(minutes=29)
        assert await world.web_sessions.resume(SessionRealm.ADMIN, token)
    clock.advance(minutes=29)
    assert await world.web_sessions.resume(SessionRealm.ADMIN, token) is None


async def test_sign_out_revokes_the_session(world: Services, operator: Actor) -> None:
    """After sign-out the token resumes nothing, and the sign-out is audited."""
    token = await sign_in(world)
    live = await world.web_sessions.resume(SessionRealm.ADMIN, token)
    assert live
    await world.web_sessions.sign_out(token, live.actor(SOURCE))
    assert await world.web_sessions.resume(SessionRealm.ADMIN, token) is None
    await world.web_sessions.sign_out(token)
    events = await world.audit.list_events(operator, AuditQuery(action="admin.sign-out"))
    assert len(events) == 1


async def test_password_reset_ends_every_session_of_the_mailbox(
    world: Services, operator: Actor, clock: FakeClock
) -> None:
    """A reset of the admin's password ends its sessions at once and revokes them in the
    database (via the CredentialsChanged event); other admins keep theirs."""
    await world.mailboxes.create(operator, "other@example.test", STRONG)
    await world.admins.add(operator, "other@example.test", Role.GLOBAL_ADMIN, [])
    first, second = await sign_in(world), await sign_in(world)
    bystander = await sign_in(world, "other@example.test")
    clock.advance(seconds=1)
    await world.passwords.reset_password(
        operator, ADMIN, NEW, must_change=False, reason="", notify=False
    )
    for token in (first, second):
        assert await world.web_sessions.resume(SessionRealm.ADMIN, token) is None
    await world.web_sessions.settle()
    assert await world.web_sessions.list_live(ADMIN, SessionRealm.ADMIN) == []
    assert await world.web_sessions.resume(SessionRealm.ADMIN, bystander)
    assert await sign_in(world, ADMIN, NEW)


async def test_revoked_grant_or_removed_mailbox_ends_the_session(
    world: Services, operator: Actor
) -> None:
    """A session whose admin grant is gone does not resume, and is revoked."""
    await world.mailboxes.create(operator, "help@example.test", STRONG)
    await world.admins.add(operator, "help@example.test", Role.HELPDESK, [])
    token = await sign_in(world, "help@example.test")
    await world.admins.remove(operator, "help@example.test")
    assert await world.web_sessions.resume(SessionRealm.ADMIN, token) is None
    assert await world.web_sessions.list_live("help@example.test", SessionRealm.ADMIN) == []


async def test_session_of_one_realm_does_not_open_another(world: Services) -> None:
    """An account-portal session is no admin session, and unknown tokens resume nothing."""
    account = await world.web_sessions.sign_in(SessionRealm.ACCOUNT, ADMIN, STRONG, source=SOURCE)
    assert account.token
    assert await world.web_sessions.resume(SessionRealm.ADMIN, account.token) is None
    assert await world.web_sessions.resume(SessionRealm.ADMIN, "") is None
    assert await world.web_sessions.resume(SessionRealm.ADMIN, "made-up-token") is None


async def test_csrf_tokens_are_bound_to_their_session(world: Services) -> None:
    """A session's CSRF token checks only with that session; sign-in form tokens only with
    their pre-session cookie; the two kinds never stand in for each other."""
    sessions = world.web_sessions
    first, second = await sign_in(world), await sign_in(world)
    live = await sessions.resume(SessionRealm.ADMIN, first)
    assert live and live.csrf_token == sessions.csrf_token(first)
    assert sessions.check_csrf(first, live.csrf_token)
    assert not sessions.check_csrf(second, live.csrf_token)
    assert not sessions.check_csrf(first, "")
    assert not sessions.check_csrf("", sessions.csrf_token(""))
    pre = sessions.new_sign_in_token()
    form_token = sessions.sign_in_csrf_token(pre)
    assert sessions.check_sign_in_csrf(pre, form_token)
    assert not sessions.check_sign_in_csrf(sessions.new_sign_in_token(), form_token)
    assert not sessions.check_csrf(pre, form_token)
    assert not sessions.check_sign_in_csrf(first, live.csrf_token)
