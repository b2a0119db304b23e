"""``/templates``: versions, rendering in the sandbox, who may change them, and sending with
a template."""

from __future__ import annotations

import httpx
import pytest

from mailwright.model.actors import Actor
from mailwright.services.container import Services
from tests.integration.api.sending_world import SendKeys, make_send_keys, message, parsed
from tests.integration.api.world import World, assert_problem, field_errors

URL = "/api/v1/templates"
WELCOME = {
    "name": "welcome",
    "subject": "Welcome, {{ name }}",
    "html": '<p>Hello {{ name }}, <a href="{{ link }}">confirm</a>.</p>',
}


@pytest.fixture
async def keys(services: Services, world: World, operator: Actor) -> SendKeys:
    """The world's send key and three more (see ``SendKeys``)."""
    return await make_send_keys(services, operator, world.keys["send"], world.prefixes["send"])


async def test_saving_a_name_again_makes_the_next_version(
    client: httpx.AsyncClient, world: World
) -> None:
    """Versions count up; the newest is the default, older ones stay readable."""
    first = await client.post(URL, json=WELCOME, headers=world.auth("root"))
    assert first.status_code == 201, first.text
    assert first.json()["version"] == 1
    assert first.headers["location"] == "/api/v1/templates/welcome?version=1"
    second = await client.post(
        URL, json={**WELCOME, "subject": "Hi {{ name }}"}, headers=world.auth("root")
    )
    assert second.json()["version"] == 2
    latest = (await client.get(f"{URL}/welcome", headers=world.auth("help"))).json()
    assert (latest["version"], latest["subject"]) == (2, "Hi {{ name }}")
    old = (await client.get(f"{URL}/welcome?version=1", headers=world.auth("help"))).json()
    assert old["subject"] == "Welcome, {{ name }}" and old["created_by"].startswith("apikey:")
    listed = (await client.get(URL, headers=world.auth("send"))).json()
    assert [(t["name"], t["version"], t["has_html"]) for t in listed["items"]] == [
        ("welcome", 2, True)
    ]


async def test_list_pages_by_name(client: httpx.AsyncClient, world: World) -> None:
    """Templates are listed by name with a cursor."""
    for name in ("c", "a", "b"):
        await client.post(URL, json={**WELCOME, "name": name}, headers=world.auth("root"))
    page = (await client.get(URL, params={"limit": 2}, headers=world.auth("root"))).json()
    assert [t["name"] for t in page["items"]] == ["a", "b"]
    rest = await client.get(
        URL, params={"limit": 2, "cursor": page["next_cursor"]}, headers=world.auth("root")
    )
    assert [t["name"] for t in rest.json()["items"]] == ["c"]
    assert rest.json()["next_cursor"] is None


async def test_render_escapes_html_and_adds_a_text_part(
    client: httpx.AsyncClient, world: World
) -> None:
    """Variables are escaped in HTML, not in the subject; HTML-only gets a text part."""
    await client.post(URL, json=WELCOME, headers=world.auth("root"))
    variables = {"name": "<Ann & Co>", "link": "https://example.test/c?a=1&b=2"}
    response = await client.post(
        f"{URL}/welcome/render", json={"variables": variables}, headers=world.auth("send")
    )
    assert response.status_code == 200, response.text
    rendered = response.json()
    assert rendered["subject"] == "Welcome, <Ann & Co>"
    assert "&lt;Ann &amp; Co&gt;" in rendered["html"]
    assert 'href="https://example.test/c?a=1&amp;b=2"' in rendered["html"]
    assert rendered["text"] == "Hello <Ann & Co>, confirm (https://example.test/c?a=1&b=2).\n"


async def test_missing_variable_is_a_clear_422(client: httpx.AsyncClient, world: World) -> None:
    """Rendering without a variable names it instead of printing nothing."""
    await client.post(URL, json=WELCOME, headers=world.auth("root"))
    response = await client.post(
        f"{URL}/welcome/render", json={"variables": {"name": "Ann"}}, headers=world.auth("send")
    )
    problem = assert_problem(response, 422, "invalid-input")
    assert "'link' is undefined" in field_errors(problem)["variables"]
    assert "welcome" in str(problem["detail"])


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("{{ ''.__class__.__mro__ }}", "stopped"),
        ("{{ 'x' * 1000000 }}", "stopped"),
        ("{{ 1 / 0 }}", "ZeroDivisionError"),
        ("{{ name.missing.deeper }}", "has no attribute 'missing'"),
    ],
)
async def test_sandbox_stops_unsafe_templates(
    client: httpx.AsyncClient, world: World, source: str, words: str
) -> None:
    """Template code cannot reach Python internals or make huge output; failures are 422."""
    body = {"name": "unsafe", "subject": "s", "text": source}
    assert (await client.post(URL, json=body, headers=world.auth("root"))).status_code == 201
    response = await client.post(
        f"{URL}/unsafe/render", json={"variables": {"name": "x"}}, headers=world.auth("root")
    )
    problem = assert_problem(response, 422, "invalid-input")
    assert words in field_errors(problem)["variables"]


async def test_syntax_errors_are_refused_at_save(client: httpx.AsyncClient, world: World) -> None:
    """A part that does not compile is a 422 naming the part and line."""
    body = {"name": "broken", "subject": "{{ a ", "html": "<p>\n{% if %}</p>"}
    problem = assert_problem(
        await client.post(URL, json=body, headers=world.auth("root")), 422, "invalid-input"
    )
    errors = field_errors(problem)
    assert set(errors) == {"subject", "html"} and errors["html"].startswith("Line 2:")
    no_body = {"name": "empty", "subject": "x"}
    assert "text" in field_errors(
        assert_problem(
            await client.post(URL, json=no_body, headers=world.auth("root")), 422, "invalid-input"
        )
    )
    bad_name = {**WELCOME, "name": "Not A Name"}
    assert "name" in field_errors(
        assert_problem(
            await client.post(URL, json=bad_name, headers=world.auth("root")), 422, "invalid-input"
        )
    )


@pytest.mark.parametrize(
    ("key", "allowed"),
    [("root", True), ("send", True), ("dom", False), ("help", False)],
)
async def test_only_global_admin_keys_change_templates(
    client: httpx.AsyncClient, world: World, key: str, allowed: bool
) -> None:
    """Keys of global admins (either scope) save templates; others may only read."""
    response = await client.post(URL, json=WELCOME, headers=world.auth(key))
    if allowed:
        assert response.status_code == 201
    else:
        assert_problem(response, 403, "permission-denied")
    assert (await client.get(URL, headers=world.auth(key))).status_code == 200


async def test_sandbox_keys_cannot_change_templates(
    client: httpx.AsyncClient, keys: SendKeys
) -> None:
    """A sandbox key of a global admin reads and renders but does not save."""
    response = await client.post(URL, json=WELCOME, headers=keys.auth("sandbox"))
    assert_problem(response, 403, "permission-denied")


async def test_delete_one_version_or_all(client: httpx.AsyncClient, world: World) -> None:
    """Deleting a version leaves the others; deleting the name removes every version."""
    for _ in range(2):
        await client.post(URL, json=WELCOME, headers=world.auth("root"))
    gone = await client.delete(f"{URL}/welcome?version=2", headers=world.auth("root"))
    assert gone.status_code == 204
    assert (await client.get(f"{URL}/welcome", headers=world.auth("root"))).json()["version"] == 1
    assert (await client.delete(f"{URL}/welcome", headers=world.auth("root"))).status_code == 204
    assert_problem(await client.get(f"{URL}/welcome", headers=world.auth("root")), 404, "not-found")
    again = await client.delete(f"{URL}/welcome", headers=world.auth("root"))
    assert_problem(again, 404, "not-found")
    refused = await client.delete(f"{URL}/welcome", headers=world.auth("dom"))
    assert_problem(refused, 403, "permission-denied")


async def test_send_with_a_template(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    """A message names a template and variables; the record says which version it used."""
    await client.post(URL, json=WELCOME, headers=world.auth("root"))
    body = message(
        subject=None,
        text=None,
        template="welcome",
        variables={"name": "Bob", "link": "https://example.test/c"},
    )
    response = await client.post("/api/v1/messages", json=body, headers=world.auth("send"))
    assert response.status_code == 202, response.text
    sent = response.json()
    mail = await parsed(services, sent["id"])
    assert mail["Subject"] == "Welcome, Bob"
    html = mail.get_body(("html",))
    text = mail.get_body(("plain",))
    assert html is not None and "Hello Bob" in html.get_content()
    assert text is not None and "confirm (https://example.test/c)" in text.get_content()
    trace = (await client.get(f"/api/v1/messages/{sent['id']}", headers=world.auth("send"))).json()
    assert (trace["template"], trace["template_version"], trace["subject"]) == (
        "welcome",
        1,
        "Welcome, Bob",
    )


async def test_template_errors_at_submit(client: httpx.AsyncClient, world: World) -> None:
    """A missing variable or template is a 422 at submit; nothing is queued."""
    await client.post(URL, json=WELCOME, headers=world.auth("root"))
    missing_variable = message(
        subject=None, text=None, template="welcome", variables={"name": "Bob"}
    )
    response = await client.post(
        "/api/v1/messages", json=missing_variable, headers=world.auth("send")
    )
    problem = assert_problem(response, 422, "invalid-input")
    assert "'link' is undefined" in field_errors(problem)["variables"]
    unknown = message(subject=None, text=None, template="nope")
    response = await client.post("/api/v1/messages", json=unknown, headers=world.auth("send"))
    assert "template" in field_errors(assert_problem(response, 422, "invalid-input"))
    old = message(subject=None, text=None, template="welcome", template_version=7)
    response = await client.post("/api/v1/messages", json=old, headers=world.auth("send"))
    assert "version 7" in field_errors(assert_problem(response, 422, "invalid-input"))["template"]
