"""Live login tests on request: permission as for a reset, audit, the honest verifier answer."""

from __future__ import annotations

import pytest

from mailwright.model.actors import Actor
from mailwright.model.admins import Role
from mailwright.model.audit import AuditQuery, Outcome
from mailwright.model.errors import NotFound, PermissionDenied
from mailwright.services.container import Services
from mailwright.services.verification import ProbeOutcome
from tests.values import STRONG


async def _helpdesk(services: Services, operator: Actor) -> Actor:
    await services.domains.add(operator, "example.test")
    for address in ("alice@example.test", "help@example.test", "dom@example.test"):
        await services.mailboxes.create(operator, address, STRONG)
    await services.admins.add(operator, "dom@example.test", Role.DOMAIN_ADMIN, ["example.test"])
    admin = await services.admins.add(
        operator, "help@example.test", Role.HELPDESK, ["example.test"]
    )
    return Actor.for_admin(admin, "192.0.2.4")


async def test_verify_reports_unreachable_listeners_and_is_audited(
    services: Services, operator: Actor
) -> None:
    """Without running listeners both probes say so, and the test is in the audit log."""
    helpdesk = await _helpdesk(services, operator)
    report = await services.login_tests.verify(helpdesk, "alice@example.test", STRONG)
    assert not report.passed and not report.expected_refusal
    assert report.imap.outcome is ProbeOutcome.UNREACHABLE
    assert report.smtp.outcome is ProbeOutcome.UNREACHABLE
    events = await services.audit.list_events(operator, AuditQuery(action="mailbox.password"))
    entry = events[0].entry
    assert (entry.action, entry.target, entry.outcome) == (
        "mailbox.password.verify",
        "alice@example.test",
        Outcome.FAILURE,
    )
    assert STRONG not in repr(entry)


async def test_verify_is_allowed_only_where_a_reset_is(services: Services, operator: Actor) -> None:
    """Helpdesk may not test an admin's password (audited as denied) nor outside its scope."""
    helpdesk = await _helpdesk(services, operator)
    with pytest.raises(PermissionDenied):
        await services.login_tests.verify(helpdesk, "dom@example.test", STRONG)
    events = await services.audit.list_events(operator, AuditQuery(target="dom@example.test"))
    assert events[0].entry.outcome is Outcome.DENIED
    with pytest.raises(PermissionDenied):
        await services.login_tests.verify(helpdesk, "x@other.test", STRONG)
    with pytest.raises(NotFound):
        await services.login_tests.verify(helpdesk, "nobody@example.test", STRONG)


async def test_expected_refusal_follows_the_must_change_flag(
    services: Services, operator: Actor
) -> None:
    """By default the intended outcome is the mailbox's must-change state; it can be given."""
    await _helpdesk(services, operator)
    await services.passwords.reset_password(
        operator, "alice@example.test", None, must_change=True, reason="", notify=False
    )
    report = await services.login_tests.verify(operator, "alice@example.test", "x")
    assert report.expected_refusal
    told = await services.login_tests.verify(
        operator, "alice@example.test", "x", expect_must_change=False
    )
    assert not told.expected_refusal
