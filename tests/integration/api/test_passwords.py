"""POST /mailboxes/{address}/password (the reset with its live login test) and .../verify."""

from __future__ import annotations

import httpx
import pytest

from mailwright.model.actors import Actor
from mailwright.model.audit import AuditQuery
from mailwright.model.authentication import AuthOutcome, LoginProtocol
from mailwright.services.container import Services
from mailwright.telemetry import REGISTRY
from tests.integration.api.world import World, assert_problem, field_errors
from tests.values import STRONG

NEW = "Copper-Lantern-Mosaic-58"
UNREACHABLE = {
    "imap": "The IMAP listener is not running.",
    "smtp": "The SMTP submission listener is not running.",
}


def _resets(outcome: str) -> float:
    return (
        REGISTRY.get_sample_value("mailwright_password_resets_total", {"outcome": outcome}) or 0.0
    )


def _assert_unreachable(verification: dict[str, object], expected_refusal: bool) -> None:
    """Without running listeners, each probe honestly says so and nothing passes."""
    assert verification["passed"] is False
    assert verification["expected_refusal"] is expected_refusal
    for protocol, reply in UNREACHABLE.items():
        probe = verification[protocol]
        assert isinstance(probe, dict)
        assert probe["protocol"] == protocol and probe["outcome"] == "unreachable"
        assert probe["passed"] is False and probe["reply"] == reply
        assert isinstance(probe["milliseconds"], int) and probe["milliseconds"] >= 0


@pytest.mark.parametrize(
    ("key", "target", "status"),
    [
        ("root", "alice@example.test", 200),
        ("root", "dom@example.test", 200),
        ("dom", "alice@example.test", 200),
        ("dom", "help@example.test", 200),
        ("dom", "root@example.test", 403),
        ("dom", "bob@other.test", 403),
        ("dom2", "alice@example.test", 403),
        ("help", "alice@example.test", 200),
        ("help", "dom@example.test", 403),
        ("help", "root@example.test", 403),
        ("help", "bob@other.test", 403),
        ("send", "alice@example.test", 403),
    ],
)
async def test_reset_obeys_every_role_and_scope(
    client: httpx.AsyncClient, world: World, services: Services, key: str, target: str, status: int
) -> None:
    """Each key may reset exactly what its admin's role and scope allow; others get 403."""
    response = await client.post(
        f"/api/v1/mailboxes/{target}/password",
        json={"password": NEW, "reason": "ticket 7"},
        headers=world.auth(key),
    )
    login = await services.authenticator.authenticate(target, NEW, LoginProtocol.IMAP, "test")
    if status == 403:
        assert_problem(response, 403, "permission-denied")
        assert login.outcome is AuthOutcome.BAD_CREDENTIALS
        return
    assert response.status_code == 200, response.text
    assert login.ok


async def test_reset_applies_audits_and_reports_the_login_test(
    client: httpx.AsyncClient, world: World, services: Services, operator: Actor
) -> None:
    """The new password works at once, the old one not; the audit names the key; the
    response carries the honest login test and is not cacheable."""
    before = _resets("success")
    response = await client.post(
        "/api/v1/mailboxes/Alice@Example.test/password",
        json={"password": NEW, "must_change": False, "notify": False, "reason": "ticket 42"},
        headers=world.auth("help"),
    )
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["address"] == "alice@example.test" and body["generated_password"] is None
    assert body["must_change"] is False and isinstance(body["audit_event_id"], int)
    _assert_unreachable(body["verification"], expected_refusal=False)
    assert NEW not in response.text
    auth = services.authenticator
    assert (await auth.authenticate("alice@example.test", NEW, LoginProtocol.SMTP, "t")).ok
    old = await auth.authenticate("alice@example.test", STRONG, LoginProtocol.SMTP, "t")
    assert old.outcome is AuthOutcome.BAD_CREDENTIALS
    events = await services.audit.list_events(operator, AuditQuery(action="mailbox.password.reset"))
    entry = events[0].entry
    assert entry.actor == f"apikey:{world.prefixes['help']}:help@example.test"
    assert (entry.target, entry.reason, entry.source) == (
        "alice@example.test",
        "ticket 42",
        "127.0.0.1",
    )
    assert _resets("success") == before + 1


async def test_generated_password_is_returned_once_and_must_change_is_expected(
    client: httpx.AsyncClient, world: World, services: Services
) -> None:
    """generate: true returns the password in this response only; with must_change the
    intended login outcome is the must-change refusal."""
    response = await client.post(
        "/api/v1/mailboxes/alice@example.test/password",
        json={"generate": True, "must_change": True},
        headers=world.auth("dom"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    generated = body["generated_password"]
    assert isinstance(generated, str) and len(generated) == 23
    assert body["must_change"] is True
    _assert_unreachable(body["verification"], expected_refusal=True)
    login = await services.authenticator.authenticate(
        "alice@example.test", generated, LoginProtocol.IMAP, "t"
    )
    assert login.outcome is AuthOutcome.MUST_CHANGE
    shown = await client.get("/api/v1/mailboxes/alice@example.test", headers=world.auth("dom"))
    assert generated not in shown.text and shown.json()["must_change"] is True


async def test_rejected_password_lists_every_reason(
    client: httpx.AsyncClient, world: World
) -> None:
    """A weak password is a 422 password-rejected problem with every reason, per field too."""
    before = _resets("password-rejected")
    response = await client.post(
        "/api/v1/mailboxes/alice@example.test/password",
        json={"password": "alice123"},
        headers=world.auth("root"),
    )
    body = assert_problem(response, 422, "password-rejected")
    reasons = body["reasons"]
    assert isinstance(reasons, list) and len(reasons) >= 3
    assert any("shorter than 12" in r for r in reasons)
    assert any("mailbox's name" in r for r in reasons)
    errors = body["errors"]
    assert isinstance(errors, list) and {e["field"] for e in errors} == {"password"}
    assert [e["message"] for e in errors] == reasons
    assert "alice123" not in response.text
    assert _resets("password-rejected") == before + 1


async def test_reused_password_is_rejected(client: httpx.AsyncClient, world: World) -> None:
    """One of the last five passwords is refused with the history reason."""
    response = await client.post(
        "/api/v1/mailboxes/alice@example.test/password",
        json={"password": STRONG},
        headers=world.auth("root"),
    )
    body = assert_problem(response, 422, "password-rejected")
    assert body["reasons"] == ["It is one of the last 5 passwords of this mailbox."]


@pytest.mark.parametrize(
    "body",
    [{}, {"password": NEW, "generate": True}, {"generate": False}],
    ids=["neither", "both", "generate-false"],
)
async def test_reset_needs_exactly_one_of_password_and_generate(
    client: httpx.AsyncClient, world: World, body: dict[str, object]
) -> None:
    """Neither or both is an invalid-input problem naming the password field."""
    response = await client.post(
        "/api/v1/mailboxes/alice@example.test/password", json=body, headers=world.auth("root")
    )
    problem = assert_problem(response, 422, "invalid-input")
    assert "password" in field_errors(problem)


async def test_reset_of_a_missing_mailbox(client: httpx.AsyncClient, world: World) -> None:
    """A missing mailbox in scope is 404; outside the key's scope it is 403."""
    root = await client.post(
        "/api/v1/mailboxes/nobody@example.test/password",
        json={"password": NEW},
        headers=world.auth("root"),
    )
    assert_problem(root, 404, "not-found")
    help_ = await client.post(
        "/api/v1/mailboxes/nobody@other.test/password",
        json={"password": NEW},
        headers=world.auth("help"),
    )
    assert_problem(help_, 403, "permission-denied")


async def test_verify_runs_the_login_test_only(
    client: httpx.AsyncClient, world: World, services: Services, operator: Actor
) -> None:
    """verify changes nothing, answers the honest login test and is audited."""
    response = await client.post(
        "/api/v1/mailboxes/alice@example.test/password/verify",
        json={"password": STRONG},
        headers=world.auth("help"),
    )
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    _assert_unreachable(response.json(), expected_refusal=False)
    assert (
        await services.authenticator.authenticate(
            "alice@example.test", STRONG, LoginProtocol.IMAP, "t"
        )
    ).ok
    events = await services.audit.list_events(operator, AuditQuery(target="alice@example.test"))
    assert events[0].entry.action == "mailbox.password.verify"
    assert events[0].entry.actor.startswith("apikey:")


async def test_verify_is_allowed_only_where_a_reset_is(
    client: httpx.AsyncClient, world: World
) -> None:
    """Helpdesk may not test an admin's password; a send key may not test anything."""
    for key, target in [("help", "dom@example.test"), ("send", "alice@example.test")]:
        response = await client.post(
            f"/api/v1/mailboxes/{target}/password/verify",
            json={"password": STRONG},
            headers=world.auth(key),
        )
        assert_problem(response, 403, "permission-denied")
    missing = await client.post(
        "/api/v1/mailboxes/alice@example.test/password/verify",
        json={},
        headers=world.auth("root"),
    )
    assert "password" in field_errors(assert_problem(missing, 422, "validation"))
