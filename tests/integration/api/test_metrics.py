"""/metrics: Prometheus text with login, reset and HTTP counters and stored-thing gauges."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from mailwright.model.authentication import LoginProtocol
from mailwright.services.container import Services
from tests.integration.api.world import World
from tests.values import STRONG


async def _scrape(
    client: httpx.AsyncClient,
) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


async def test_gauges_count_stored_things(client: httpx.AsyncClient, world: World) -> None:
    """Domains, mailboxes and aliases are read from the database at scrape time."""
    await client.post(
        "/api/v1/aliases",
        json={"source": "x@example.test", "destinations": ["alice@example.test"]},
        headers=world.auth("root"),
    )
    samples = await _scrape(client)
    assert samples[("mailwright_domains", ())] == 2
    assert samples[("mailwright_mailboxes", ())] == 6
    assert samples[("mailwright_aliases", ())] == 1


async def test_http_requests_are_counted_by_route_template(
    client: httpx.AsyncClient, world: World
) -> None:
    """Requests count under their route template and status, unknown paths as unmatched."""
    route = "/api/v1/mailboxes/{address}"
    key = (
        "mailwright_http_requests_total",
        (("method", "GET"), ("route", route), ("status", "200")),
    )
    before = (await _scrape(client)).get(key, 0.0)
    for address in ("alice@example.test", "dom@example.test"):
        await client.get(f"/api/v1/mailboxes/{address}", headers=world.auth("root"))
    await client.get("/no/such/page")
    samples = await _scrape(client)
    assert samples[key] == before + 2
    assert not any("alice@example.test" in str(labels) for _, labels in samples)
    unmatched = [
        labels
        for name, labels in samples
        if name == "mailwright_http_requests_total" and ("route", "unmatched") in labels
    ]
    assert unmatched
    duration = (
        "mailwright_http_request_duration_seconds_count",
        (("method", "GET"), ("route", route)),
    )
    assert samples[duration] >= 2


async def test_logins_are_counted_by_protocol_and_outcome(
    client: httpx.AsyncClient, world: World, services: Services
) -> None:
    """Each authenticate() outcome increments its own series."""
    ok = ("mailwright_logins_total", (("outcome", "ok"), ("protocol", "imap")))
    bad = ("mailwright_logins_total", (("outcome", "bad-credentials"), ("protocol", "smtp")))
    before = await _scrape(client)
    await services.authenticator.authenticate("alice@example.test", STRONG, LoginProtocol.IMAP, "s")
    await services.authenticator.authenticate("alice@example.test", "nope", LoginProtocol.SMTP, "s")
    after = await _scrape(client)
    assert after[ok] == before[ok] + 1 and after[bad] == before[bad] + 1
