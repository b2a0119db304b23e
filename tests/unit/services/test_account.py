"""The owner's side: change_password, the recovery address behind a confirmation link, the
owner's sessions, and the client settings shown and served for hosted domains."""

from __future__ import annotations

import pytest

from mailwright.model.actors import Actor
from mailwright.model.admins import Role
from mailwright.model.audit import AuditQuery
from mailwright.model.authentication import AuthOutcome, LoginProtocol
from mailwright.model.errors import (
    InvalidInput,
    NotFound,
    PasswordRejected,
    PermissionDenied,
    RateLimited,
)
from mailwright.model.events import CredentialsChanged, Event
from mailwright.model.recovery import LinkState
from mailwright.model.sessions import SessionRealm
from mailwright.services.client_setup import Security
from mailwright.services.container import Services
from mailwright.services.mailboxes import MailboxChanges
from mailwright.testing.clock import FakeClock
from tests.mailreading import inbox, link_in, with_subject
from tests.values import STRONG

ALICE = "alice@example.test"
HOME = "alice@home.test"
WORK = "alice.work@home.test"
NEW = "Copper-Lantern-Mosaic-58"
SOURCE = "198.51.100.7"
OWNER = Actor.owner(ALICE, SOURCE)
CONFIRM_SUBJECT = f"Confirm the recovery address of {ALICE}"


@pytest.fixture
async def world(services: Services, operator: Actor) -> Services:
    """alice (an admin too) with a recovery address; a second address of hers at home.test."""
    await services.domains.add(operator, "example.test")
    await services.domains.add(operator, "home.test")
    for address in (HOME, WORK):
        await services.mailboxes.create(operator, address, STRONG)
    await services.mailboxes.create(operator, ALICE, STRONG, display_name="Alice Liddell")
    await services.mailboxes.update(operator, ALICE, MailboxChanges(recovery_address=HOME))
    await services.admins.add(operator, ALICE, Role.DOMAIN_ADMIN, ["example.test"])
    return services


async def test_owner_changes_the_password_with_audit_event_and_notice(world: Services) -> None:
    """The new password works at once, the old one does not; the change is audited as
    mailbox.password.change, ends the mailbox's sessions, and the recovery address is told."""
    seen: list[Event] = []
    world.events.subscribe(seen.append)
    result = await world.passwords.change_password(OWNER, ALICE, STRONG, NEW)
    auth = world.authenticator
    assert (await auth.authenticate(ALICE, NEW, LoginProtocol.IMAP, "t")).ok
    old = await auth.authenticate(ALICE, STRONG, LoginProtocol.IMAP, "t")
    assert old.outcome is AuthOutcome.BAD_CREDENTIALS
    assert [e.address for e in seen if isinstance(e, CredentialsChanged)] == [ALICE]
    assert result.notified == (HOME,)
    (event,) = await world.audit.list_events(
        Actor.operator("t"), AuditQuery(action="mailbox.password.change")
    )
    assert (event.entry.actor, event.entry.source) == (ALICE, SOURCE)
    assert NEW not in str(event.entry) and STRONG not in str(event.entry)
    (notice,) = with_subject(await inbox(world, HOME), f"Password changed for {ALICE}")
    assert NEW not in notice.as_string()


async def test_change_clears_must_change_and_ends_web_sessions(
    world: Services, operator: Actor
) -> None:
    """A mailbox that must change its password is let into the account realm only, and the
    change clears the flag and ends that session (both realms' sessions end)."""
    temporary = "Temporary-Passphrase-2931"
    await world.passwords.reset_password(
        operator, ALICE, temporary, must_change=True, reason="", notify=False
    )
    await world.web_sessions.settle()  # the reset's own revocation, before the new sessions
    admin = await world.web_sessions.sign_in(SessionRealm.ADMIN, ALICE, temporary, source=SOURCE)
    assert admin.refusal is not None and admin.refusal.value == "must-change"
    account = await world.web_sessions.sign_in(
        SessionRealm.ACCOUNT, ALICE, temporary, source=SOURCE
    )
    assert account.ok
    result = await world.passwords.change_password(OWNER, ALICE, temporary, NEW)
    await world.web_sessions.settle()
    assert not result.mailbox.must_change
    assert await world.web_sessions.list_live(ALICE, SessionRealm.ACCOUNT) == []
    assert (await world.authenticator.authenticate(ALICE, NEW, LoginProtocol.SMTP, "t")).ok


async def test_wrong_current_password_is_refused_and_throttled(world: Services) -> None:
    """The current password is checked like a login: a wrong one names the field, and
    repeated failures lock the address (even for the right password)."""
    with pytest.raises(InvalidInput) as wrong:
        await world.passwords.change_password(OWNER, ALICE, "Not-The-Password-1", NEW)
    assert [p.field for p in wrong.value.problems] == ["current"]
    for _ in range(5):
        with pytest.raises((InvalidInput, RateLimited)):
            await world.passwords.change_password(OWNER, ALICE, "Not-The-Password-1", NEW)
    with pytest.raises(RateLimited, match="Too many wrong passwords"):
        await world.passwords.change_password(OWNER, ALICE, STRONG, NEW)


async def test_change_applies_the_policy_and_the_history(world: Services) -> None:
    """A weak password is refused with every reason; the current password counts as used."""
    with pytest.raises(PasswordRejected) as weak:
        await world.passwords.change_password(OWNER, ALICE, STRONG, "alice2024")
    assert any("shorter than 12" in reason for reason in weak.value.reasons)
    with pytest.raises(PasswordRejected, match="last 5 passwords"):
        await world.passwords.change_password(OWNER, ALICE, STRONG, STRONG)


async def test_only_the_owner_may_change_a_password(world: Services) -> None:
    """Admins reset passwords; change_password is for the mailbox's owner only."""
    admin = await world.admins.find(ALICE)
    assert admin is not None
    for actor in (Actor.for_admin(admin, SOURCE), Actor.owner(HOME, SOURCE)):
        with pytest.raises(PermissionDenied):
            await world.passwords.change_password(actor, ALICE, STRONG, NEW)


async def test_recovery_address_changes_only_when_its_link_is_followed(
    world: Services, clock: FakeClock
) -> None:
    """Asking needs the current password; a link goes to the new address and a notice to the
    old; the address changes when the link is followed, once."""
    with pytest.raises(InvalidInput) as wrong:
        await world.account.request_recovery_address(OWNER, ALICE, "Wrong-Password-123", WORK)
    assert [p.field for p in wrong.value.problems] == ["current"]
    pending = await world.account.request_recovery_address(OWNER, ALICE, STRONG, WORK)
    assert pending.new_address == WORK
    assert set(pending.notified) == {WORK, HOME}
    assert (await world.account.mailbox(OWNER)).recovery_address == HOME
    (notice,) = with_subject(
        await inbox(world, HOME), f"Recovery address change requested for {ALICE}"
    )
    assert WORK in notice.as_string()
    (mail,) = with_subject(await inbox(world, WORK), CONFIRM_SUBJECT)
    token = link_in(mail, "/account/recovery-address/confirm").rpartition("token=")[2]
    clock.advance(minutes=10)

    mailbox = await world.account.confirm_recovery_address(token, "203.0.113.9")

    assert mailbox.recovery_address == WORK
    with pytest.raises(NotFound, match="used already"):
        await world.account.confirm_recovery_address(token, "203.0.113.9")
    (event,) = await world.audit.list_events(
        Actor.operator("t"), AuditQuery(action="mailbox.recovery-address.change")
    )
    assert event.entry.details == {"old_address": HOME, "new_address": WORK}


async def test_recovery_address_link_expires_and_dies_with_a_password_change(
    world: Services, clock: FakeClock
) -> None:
    """A confirmation link is refused after 30 minutes, or after the password changed."""
    await world.account.request_recovery_address(OWNER, ALICE, STRONG, WORK)
    (mail,) = with_subject(await inbox(world, WORK), CONFIRM_SUBJECT)
    token = link_in(mail, "/account/recovery-address/confirm").rpartition("token=")[2]
    await world.passwords.change_password(OWNER, ALICE, STRONG, NEW)
    assert (await world.account.present_recovery_address_link(token)).state is LinkState.STALE
    await world.account.request_recovery_address(OWNER, ALICE, NEW, WORK)
    second = with_subject(await inbox(world, WORK), CONFIRM_SUBJECT)[-1]
    token = link_in(second, "/account/recovery-address/confirm").rpartition("token=")[2]
    clock.advance(minutes=31)
    with pytest.raises(NotFound, match="expired"):
        await world.account.confirm_recovery_address(token, SOURCE)


async def test_recovery_address_must_be_another_new_address(world: Services) -> None:
    """The mailbox itself, the current recovery address and non-addresses are refused."""
    for value, words in ((ALICE, "another mailbox"), (HOME, "already"), ("home", "not an")):
        with pytest.raises(InvalidInput, match=words):
            await world.account.request_recovery_address(OWNER, ALICE, STRONG, value)


async def test_owner_lists_and_ends_sessions(world: Services) -> None:
    """The owner sees sessions of both realms, can end one, or all but the current one, and
    cannot end another mailbox's session."""
    current = await world.web_sessions.sign_in(SessionRealm.ACCOUNT, ALICE, STRONG, source="a")
    other = await world.web_sessions.sign_in(SessionRealm.ACCOUNT, ALICE, STRONG, source="b")
    admin = await world.web_sessions.sign_in(SessionRealm.ADMIN, ALICE, STRONG, source="c")
    stranger = await world.web_sessions.sign_in(SessionRealm.ACCOUNT, HOME, STRONG, source="d")
    assert current.session and other.session and admin.session and stranger.session
    assert len(await world.account.list_sessions(OWNER)) == 3
    with pytest.raises(NotFound):
        await world.account.end_session(OWNER, stranger.session.id)
    await world.account.end_session(OWNER, other.session.id)
    assert await world.account.end_other_sessions(OWNER, current.session.id) == 1
    (left,) = await world.account.list_sessions(OWNER)
    assert left.id == current.session.id


async def test_client_settings_are_given_for_hosted_domains_only(world: Services) -> None:
    """Any address or name of a hosted domain gets the IMAP and submission endpoints (implicit
    TLS first); other domains and garbage get None."""
    found = await world.client_setup.find("anyone@Example.test")
    assert found is not None and found.address == "anyone@example.test"
    assert [(e.protocol, e.security) for e in found.incoming] == [
        ("imap", Security.TLS),
        ("imap", Security.STARTTLS),
    ]
    assert [(e.protocol, e.security) for e in found.outgoing] == [
        ("smtp", Security.TLS),
        ("smtp", Security.STARTTLS),
    ]
    assert found.incoming[0].hostname == "mail.example.test"
    domain = await world.client_setup.find("home.test")
    assert domain is not None and domain.address is None
    for text in ("someone@elsewhere.test", "elsewhere.test", "", "not a domain"):
        assert await world.client_setup.find(text) is None
