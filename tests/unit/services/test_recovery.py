"""Forgotten-password recovery: links to the recovery address, single use, expiry, binding to
the password, rate limits that tell nothing, and what a successful recovery ends and tells."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from sqlalchemy import event, text

from mailwright.model.actors import Actor
from mailwright.model.audit import AuditQuery
from mailwright.model.authentication import AuthOutcome, LoginProtocol
from mailwright.model.errors import InvalidInput, NotFound, PasswordRejected, RateLimited
from mailwright.model.events import CredentialsChanged, Event
from mailwright.model.recovery import LinkState
from mailwright.model.sessions import SessionRealm
from mailwright.services.container import Services
from mailwright.services.mailboxes import MailboxChanges
from mailwright.storage.sql.database import SqlDatabase
from mailwright.testing.clock import FakeClock
from tests.mailreading import body_text, inbox, link_in, with_subject
from tests.values import STRONG

ALICE = "alice@example.test"
HOME = "alice@home.test"
BOB = "bob@example.test"
NEW = "Copper-Lantern-Mosaic-58"
SOURCE = "198.51.100.7"
SUBJECT = f"Reset the password of {ALICE}"


@pytest.fixture
async def world(services: Services, operator: Actor) -> Services:
    """alice with a recovery address at another hosted domain; bob without one."""
    await services.domains.add(operator, "example.test")
    await services.domains.add(operator, "home.test")
    await services.mailboxes.create(operator, HOME, STRONG)
    await services.mailboxes.create(operator, ALICE, STRONG, display_name="Alice Liddell")
    await services.mailboxes.update(operator, ALICE, MailboxChanges(recovery_address=HOME))
    await services.mailboxes.create(operator, BOB, STRONG)
    return services


async def reset_mails(services: Services) -> list[EmailMessage]:
    """The reset-link mails in alice's recovery mailbox."""
    await services.recovery.settle()
    return with_subject(await inbox(services, HOME), SUBJECT)


async def mailed_token(services: Services) -> str:
    """Ask for a link for alice and return the token of the newest mail."""
    await services.recovery.request_reset(ALICE, SOURCE)
    link = link_in((await reset_mails(services))[-1], "/recover/password")
    return link.rpartition("token=")[2]


async def test_request_mails_a_single_use_link_to_the_recovery_address(world: Services) -> None:
    """A request for a mailbox with a recovery address mails a link there (after the request
    returns), and says when and from where it was asked for."""
    await world.recovery.request_reset("Alice@Example.TEST", SOURCE)
    (mail,) = await reset_mails(world)
    assert mail["To"] == HOME
    link = link_in(mail, "/recover/password")
    assert link.startswith("http://127.0.0.1:0/recover/password?token=")
    assert SOURCE in body_text(mail)
    presented = await world.recovery.present_link(link.rpartition("token=")[2])
    assert presented.state is LinkState.LIVE
    assert presented.link is not None and presented.link.recipient == HOME


async def test_request_path_does_the_same_work_for_every_address(world: Services) -> None:
    """Until request_reset returns, the same SQL runs for a mailbox with a recovery address,
    one without, and an unknown address (no mailbox lookup): timing cannot tell them apart.
    The lookup and the mail happen afterwards, off the request path."""
    database = world.database
    assert isinstance(database, SqlDatabase)
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    paths = {}
    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    try:
        for address in (ALICE, BOB, "nobody@example.test"):
            statements.clear()
            await world.recovery.request_reset(address, SOURCE)
            paths[address] = list(statements)
            await world.recovery.settle()
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)
    assert paths[ALICE] == paths[BOB] == paths["nobody@example.test"]
    assert any("INSERT INTO recovery_requests" in statement for statement in paths[ALICE])
    assert not any("mailboxes" in statement for statement in paths[ALICE])
    assert len(await reset_mails(world)) == 1


async def test_unknown_and_addressless_mailboxes_get_no_link(world: Services) -> None:
    """Requests for an unknown address and for a mailbox without a recovery address are
    accepted the same way, and nothing is issued or sent."""
    await world.recovery.request_reset("nobody@example.test", SOURCE)
    await world.recovery.request_reset(BOB, SOURCE)
    await world.recovery.settle()
    async with world.database.snapshot() as tx:
        assert await tx.recovery.find_link("0" * 64) is None
    assert with_subject(await inbox(world, HOME), SUBJECT) == []
    assert with_subject(await inbox(world, BOB), f"Reset the password of {BOB}") == []


async def test_only_a_keyed_digest_of_the_token_is_stored(world: Services) -> None:
    """The database holds no trace of the mailed token itself."""
    token = await mailed_token(world)
    database = world.database
    assert isinstance(database, SqlDatabase)
    async with database.engine.connect() as connection:
        rows = (await connection.execute(text("SELECT * FROM recovery_links"))).all()
    assert len(rows) == 1
    assert all(token not in str(value) for value in rows[0])


async def test_link_sets_the_password_once_and_ends_every_session(
    world: Services, clock: FakeClock
) -> None:
    """Following the link sets a policy-checked password, clears must-change, ends web
    sessions of both realms, publishes CredentialsChanged, audits, notifies the mailbox and
    the recovery address; the link then refuses a second use."""
    await world.passwords.reset_password(
        Actor.operator("t"),
        ALICE,
        "Temporary-Passphrase-2931",
        must_change=True,
        reason="",
        notify=False,
    )
    await world.web_sessions.settle()  # the reset's own revocation, before the new session
    sign_in = await world.web_sessions.sign_in(
        SessionRealm.ACCOUNT, ALICE, "Temporary-Passphrase-2931", source=SOURCE
    )
    assert sign_in.ok
    seen: list[Event] = []
    world.events.subscribe(seen.append)
    token = await mailed_token(world)
    clock.advance(minutes=5)

    result = await world.recovery.reset_with_link(token, NEW, "203.0.113.9")

    assert result.sessions_ended == 1
    assert not result.mailbox.must_change
    assert set(result.notified) == {ALICE, HOME}
    auth = world.authenticator
    assert (await auth.authenticate(ALICE, NEW, LoginProtocol.IMAP, "t")).outcome is AuthOutcome.OK
    assert await world.web_sessions.list_live(ALICE, SessionRealm.ACCOUNT) == []
    changed = [e for e in seen if isinstance(e, CredentialsChanged)]
    assert [e.address for e in changed] == [ALICE]
    (event,) = await world.audit.list_events(
        Actor.operator("t"), AuditQuery(action="mailbox.password.recover")
    )
    assert event.entry.source == "203.0.113.9" and event.entry.target == ALICE
    assert token not in str(event.entry) and NEW not in str(event.entry)
    notices = with_subject(await inbox(world, ALICE), f"Password recovered for {ALICE}")
    assert len(notices) == 1 and NEW not in notices[0].as_string()
    with pytest.raises(NotFound, match="used already"):
        await world.recovery.reset_with_link(token, "Another-Fine-Passphrase-77", SOURCE)


async def test_link_expires_after_the_configured_minutes(world: Services, clock: FakeClock) -> None:
    """A link is live for 30 minutes and refused after."""
    token = await mailed_token(world)
    clock.advance(minutes=29)
    assert (await world.recovery.present_link(token)).state is LinkState.LIVE
    clock.advance(minutes=1)
    assert (await world.recovery.present_link(token)).state is LinkState.EXPIRED
    with pytest.raises(NotFound, match="expired"):
        await world.recovery.reset_with_link(token, NEW, SOURCE)


async def test_link_dies_when_the_password_changes_another_way(world: Services) -> None:
    """An admin reset (or any other change) after the link was sent makes it stale."""
    token = await mailed_token(world)
    await world.passwords.reset_password(
        Actor.operator("t"), ALICE, NEW, must_change=False, reason="", notify=False
    )
    assert (await world.recovery.present_link(token)).state is LinkState.STALE
    with pytest.raises(NotFound, match="changed since it was sent"):
        await world.recovery.reset_with_link(token, "Another-Fine-Passphrase-77", SOURCE)


async def test_link_dies_when_the_recovery_address_changes(world: Services) -> None:
    """A link sent to the old recovery address stops working once the address changes."""
    token = await mailed_token(world)
    await world.mailboxes.update(
        Actor.operator("t"), ALICE, MailboxChanges(recovery_address="alice2@home.test")
    )
    assert (await world.recovery.present_link(token)).state is LinkState.STALE


async def test_disabled_mailbox_cannot_be_recovered(world: Services, operator: Actor) -> None:
    """A disabled mailbox gets no link, and a link sent before it was disabled is stale."""
    token = await mailed_token(world)
    await world.mailboxes.set_disabled(operator, ALICE, True)
    assert (await world.recovery.present_link(token)).state is LinkState.STALE
    await world.recovery.request_reset(ALICE, "192.0.2.1")
    assert len(await reset_mails(world)) == 1


async def test_unknown_token_is_refused(world: Services) -> None:
    """A made-up, empty or overlong token is unknown."""
    for token in ("made-up", "", "x" * 500):
        presented = await world.recovery.present_link(token)
        assert presented.state is LinkState.UNKNOWN
        with pytest.raises(NotFound, match="not valid"):
            presented.require_live()


async def test_policy_applies_and_a_refused_password_leaves_the_link_live(
    world: Services,
) -> None:
    """A weak password, or the current one, is refused with reasons; the link still works."""
    token = await mailed_token(world)
    with pytest.raises(PasswordRejected) as weak:
        await world.recovery.reset_with_link(token, "alice2024", SOURCE)
    assert any("shorter than 12" in reason for reason in weak.value.reasons)
    with pytest.raises(PasswordRejected, match="last 5 passwords"):
        await world.recovery.reset_with_link(token, STRONG, SOURCE)
    assert (await world.recovery.present_link(token)).state is LinkState.LIVE
    report = await world.recovery.check_password_for_link(token, NEW)
    assert report.ok


async def test_requests_are_limited_per_address_alike_whether_it_exists(
    world: Services, clock: FakeClock
) -> None:
    """The fourth request within an hour for one address is refused with the same words for
    an existing and an unknown address; an hour later requests are accepted again."""
    messages = []
    for address in (ALICE, "nobody@example.test"):
        for number in range(3):
            await world.recovery.request_reset(address, f"192.0.2.{number}")
        with pytest.raises(RateLimited) as limited:
            await world.recovery.request_reset(address, "192.0.2.99")
        messages.append(limited.value.message)
    assert messages[0] == messages[1]
    assert "for this address" in messages[0] and "60 minutes" in messages[0]
    clock.advance(minutes=61)
    await world.recovery.request_reset(ALICE, "192.0.2.1")


async def test_requests_are_limited_per_source(world: Services) -> None:
    """One network address may ask ten times an hour, whatever the addresses."""
    for number in range(10):
        await world.recovery.request_reset(f"user{number}@example.test", SOURCE)
    with pytest.raises(RateLimited, match="from your network address"):
        await world.recovery.request_reset(ALICE, SOURCE)
    await world.recovery.request_reset(ALICE, "192.0.2.200")


async def test_text_that_is_no_address_is_refused(world: Services) -> None:
    """A request must name an email address."""
    with pytest.raises(InvalidInput, match="not an email address"):
        await world.recovery.request_reset("alice", SOURCE)
