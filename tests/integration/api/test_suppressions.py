"""``/suppressions``: list, add, look up, remove, export as CSV; who may do which."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from mailwright.model.actors import Actor
from mailwright.services.container import Services
from tests.integration.api.sending_world import SendKeys, make_send_keys
from tests.integration.api.world import World, assert_problem, field_errors

URL = "/api/v1/suppressions"


@pytest.fixture
async def keys(services: Services, world: World, operator: Actor) -> SendKeys:
    """The world's send key and three more (see ``SendKeys``)."""
    return await make_send_keys(services, operator, world.keys["send"], world.prefixes["send"])


async def test_add_look_up_and_remove(client: httpx.AsyncClient, world: World) -> None:
    """An added address is listed with reason manual until it is removed."""
    added = await client.post(
        URL,
        json={"address": "Bob@Remote.test", "detail": "asked to stop"},
        headers=world.auth("root"),
    )
    assert added.status_code == 201, added.text
    entry = added.json()
    assert (entry["address"], entry["reason"], entry["detail"]) == (
        "bob@remote.test",
        "manual",
        "asked to stop",
    )
    assert added.headers["location"] == "/api/v1/suppressions/bob@remote.test"
    again = await client.post(URL, json={"address": "bob@remote.test"}, headers=world.auth("root"))
    assert_problem(again, 409, "conflict")
    found = await client.get(f"{URL}/BOB@remote.test", headers=world.auth("send"))
    assert found.json()["address"] == "bob@remote.test"
    assert (
        await client.delete(f"{URL}/bob@remote.test", headers=world.auth("root"))
    ).status_code == 204
    assert_problem(
        await client.get(f"{URL}/bob@remote.test", headers=world.auth("root")), 404, "not-found"
    )
    gone = await client.delete(f"{URL}/bob@remote.test", headers=world.auth("root"))
    assert_problem(gone, 404, "not-found")


async def test_changes_are_audited(
    client: httpx.AsyncClient, world: World, services: Services, operator: Actor
) -> None:
    """Adding and removing write audit events with the key as actor."""
    await client.post(
        URL, json={"address": "x@remote.test", "detail": "why"}, headers=world.auth("root")
    )
    await client.delete(f"{URL}/x@remote.test", headers=world.auth("root"))
    events = (
        await client.get("/api/v1/audit-events?action=suppression", headers=world.auth("root"))
    ).json()
    assert [(e["action"], e["target"]) for e in events["items"]] == [
        ("suppression.remove", "x@remote.test"),
        ("suppression.add", "x@remote.test"),
    ]
    assert events["items"][1]["actor"].startswith(f"apikey:{world.prefixes['root']}:")


async def test_list_pages_by_address(client: httpx.AsyncClient, world: World) -> None:
    """The list is by address and paged by cursor."""
    for name in ("c", "a", "b"):
        await client.post(URL, json={"address": f"{name}@remote.test"}, headers=world.auth("root"))
    page = (await client.get(URL, params={"limit": 2}, headers=world.auth("root"))).json()
    assert [e["address"] for e in page["items"]] == ["a@remote.test", "b@remote.test"]
    rest = await client.get(
        URL, params={"limit": 2, "cursor": page["next_cursor"]}, headers=world.auth("root")
    )
    assert [e["address"] for e in rest.json()["items"]] == ["c@remote.test"]
    assert rest.json()["next_cursor"] is None


async def test_export_is_csv_of_every_entry(client: httpx.AsyncClient, world: World) -> None:
    """The export is a CSV download of all entries; formula-like cells are defused."""
    await client.post(
        URL,
        json={"address": "a@remote.test", "detail": '=HYPERLINK("x")'},
        headers=world.auth("root"),
    )
    await client.post(URL, json={"address": "-b@remote.test"}, headers=world.auth("root"))
    response = await client.get(f"{URL}/export", headers=world.auth("root"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["address", "reason", "detail", "created_at"]
    assert [r[:3] for r in rows[1:]] == [
        ["'-b@remote.test", "manual", ""],
        ["a@remote.test", "manual", '\'=HYPERLINK("x")'],
    ]


@pytest.mark.parametrize("key", ["dom", "help"])
async def test_other_admins_may_not_read_the_list(
    client: httpx.AsyncClient, world: World, key: str
) -> None:
    """Keys of domain admins and helpdesk get 403: the list names every domain's recipients."""
    for response in (
        await client.get(URL, headers=world.auth(key)),
        await client.get(f"{URL}/export", headers=world.auth(key)),
        await client.post(URL, json={"address": "x@remote.test"}, headers=world.auth(key)),
    ):
        assert_problem(response, 403, "permission-denied")


async def test_sandbox_and_domain_keys(client: httpx.AsyncClient, keys: SendKeys) -> None:
    """A sandbox key of a global admin reads but does not change; a domain admin's send key
    does neither."""
    assert (await client.get(URL, headers=keys.auth("sandbox"))).status_code == 200
    refused = await client.post(
        URL, json={"address": "x@remote.test"}, headers=keys.auth("sandbox")
    )
    assert_problem(refused, 403, "permission-denied")
    assert_problem(await client.get(URL, headers=keys.auth("dom")), 403, "permission-denied")


async def test_invalid_address_is_refused(client: httpx.AsyncClient, world: World) -> None:
    """Something that is not an address is a 422 on the address field."""
    response = await client.post(URL, json={"address": "nobody"}, headers=world.auth("root"))
    assert "address" in field_errors(assert_problem(response, 422, "invalid-input"))
