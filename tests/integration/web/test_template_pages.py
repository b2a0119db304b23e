"""Sending > Templates in the admin center: list, new template and version, preview."""

from __future__ import annotations

import html
import re

import pytest

from mailwright.model.actors import Actor
from mailwright.model.sending import SendingCaller
from mailwright.services.container import Services
from tests.integration.web.conftest import DOMAIN_ADMIN, GLOBAL, HELPDESK, AdminClient

LIST = "/admin/sending/templates"


async def test_sending_links_to_templates(client: AdminClient) -> None:
    """The Sending page links to the template list, which says when there are none."""
    await client.sign_in(GLOBAL)
    sending = await client.http.get("/admin/sending")
    assert f'href="{LIST}"' in sending.text
    page = await client.http.get(LIST)
    assert page.status_code == 200
    assert "<h1>Templates</h1>" in page.text and "No templates yet." in page.text
    assert 'aria-current="page">Sending' in page.text


async def test_global_admin_saves_versions(client: AdminClient, world: Services) -> None:
    """A new template, then a new version prefilled from the newest; both listed."""
    await client.sign_in(GLOBAL)
    form = await client.http.get(f"{LIST}/new")
    assert 'for="f-name">Name' in form.text and 'for="f-html">HTML part' in form.text
    saved = await client.post(
        f"{LIST}/new",
        {"name": "welcome", "subject": "Hi {{ name }}", "text": "", "html": "<p>{{ name }}</p>"},
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{LIST}/welcome?version=1&notice=saved"
    shown = await client.http.get(saved.headers["location"])
    assert "The template is saved." in shown.text and "Version 1" in shown.text
    assert html.escape("<p>{{ name }}</p>") in shown.text
    again = await client.http.get(f"{LIST}/new?name=welcome")
    assert "New version of welcome" in again.text and "Hi {{ name }}" in again.text
    second = await client.post(
        f"{LIST}/new",
        {"name": "welcome", "existing": "1", "subject": "Hello {{ name }}", "html": "<p>x</p>"},
    )
    assert second.headers["location"].startswith(f"{LIST}/welcome?version=2")
    listed = await client.http.get(LIST)
    assert re.search(r">welcome</a></td>\s*<td>2</td>", listed.text)
    old = await client.http.get(f"{LIST}/welcome?version=1")
    assert "Hi {{ name }}" in old.text and "Version 2</a>" in old.text


async def test_errors_are_shown_next_to_fields(client: AdminClient) -> None:
    """A template that does not compile is shown again with the error by its field."""
    await client.sign_in(GLOBAL)
    response = await client.post(
        f"{LIST}/new", {"name": "broken", "subject": "{{ x", "text": "ok", "html": ""}
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.text and 'id="e-subject"' in response.text
    assert 'value="{{ x"' in response.text


async def test_preview_renders_or_names_the_missing_variable(
    client: AdminClient, world: Services
) -> None:
    """The preview shows subject, text (made from HTML) and HTML; a gap is a 422."""
    await world.templates.create(
        SendingCaller(Actor.operator("t")),
        "receipt",
        subject="Receipt {{ number }}",
        text=None,
        html='<p>Total: {{ total }} <a href="{{ link }}">view</a></p>',
    )
    await client.sign_in(DOMAIN_ADMIN)
    page = await client.http.get(f"{LIST}/receipt")
    assert "New version" not in page.text
    variables = '{"number": 7, "total": "<b>9</b>", "link": "https://example.test/r"}'
    preview = await client.post(f"{LIST}/receipt/preview", {"variables": variables, "version": "1"})
    assert preview.status_code == 200
    assert "Receipt 7" in preview.text
    assert html.escape("Total: <b>9</b> view (https://example.test/r)") in preview.text
    assert html.escape("&lt;b&gt;9&lt;/b&gt;") in preview.text
    missing = await client.post(f"{LIST}/receipt/preview", {"variables": '{"number": 7}'})
    assert missing.status_code == 422
    assert "total" in missing.text and 'role="alert"' in missing.text
    not_json = await client.post(f"{LIST}/receipt/preview", {"variables": "[1]"})
    assert not_json.status_code == 422 and "JSON object" in not_json.text


@pytest.mark.parametrize("who", [DOMAIN_ADMIN, HELPDESK])
async def test_only_global_admins_save(client: AdminClient, who: str) -> None:
    """Others may read and preview but a save is refused with 403."""
    await client.sign_in(who)
    assert "New template" not in (await client.http.get(LIST)).text
    refused = await client.post(f"{LIST}/new", {"name": "x", "subject": "s", "text": "t"})
    assert refused.status_code == 403


async def test_unknown_template_is_404(client: AdminClient) -> None:
    """A missing template or version is the not-found page."""
    await client.sign_in(GLOBAL)
    assert (await client.http.get(f"{LIST}/nothing")).status_code == 404
    assert (await client.http.get(f"{LIST}/nothing?version=99999999999")).status_code == 404


async def test_preview_needs_the_csrf_token(client: AdminClient, world: Services) -> None:
    """The preview form is a POST like any other: without the token it is refused."""
    await world.templates.create(
        SendingCaller(Actor.operator("t")), "t", subject="s", text="x", html=None
    )
    await client.sign_in(GLOBAL)
    refused = await client.post(f"{LIST}/t/preview", {"variables": "{}"}, csrf=False)
    assert refused.status_code == 403
