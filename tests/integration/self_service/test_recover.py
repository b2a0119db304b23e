"""The forgotten-password pages over HTTP: answers that tell nothing about which addresses
exist, rate limits, and the link's page."""

from __future__ import annotations

import re

import httpx

from mailwright.model.actors import Actor
from mailwright.model.audit import AuditQuery
from mailwright.model.authentication import AuthOutcome, LoginProtocol
from mailwright.services.container import Services
from mailwright.testing.clock import FakeClock
from tests.integration.self_service.conftest import (
    ALICE,
    ALICE_HOME,
    BOB,
    DOM,
    DOM_HOME,
    NEW,
    ClientFactory,
    PortalClient,
)
from tests.integration.web.test_admin_center_security import assert_security_headers
from tests.mailreading import inbox, link_in, with_subject
from tests.values import STRONG

OPERATOR = Actor.operator("t")
UNKNOWN = "nobody@example.test"


def comparable(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers (but the date) and body: what an observer could compare."""
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() != "date"]
    return response.status_code, headers, response.content


async def request_link(client: PortalClient, address: str) -> httpx.Response:
    """Submit the /recover form."""
    return await client.http.post("/recover", data={"address": address})


async def mailed_link(world: Services, address: str, recovery: str) -> str:
    """The path of the newest reset link mailed for ``address`` to ``recovery``."""
    await world.recovery.settle()
    mails = with_subject(await inbox(world, recovery), f"Reset the password of {address}")
    return link_in(mails[-1], "/recover/password").removeprefix("http://127.0.0.1:0")


async def test_request_page_has_the_product_words(client: PortalClient) -> None:
    """/recover asks for "Email address" with a "Send reset link" button and carries the
    security headers."""
    page = await client.http.get("/recover")
    assert page.status_code == 200
    assert_security_headers(page)
    assert 'for="f-address">Email address<' in page.text
    assert ">Send reset link<" in page.text


async def test_answers_are_byte_identical_whether_or_not_the_mailbox_exists(
    client_factory: ClientFactory, world: Services
) -> None:
    """An address with a recovery address, one without, and one with no mailbox get the
    same status, headers and body; only the first gets mail."""
    answers = []
    for address in (ALICE, BOB, UNKNOWN):
        async with client_factory() as client:
            answers.append(comparable(await request_link(client, address)))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 303
    assert dict(answers[0][1])["location"] == "/recover/sent"
    async with client_factory() as client:
        sent = await client.http.get("/recover/sent")
    assert "If the address you entered belongs to a mailbox" in sent.text
    await mailed_link(world, ALICE, ALICE_HOME)
    assert with_subject(await inbox(world, BOB), f"Reset the password of {BOB}") == []


async def test_per_address_limit_engages_alike_for_existing_and_unknown_addresses(
    client_factory: ClientFactory, clock: FakeClock
) -> None:
    """From different sources, the fourth request in an hour for one address gets 429 with
    a message naming no address; the answers for an existing and an unknown address are
    byte-identical at every step."""
    steps: dict[str, list[tuple[int, list[tuple[str, str]], bytes]]] = {}
    for address in (ALICE, UNKNOWN):
        steps[address] = []
        for number in range(4):
            async with client_factory(client=(f"192.0.2.{number}", 1)) as client:
                steps[address].append(comparable(await request_link(client, address)))
    assert steps[ALICE] == steps[UNKNOWN]
    assert [status for status, _, _ in steps[ALICE]] == [303, 303, 303, 429]
    limited = steps[ALICE][3][2].decode()
    assert "Too many reset requests for this address. Try again in 60 minutes." in limited
    assert ALICE not in limited
    clock.advance(minutes=61)
    async with client_factory(client=("192.0.2.9", 1)) as client:
        assert (await request_link(client, ALICE)).status_code == 303


async def test_per_source_limit_engages(client: PortalClient) -> None:
    """One network address gets ten requests an hour, then a clear 429."""
    for number in range(10):
        assert (await request_link(client, f"user{number}@example.test")).status_code == 303
    refused = await request_link(client, ALICE)
    assert refused.status_code == 429
    assert "Too many reset requests from your network address." in refused.text


async def test_request_from_another_site_is_refused(client_factory: ClientFactory) -> None:
    """A cross-site form post to /recover is refused (no mail can be triggered from there)."""
    async with client_factory(origin="http://evil.example") as client:
        assert (await request_link(client, ALICE)).status_code == 403


async def test_text_that_is_no_address_is_refused_next_to_the_field(
    client: PortalClient,
) -> None:
    """A malformed address gets 422 with the reason next to the field."""
    response = await request_link(client, "alice")
    assert response.status_code == 422
    assert "is not an email address" in response.text


async def test_link_page_sets_a_new_password_once(
    client_factory: ClientFactory, world: Services
) -> None:
    """The link's page asks for "New password" and "Confirm password" with the policy's live
    check; "Set password" sets it; the link then refuses a second use."""
    async with client_factory() as client:
        await request_link(client, ALICE)
        path = await mailed_link(world, ALICE, ALICE_HOME)
        page = await client.http.get(path)
        assert page.status_code == 200
        assert_security_headers(page)
        for words in (">New password<", ">Confirm password<", ">Set password<", ALICE):
            assert words in page.text
        token = path.rpartition("token=")[2]
        verdict = await client.http.post(
            "/recover/check",
            json={"password": "alice2024", "token": token},
            headers={"Accept": "application/json"},
        )
        assert verdict.json()["ok"] is False
        weak = await client.http.post(
            "/recover/password",
            data={"token": token, "password": "alice2024", "confirm": "alice2024"},
        )
        assert weak.status_code == 422 and "shorter than 12" in weak.text
        done = await client.http.post(
            "/recover/password", data={"token": token, "password": NEW, "confirm": NEW}
        )
        assert done.status_code == 200
        assert "Your new password is set" in done.text and NEW not in done.text
        again = await client.http.get(path)
        assert again.status_code == 410 and "used already" in again.text
        reused = await client.http.post(
            "/recover/password",
            data={"token": token, "password": "Another-Fine-Passphrase-77", "confirm": "x"},
        )
        assert reused.status_code == 410
    result = await world.authenticator.authenticate(ALICE, NEW, LoginProtocol.IMAP, "t")
    assert result.outcome is AuthOutcome.OK
    (event,) = await world.audit.list_events(
        OPERATOR, AuditQuery(action="mailbox.password.recover")
    )
    assert token not in str(event.entry)


async def test_expired_and_unknown_links_are_refused(
    client_factory: ClientFactory, world: Services, clock: FakeClock
) -> None:
    """A link older than 30 minutes gets 410, a made-up one 404; both offer a new link."""
    async with client_factory() as client:
        await request_link(client, ALICE)
        path = await mailed_link(world, ALICE, ALICE_HOME)
        clock.advance(minutes=31)
        expired = await client.http.get(path)
        assert expired.status_code == 410
        assert "This link has expired." in expired.text
        assert '<a href="/recover">Ask for a new link</a>' in expired.text
        unknown = await client.http.get("/recover/password?token=made-up")
        assert unknown.status_code == 404
        check = await client.http.post(
            "/recover/check",
            json={"password": NEW, "token": path.rpartition("token=")[2]},
            headers={"Accept": "application/json"},
        )
        assert check.status_code == 404 and "expired" in check.json()["error"]


async def test_recovery_signs_out_every_session_of_the_mailbox(
    client_factory: ClientFactory, world: Services
) -> None:
    """Portal and admin center sessions of the mailbox end when a link sets a password."""
    async with client_factory() as owner, client_factory() as helper:
        await owner.sign_in(DOM)
        admin_page = await owner.http.get("/admin/sign-in")
        token = re.search(r'name="csrf_token" value="([^"]+)"', admin_page.text)
        assert token is not None
        signed = await owner.http.post(
            "/admin/sign-in",
            data={"csrf_token": token.group(1), "address": DOM, "password": STRONG},
        )
        assert signed.status_code == 303
        assert (await owner.http.get("/admin/")).status_code == 200
        await request_link(helper, DOM)
        path = await mailed_link(world, DOM, DOM_HOME)
        await helper.http.post(
            "/recover/password",
            data={"token": path.rpartition("token=")[2], "password": NEW, "confirm": NEW},
        )
        assert (await owner.http.get("/admin/")).status_code == 303
        assert (await owner.http.get("/account/")).status_code == 303


async def test_admin_sign_in_page_links_to_recovery(client: PortalClient) -> None:
    """The admin center's sign-in page offers "Forgot your password?" leading to /recover."""
    page = await client.http.get("/admin/sign-in")
    assert '<a href="/recover">Forgot your password?</a>' in page.text
