"""/usage: counters by key and domain, the cost, scope, and the SSRF rule at the API."""

from __future__ import annotations

import httpx

from mailwright.services.container import Services
from mailwright.testing.clock import FakeClock
from tests.integration.api.world import World, assert_problem, field_errors


async def seed(services: Services, world: World) -> None:
    """January: two keys on example.test, one on other.test, SMTP mail; December: older."""
    async with services.database.transaction() as tx:
        await tx.usage.add("2026-01", world.prefixes["send"], "example.test", accepted=1000)
        await tx.usage.add("2026-01", world.prefixes["send"], "example.test", delivered=990)
        await tx.usage.add("2026-01", "k2", "example.test", accepted=500, delivered=480)
        await tx.usage.add("2026-01", "k2", "other.test", accepted=2500, delivered=2500)
        await tx.usage.add("2026-01", "", "example.test", delivered=7)
        await tx.usage.add("2025-12", "k2", "other.test", accepted=1, delivered=1)


async def usage(
    client: httpx.AsyncClient, world: World, key: str, query: str = ""
) -> dict[str, object]:
    response = await client.get(f"/api/v1/usage{query}", headers=world.auth(key))
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


async def test_usage_by_domain_and_key_with_cost(
    client: httpx.AsyncClient, world: World, services: Services, clock: FakeClock
) -> None:
    """This month by default, grouped by domain or key; cost is accepted x 0.28 / 1000."""
    await seed(services, world)
    by_domain = await usage(client, world, "root")
    assert (by_domain["month"], by_domain["group"], by_domain["currency"]) == (
        "2026-01",
        "domain",
        "USD",
    )
    assert by_domain["price_per_1000"] == 0.28
    assert by_domain["items"] == [
        {
            "api_key_prefix": None,
            "domain": "example.test",
            "accepted": 1500,
            "delivered": 1477,
            "cost": 0.42,
        },
        {
            "api_key_prefix": None,
            "domain": "other.test",
            "accepted": 2500,
            "delivered": 2500,
            "cost": 0.7,
        },
    ]
    assert by_domain["total"] == {
        "api_key_prefix": None,
        "domain": None,
        "accepted": 4000,
        "delivered": 3977,
        "cost": 1.12,
    }
    by_key = await usage(client, world, "root", "?group=key&month=2026-01")
    lines = {i["api_key_prefix"]: (i["accepted"], i["delivered"]) for i in by_key["items"]}  # type: ignore[union-attr,index]
    assert lines == {"": (0, 7), "k2": (3000, 2980), world.prefixes["send"]: (1000, 990)}
    december = await usage(client, world, "root", "?month=2025-12")
    assert december["total"]["accepted"] == 1  # type: ignore[index]
    empty = await usage(client, world, "root", "?month=2024-02")
    assert empty["items"] == [] and empty["total"]["cost"] == 0  # type: ignore[index]


async def test_usage_scope_and_problems(
    client: httpx.AsyncClient, world: World, services: Services
) -> None:
    """Domain admins see their domains only; helpdesk staff and send keys are refused; a bad
    month or group is a validation problem."""
    await seed(services, world)
    mine = await usage(client, world, "dom", "?group=key")
    assert {i["api_key_prefix"] for i in mine["items"]} == {"", "k2", world.prefixes["send"]}  # type: ignore[union-attr,index]
    assert mine["total"]["accepted"] == 1500  # type: ignore[index]
    other = await usage(client, world, "dom2")
    assert [i["domain"] for i in other["items"]] == ["other.test"]  # type: ignore[union-attr,index]
    for key in ("help", "send"):
        denied = await client.get("/api/v1/usage", headers=world.auth(key))
        assert_problem(denied, 403, "permission-denied")
    headers = world.auth("root")
    for query in ("?month=2026-13", "?month=26-01", "?month=2026-1"):
        bad = await client.get(f"/api/v1/usage{query}", headers=headers)
        assert "month" in field_errors(assert_problem(bad, 422, "validation"))
    group = await client.get("/api/v1/usage?group=tenant", headers=headers)
    assert "group" in field_errors(assert_problem(group, 422, "validation"))


async def test_private_webhook_targets_are_refused_by_default(
    client: httpx.AsyncClient, world: World
) -> None:
    """Without allow_private_webhooks, loopback and private targets are invalid input."""
    for url in (
        "http://127.0.0.1:8080/hook",
        "http://localhost/",
        "http://[::1]/",
        "http://10.0.0.1/",
    ):
        refused = await client.post(
            "/api/v1/webhooks", json={"url": url}, headers=world.auth("root")
        )
        errors = field_errors(assert_problem(refused, 422, "invalid-input"))
        assert "allow_private_webhooks" in errors["url"]
