"""reset_password: policy, history, roles and scope, audit, events."""

from __future__ import annotations

import pytest

from mailwright.model.actors import Actor
from mailwright.model.admins import Role
from mailwright.model.audit import AuditQuery, Outcome
from mailwright.model.authentication import AuthOutcome, LoginProtocol
from mailwright.model.errors import NotFound, PasswordRejected, PermissionDenied
from mailwright.model.events import CredentialsChanged, Event
from mailwright.services.container import Services
from tests.values import STRONG

NEW = "Copper-Lantern-Mosaic-58"


async def _setup(services: Services, operator: Actor) -> dict[str, Actor]:
    """Two domains, ordinary mailboxes, and one admin of each role."""
    await services.domains.add(operator, "example.test")
    await services.domains.add(operator, "other.test")
    for address in [
        "alice@example.test",
        "bob@other.test",
        "root@example.test",
        "dom@example.test",
        "help@example.test",
        "dom2@other.test",
    ]:
        await services.mailboxes.create(operator, address, STRONG)
    grants = {
        "root@example.test": (Role.GLOBAL_ADMIN, []),
        "dom@example.test": (Role.DOMAIN_ADMIN, ["example.test"]),
        "help@example.test": (Role.HELPDESK, ["example.test"]),
        "dom2@other.test": (Role.DOMAIN_ADMIN, ["other.test"]),
    }
    actors = {}
    for address, (role, domains) in grants.items():
        admin = await services.admins.add(operator, address, role, domains)
        actors[address.split("@")[0]] = Actor.for_admin(admin, "198.51.100.7")
    return actors


async def test_reset_applies_at_once_with_audit_and_event(
    services: Services, operator: Actor
) -> None:
    """The old password stops working, the new one works, an audit event and a
    CredentialsChanged event are recorded, and the result says what happened."""
    actors = await _setup(services, operator)
    seen: list[Event] = []
    services.events.subscribe(seen.append)
    result = await services.passwords.reset_password(
        actors["help"],
        "alice@example.test",
        NEW,
        must_change=False,
        reason="ticket 42",
        notify=True,
    )
    auth = services.authenticator
    assert (
        await auth.authenticate("alice@example.test", STRONG, LoginProtocol.IMAP, "s")
    ).outcome is AuthOutcome.BAD_CREDENTIALS
    assert (await auth.authenticate("alice@example.test", NEW, LoginProtocol.IMAP, "s")).ok
    assert result.generated_password is None and result.mailbox.password_changed_at is not None
    assert seen == [CredentialsChanged(result.mailbox.id, "alice@example.test", "password reset")]
    events = await services.audit.list_events(operator, AuditQuery(action="mailbox.password.reset"))
    entry = events[0].entry
    assert (entry.actor, entry.target, entry.reason, entry.source, entry.outcome) == (
        "help@example.test",
        "alice@example.test",
        "ticket 42",
        "198.51.100.7",
        Outcome.SUCCESS,
    )


async def test_generated_password_is_returned_once(services: Services, operator: Actor) -> None:
    """With no password given, a strong one is generated and works."""
    await _setup(services, operator)
    result = await services.passwords.reset_password(
        operator, "alice@example.test", None, must_change=True, reason="", notify=False
    )
    assert result.generated_password
    login = await services.authenticator.authenticate(
        "alice@example.test", result.generated_password, LoginProtocol.SMTP, "s"
    )
    assert login.outcome is AuthOutcome.MUST_CHANGE


async def test_policy_reasons_and_history(services: Services, operator: Actor) -> None:
    """A weak password is refused with every reason; a recent password is refused as reuse."""
    await _setup(services, operator)
    with pytest.raises(PasswordRejected) as weak:
        await services.passwords.reset_password(
            operator, "alice@example.test", "alice123", must_change=False, reason="", notify=False
        )
    assert len(weak.value.reasons) >= 3
    with pytest.raises(PasswordRejected) as reused:
        await services.passwords.reset_password(
            operator, "alice@example.test", STRONG, must_change=False, reason="", notify=False
        )
    assert reused.value.reasons == ("It is one of the last 5 passwords of this mailbox.",)


async def test_history_forgets_after_five(services: Services, operator: Actor) -> None:
    """The sixth-last password may be used again."""
    await _setup(services, operator)
    for i in range(5):
        await services.passwords.reset_password(
            operator, "alice@example.test", f"{NEW}-{i}", must_change=False, reason="", notify=False
        )
    await services.passwords.reset_password(
        operator, "alice@example.test", STRONG, must_change=False, reason="", notify=False
    )


async def test_domain_policy_is_stricter(services: Services, operator: Actor) -> None:
    """A domain's minimum length applies to its mailboxes."""
    from mailwright.services.domains import DomainChanges

    await _setup(services, operator)
    await services.domains.update(operator, "example.test", DomainChanges(password_min_length=30))
    report = await services.passwords.check_new_password("alice@example.test", NEW)
    assert report.reasons == ("It is shorter than 30 characters.",)


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("root", "dom@example.test", True),
        ("dom", "alice@example.test", True),
        ("dom", "help@example.test", True),
        ("dom", "root@example.test", False),
        ("dom", "bob@other.test", False),
        ("dom", "dom2@other.test", False),
        ("help", "alice@example.test", True),
        ("help", "root@example.test", False),
        ("help", "dom@example.test", False),
        ("help", "bob@other.test", False),
        ("dom2", "alice@example.test", False),
    ],
)
async def test_role_and_scope_matrix(
    services: Services, operator: Actor, actor: str, target: str, allowed: bool
) -> None:
    """Each role may reset exactly the mailboxes its scope and rank allow; refusals are audited."""
    actors = await _setup(services, operator)
    call = services.passwords.reset_password(
        actors[actor], target, NEW, must_change=False, reason="", notify=False
    )
    if allowed:
        await call
        return
    with pytest.raises(PermissionDenied):
        await call
    events = await services.audit.list_events(operator, AuditQuery(target=target))
    assert events[0].entry.outcome is Outcome.DENIED


async def test_unknown_mailbox(services: Services, operator: Actor) -> None:
    """Resetting a mailbox that does not exist raises NotFound (in scope) or PermissionDenied."""
    actors = await _setup(services, operator)
    with pytest.raises(NotFound):
        await services.passwords.reset_password(
            operator, "nobody@example.test", NEW, must_change=False, reason="", notify=False
        )
    with pytest.raises(PermissionDenied):
        await services.passwords.reset_password(
            actors["help"], "nobody@other.test", NEW, must_change=False, reason="", notify=False
        )


async def test_reason_with_control_characters_is_refused(
    services: Services, operator: Actor
) -> None:
    """A reason containing NUL or other control characters is refused before anything changes."""
    from mailwright.model.errors import InvalidInput

    await _setup(services, operator)
    with pytest.raises(InvalidInput, match="control characters"):
        await services.passwords.reset_password(
            operator, "alice@example.test", NEW, must_change=False, reason="x\x00y", notify=False
        )
