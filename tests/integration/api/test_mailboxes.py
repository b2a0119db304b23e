"""/mailboxes: create, list (cursor, search, domain, sort), get, patch, delete, by role."""

from __future__ import annotations

import httpx
import pytest

from mailwright.model.authentication import AuthOutcome, LoginProtocol
from mailwright.services.container import Services
from mailwright.testing.clock import FakeClock
from tests.integration.api.world import World, assert_problem, field_errors
from tests.values import STRONG

EXAMPLE = [
    "alice@example.test",
    "dom@example.test",
    "help@example.test",
    "root@example.test",
]


async def _all_pages(client: httpx.AsyncClient, world: World, query: str) -> list[list[str]]:
    """Follow next_cursor from the first page to the last; the addresses of each page."""
    pages: list[list[str]] = []
    cursor = None
    while True:
        params = query + (f"&cursor={cursor}" if cursor else "")
        response = await client.get(f"/api/v1/mailboxes?{params}", headers=world.auth("root"))
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append([m["address"] for m in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


async def test_create_with_a_password(
    client: httpx.AsyncClient, world: World, services: Services
) -> None:
    """201 with the public view and a Location; the password works and is never echoed."""
    response = await client.post(
        "/api/v1/mailboxes",
        json={
            "address": "Carol@Example.test",
            "password": STRONG,
            "display_name": "Carol  C",
            "quota_bytes": 1024,
            "recovery_address": "carol@home.test",
        },
        headers=world.auth("dom"),
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"] == "/api/v1/mailboxes/carol@example.test"
    body = response.json()
    assert body["address"] == "carol@example.test" and body["display_name"] == "Carol C"
    assert body["quota_bytes"] == 1024 and body["recovery_address"] == "carol@home.test"
    assert body["generated_password"] is None
    assert STRONG not in response.text and "ARGON2" not in response.text
    login = await services.authenticator.authenticate(
        "carol@example.test", STRONG, LoginProtocol.IMAP, "t"
    )
    assert login.ok


async def test_create_with_a_generated_password(
    client: httpx.AsyncClient, world: World, services: Services
) -> None:
    """generate: true answers the generated password once; must_change is kept."""
    response = await client.post(
        "/api/v1/mailboxes",
        json={"address": "dave@example.test", "generate": True, "must_change": True},
        headers=world.auth("root"),
    )
    assert response.status_code == 201, response.text
    generated = response.json()["generated_password"]
    login = await services.authenticator.authenticate(
        "dave@example.test", generated, LoginProtocol.SMTP, "t"
    )
    assert login.outcome is AuthOutcome.MUST_CHANGE


async def test_create_refusals(client: httpx.AsyncClient, world: World) -> None:
    """Duplicate, unknown domain, weak password, bad address, wrong scope, helpdesk."""
    cases = [
        ("root", {"address": "alice@example.test", "password": STRONG}, 409, "conflict"),
        ("root", {"address": "x@nowhere.test", "password": STRONG}, 404, "not-found"),
        ("root", {"address": "x@example.test", "password": "short"}, 422, "password-rejected"),
        ("root", {"address": "not an address", "generate": True}, 422, "invalid-input"),
        ("dom", {"address": "x@other.test", "password": STRONG}, 403, "permission-denied"),
        ("help", {"address": "x@example.test", "password": STRONG}, 403, "permission-denied"),
        ("root", {"address": "x@example.test"}, 422, "invalid-input"),
    ]
    for key, body, status, kind in cases:
        response = await client.post("/api/v1/mailboxes", json=body, headers=world.auth(key))
        problem = assert_problem(response, status, kind)
        if kind == "invalid-input":
            assert field_errors(problem)


async def test_list_pages_with_cursors_without_gaps(
    client: httpx.AsyncClient, world: World
) -> None:
    """Following next_cursor visits every mailbox once, in order, for each sort order."""
    everyone = sorted([*EXAMPLE, "bob@other.test", "dom2@other.test"])
    pages = await _all_pages(client, world, "limit=2")
    assert [len(p) for p in pages] == [2, 2, 2]
    assert [a for p in pages for a in p] == everyone
    backwards = await _all_pages(client, world, "limit=4&sort=-address")
    assert [a for p in backwards for a in p] == everyone[::-1]


async def test_list_sorts_by_creation_and_display_name(
    client: httpx.AsyncClient, world: World, services: Services, clock: FakeClock
) -> None:
    """sort=created and sort=-display_name page correctly across equal values."""
    for name in ("zed", "amy", "kim"):
        clock.advance(1)
        response = await client.post(
            "/api/v1/mailboxes",
            json={"address": f"{name}@other.test", "generate": True, "display_name": name},
            headers=world.auth("root"),
        )
        assert response.status_code == 201
    newest = await _all_pages(client, world, "limit=2&sort=-created&domain=other.test")
    flat = [a for p in newest for a in p]
    assert flat[:3] == ["kim@other.test", "amy@other.test", "zed@other.test"]
    by_name = await _all_pages(client, world, "limit=1&sort=-display_name&domain=other.test")
    assert [a for p in by_name for a in p][:3] == [
        "zed@other.test",
        "kim@other.test",
        "amy@other.test",
    ]


async def test_list_filters_and_scope(client: httpx.AsyncClient, world: World) -> None:
    """search and domain filter; domain and helpdesk admins see only their domain."""
    found = await client.get("/api/v1/mailboxes?search=ALI", headers=world.auth("root"))
    assert [m["address"] for m in found.json()["items"]] == ["alice@example.test"]
    other = await client.get("/api/v1/mailboxes?domain=other.test", headers=world.auth("root"))
    assert [m["address"] for m in other.json()["items"]] == ["bob@other.test", "dom2@other.test"]
    for key in ("dom", "help"):
        mine = await client.get("/api/v1/mailboxes", headers=world.auth(key))
        assert [m["address"] for m in mine.json()["items"]] == EXAMPLE
        foreign = await client.get("/api/v1/mailboxes?domain=other.test", headers=world.auth(key))
        assert_problem(foreign, 403, "permission-denied")


@pytest.mark.parametrize(
    "query",
    ["cursor=!!!", "cursor=WyJhIl0", "sort=created&cursor=WyJhbGljZSIsImFsaWNlIl0"],
    ids=["garbage", "short", "other-order"],
)
async def test_bad_cursor_is_invalid_input(
    client: httpx.AsyncClient, world: World, query: str
) -> None:
    """A cursor the API did not make for this order is a 422 naming the cursor."""
    response = await client.get(f"/api/v1/mailboxes?{query}", headers=world.auth("root"))
    assert "cursor" in field_errors(assert_problem(response, 422, "invalid-input"))


async def test_get_shows_details_in_scope_only(
    client: httpx.AsyncClient, world: World, services: Services
) -> None:
    """A mailbox's page includes its aliases and admin role; other domains are forbidden."""
    await client.post(
        "/api/v1/aliases",
        json={"source": "info@example.test", "destinations": ["dom@example.test"]},
        headers=world.auth("root"),
    )
    response = await client.get("/api/v1/mailboxes/DOM@example.test", headers=world.auth("help"))
    assert response.status_code == 200
    body = response.json()
    assert body["aliases"] == ["info@example.test"] and body["admin_role"] == "domain-admin"
    assert body["admin_domains"] == ["example.test"] and body["failed_logins"] == 0
    assert "password_hash" not in body
    assert_problem(
        await client.get("/api/v1/mailboxes/bob@other.test", headers=world.auth("dom")),
        403,
        "permission-denied",
    )
    assert_problem(
        await client.get("/api/v1/mailboxes/ghost@example.test", headers=world.auth("root")),
        404,
        "not-found",
    )


async def test_patch_changes_fields_and_disables(
    client: httpx.AsyncClient, world: World, services: Services
) -> None:
    """Each field changes; null quota is unlimited, null recovery address removes it; a
    disabled mailbox refuses logins."""
    url = "/api/v1/mailboxes/alice@example.test"
    first = await client.patch(
        url,
        json={"display_name": "Alice A", "quota_bytes": 10, "recovery_address": "a@home.test"},
        headers=world.auth("dom"),
    )
    assert first.status_code == 200, first.text
    assert (first.json()["display_name"], first.json()["quota_bytes"]) == ("Alice A", 10)
    second = await client.patch(
        url,
        json={"quota_bytes": None, "recovery_address": None, "disabled": True},
        headers=world.auth("dom"),
    )
    body = second.json()
    assert body["quota_bytes"] is None and body["recovery_address"] is None
    assert body["disabled"] is True and body["display_name"] == "Alice A"
    login = await services.authenticator.authenticate(
        "alice@example.test", STRONG, LoginProtocol.IMAP, "t"
    )
    assert login.outcome is AuthOutcome.DISABLED
    enabled = await client.patch(url, json={"disabled": False}, headers=world.auth("dom"))
    assert enabled.json()["disabled"] is False


async def test_patch_refusals(client: httpx.AsyncClient, world: World) -> None:
    """Helpdesk may not change mailboxes; bad values are named per field."""
    url = "/api/v1/mailboxes/alice@example.test"
    helpdesk = await client.patch(url, json={"display_name": "x"}, headers=world.auth("help"))
    assert_problem(helpdesk, 403, "permission-denied")
    own = await client.patch(
        url, json={"recovery_address": "alice@example.test"}, headers=world.auth("root")
    )
    assert "recovery_address" in field_errors(assert_problem(own, 422, "invalid-input"))
    negative = await client.patch(url, json={"quota_bytes": -1}, headers=world.auth("root"))
    assert "quota_bytes" in field_errors(assert_problem(negative, 422, "validation"))


async def test_delete(client: httpx.AsyncClient, world: World) -> None:
    """204 then 404; a mailbox holding an admin role cannot be deleted; helpdesk may not."""
    url = "/api/v1/mailboxes/alice@example.test"
    assert_problem(await client.delete(url, headers=world.auth("help")), 403, "permission-denied")
    deleted = await client.delete(url, headers=world.auth("dom"))
    assert deleted.status_code == 204 and deleted.content == b""
    assert_problem(await client.get(url, headers=world.auth("dom")), 404, "not-found")
    admin = await client.delete("/api/v1/mailboxes/help@example.test", headers=world.auth("root"))
    assert_problem(admin, 409, "conflict")
