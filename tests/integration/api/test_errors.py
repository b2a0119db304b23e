"""Problem documents everywhere under /api/v1: shapes, types, fields, never a 500 or trace."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.api.world import PROBLEM_TYPE, World, assert_problem, field_errors


async def test_unknown_path_and_wrong_method_are_problems(
    client: httpx.AsyncClient, world: World
) -> None:
    """404 for an unknown API path, 405 (with Allow) for a wrong method: both problems."""
    missing = await client.get("/api/v1/nothing-here", headers=world.auth("root"))
    assert_problem(missing, 404, "not-found")
    wrong = await client.put("/api/v1/domains", headers=world.auth("root"))
    assert_problem(wrong, 405, "method-not-allowed")
    assert wrong.headers["allow"]


async def test_malformed_json_is_a_validation_problem(
    client: httpx.AsyncClient, world: World
) -> None:
    """A body that is not JSON is a 422 validation problem, not a crash."""
    response = await client.post(
        "/api/v1/domains",
        content=b'{"name": ',
        headers={**world.auth("root"), "Content-Type": "application/json"},
    )
    assert_problem(response, 422, "validation")


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/domains", {}, "name"),
        ("/api/v1/domains", {"name": 5}, "name"),
        ("/api/v1/domains", {"name": "x.test", "color": "red"}, "color"),
        (
            "/api/v1/domains",
            {"name": "x.test", "default_quota_bytes": 2**64},
            "default_quota_bytes",
        ),
        (
            "/api/v1/mailboxes",
            {"address": "a@example.test", "display_name": "A\x00"},
            "display_name",
        ),
        ("/api/v1/aliases", {"source": "a@example.test", "destinations": [7]}, "destinations.0"),
        ("/api/v1/admins", {"address": "a@example.test", "role": "boss"}, "role"),
        ("/api/v1/api-keys", {"admin": "a@example.test", "scope": "everything"}, "scope"),
    ],
)
async def test_schema_violations_name_each_field(
    client: httpx.AsyncClient, world: World, path: str, body: dict[str, object], field: str
) -> None:
    """Bodies that do not fit the schema are 422 validation problems naming the field."""
    response = await client.post(path, json=body, headers=world.auth("root"))
    problem = assert_problem(response, 422, "validation")
    assert field in field_errors(problem), problem


async def test_lone_surrogate_is_refused_not_crashed(
    client: httpx.AsyncClient, world: World
) -> None:
    """JSON may carry a lone surrogate; it is a validation problem, never a server error."""
    response = await client.post(
        "/api/v1/mailboxes",
        content=b'{"address": "a\\ud800@example.test", "generate": true}',
        headers={**world.auth("root"), "Content-Type": "application/json"},
    )
    assert_problem(response, 422, "validation")


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=501", "limit=x", "sort=size", "search=%00", "domain=" + "a" * 300],
)
async def test_bad_query_parameters_are_validation_problems(
    client: httpx.AsyncClient, world: World, query: str
) -> None:
    """Out-of-range, unknown or unprintable query values are 422s naming the parameter."""
    response = await client.get(f"/api/v1/mailboxes?{query}", headers=world.auth("root"))
    problem = assert_problem(response, 422, "validation")
    assert query.split("=")[0] in field_errors(problem)


async def test_problem_details_hold_no_input_values(
    client: httpx.AsyncClient, world: World
) -> None:
    """Validation problems name fields and rules, never the rejected value (a password)."""
    secret = "x" * 2000
    response = await client.post(
        "/api/v1/mailboxes/alice@example.test/password",
        json={"password": secret},
        headers=world.auth("root"),
    )
    assert "password" in field_errors(assert_problem(response, 422, "validation"))
    assert secret not in response.text


async def test_every_api_answer_is_uncacheable_and_not_sniffed(
    client: httpx.AsyncClient, world: World
) -> None:
    """Successes and problems alike carry Cache-Control: no-store and nosniff."""
    for response in (
        await client.get("/api/v1/domains", headers=world.auth("root")),
        await client.get("/api/v1/domains"),
        await client.get("/api/v1/nowhere", headers=world.auth("root")),
    ):
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-content-type-options"] == "nosniff"


async def test_problem_types_are_stable_uris(client: httpx.AsyncClient, world: World) -> None:
    """Every kind maps to https://mailwright.dev/problems/<kind>."""
    response = await client.get("/api/v1/mailboxes/x@nowhere.test", headers=world.auth("root"))
    body = assert_problem(response, 404, "not-found")
    assert str(body["type"]).startswith(PROBLEM_TYPE)
    assert set(body) == {"type", "title", "status", "detail"}
