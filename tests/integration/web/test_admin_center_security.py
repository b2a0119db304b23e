"""Admin center protections over HTTP: sign-in, cookies, CSRF and same-origin checks,
security headers."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from mailwright.bootstrap import open_services, prepare_data_dir
from mailwright.model.actors import Actor
from mailwright.model.admins import Role
from mailwright.services.container import Services
from mailwright.testing.clock import FakeClock
from mailwright.web.app import create_app
from tests.conftest import make_settings
from tests.integration.web.conftest import (
    ALICE,
    BASE,
    GLOBAL,
    AdminClient,
    ClientFactory,
    csrf_from,
)
from tests.values import STRONG


def assert_security_headers(response: httpx.Response) -> None:
    """The headers every HTML page must carry."""
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["cache-control"] == "no-store"


async def test_signed_out_admin_center_redirects_to_sign_in(client: AdminClient) -> None:
    """/admin and /admin/ lead a signed-out browser to the sign-in page."""
    bare = await client.http.get("/admin")
    assert (bare.status_code, bare.headers["location"]) == (308, "/admin/")
    response = await client.http.get("/admin/")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/sign-in?next=%2Fadmin%2F"
    page = await client.http.get(response.headers["location"])
    assert page.status_code == 200
    assert 'name="next" value="/admin/"' in page.text


async def test_sign_in_leads_to_the_page_asked_for(client_factory: ClientFactory) -> None:
    """After sign-in the browser goes where it wanted to go, never off the admin center."""
    for target, expected in (("/admin/domains", "/admin/domains"), ("//evil.example/", "/admin/")):
        async with client_factory() as client:
            page = await client.http.get(f"/admin/sign-in?next={target}")
            form = {"csrf_token": csrf_from(page.text), "address": GLOBAL, "password": STRONG}
            response = await client.http.post("/admin/sign-in", data={**form, "next": target})
            assert response.headers["location"] == expected


async def test_html_pages_carry_security_headers_and_no_inline_script(
    client: AdminClient,
) -> None:
    """Sign-in page, admin pages and error pages send CSP, nosniff, the referrer policy and
    no-store, and load script only from static files."""
    sign_in_page = await client.http.get("/admin/sign-in")
    assert_security_headers(sign_in_page)
    await client.sign_in(GLOBAL)
    for path in ("/admin/", "/admin/mailboxes", f"/admin/mailboxes/{ALICE}", "/admin/audit"):
        response = await client.http.get(path)
        assert response.status_code == 200, path
        assert_security_headers(response)
        scripts = re.findall(r"<script[^>]*>", response.text)
        assert scripts and all(" src=" in s for s in scripts), path
        assert " style=" not in response.text and "onclick" not in response.text
    missing = await client.http.get("/admin/mailboxes/nobody@example.test")
    assert missing.status_code == 404
    assert_security_headers(missing)
    script = await client.http.get("/static/admin.js")
    assert script.headers["x-content-type-options"] == "nosniff"


async def test_session_cookie_is_http_only_strict_and_host_wide(client: AdminClient) -> None:
    """The session cookie is HttpOnly, SameSite=Strict, Path=/, without Max-Age, and not
    Secure over plain HTTP; it holds a random token, not the address."""
    response = await client.sign_in(GLOBAL)
    assert response.status_code == 303
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("mailwright-admin=")
    )
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert "httponly" in attributes and "path" in attributes
    assert "samesite=strict" in cookie.lower() and "path=/" in cookie.lower()
    assert "secure" not in attributes and "max-age" not in attributes
    value = cookie.split(";")[0].split("=", 1)[1]
    assert len(value) >= 43 and "root" not in value


async def test_secure_cookies_setting_marks_cookies_secure_with_host_prefix(
    tmp_path: Path, database_url: str, clock: FakeClock, operator: Actor
) -> None:
    """With http.secure_cookies the cookies are Secure and named __Host-..., so no
    subdomain can set or overwrite them."""
    settings = make_settings(
        tmp_path / "data", database_url, http={"port": 0, "secure_cookies": True}
    )
    prepare_data_dir(settings, hostname="mail.example.test")
    async with open_services(settings, clock=clock) as services:
        await services.domains.add(operator, "example.test")
        await services.mailboxes.create(operator, GLOBAL, STRONG)
        await services.admins.add(operator, GLOBAL, Role.GLOBAL_ADMIN, [])
        transport = httpx.ASGITransport(app=create_app(services, settings))
        async with httpx.AsyncClient(
            transport=transport,
            base_url="https://testserver",
            headers={"Origin": "https://testserver"},
        ) as http:
            client = AdminClient(http)
            form_page = await http.get("/admin/sign-in")
            assert "__Host-mailwright-admin-sign-in=" in form_page.headers["set-cookie"]
            response = await client.sign_in(GLOBAL)
            cookies = response.headers.get_list("set-cookie")
            session = next(c for c in cookies if c.startswith("__Host-mailwright-admin="))
            assert "; secure" in session.lower() and "path=/" in session.lower()
            assert (await http.get("/admin/")).status_code == 200


async def test_post_without_csrf_token_is_refused(client: AdminClient, world: Services) -> None:
    """A signed-in same-origin POST without the session's CSRF token gets 403 and changes
    nothing."""
    await client.sign_in(GLOBAL)
    response = await client.post(f"/admin/mailboxes/{ALICE}/disable", csrf=False)
    assert response.status_code == 403
    assert "security token" in response.text
    assert not (await world.mailboxes.get(Actor.operator("t"), ALICE)).disabled


async def test_csrf_token_of_another_session_is_refused(
    client_factory: ClientFactory, world: Services
) -> None:
    """A CSRF token only works with the session it was derived from."""
    async with client_factory() as first, client_factory() as second:
        await first.sign_in(GLOBAL)
        await second.sign_in(GLOBAL)
        assert first.csrf != second.csrf
        first.csrf = second.csrf
        response = await first.post(f"/admin/mailboxes/{ALICE}/disable")
        assert response.status_code == 403
    assert not (await world.mailboxes.get(Actor.operator("t"), ALICE)).disabled


async def test_post_from_another_origin_is_refused(client: AdminClient) -> None:
    """A POST whose Origin is another site is refused even with a valid token."""
    await client.sign_in(GLOBAL)
    response = await client.post(
        f"/admin/mailboxes/{ALICE}/disable", headers={"Origin": "http://evil.example"}
    )
    assert response.status_code == 403
    assert "another site" in response.text


async def test_post_without_origin_or_referer_is_refused_and_referer_may_stand_in(
    client_factory: ClientFactory,
) -> None:
    """Without Origin a same-origin Referer is accepted; with neither the POST is refused."""
    async with client_factory(origin=None) as client:
        signed = await client.sign_in(GLOBAL)
        assert signed.status_code == 403
        page = await client.http.get("/admin/sign-in")
        referer = {"Referer": f"{BASE}/admin/sign-in"}
        response = await client.http.post(
            "/admin/sign-in",
            data={"csrf_token": csrf_from(page.text), "address": GLOBAL, "password": STRONG},
            headers=referer,
        )
        assert response.status_code == 303
        client.csrf = csrf_from((await client.http.get("/admin/")).text)
        refused = await client.post(f"/admin/mailboxes/{ALICE}/disable")
        assert refused.status_code == 403
        accepted = await client.post(f"/admin/mailboxes/{ALICE}/disable", headers=referer)
        assert accepted.status_code == 303


async def test_sign_in_form_must_come_from_this_browser(client: AdminClient) -> None:
    """A sign-in POST without the token bound to the pre-session cookie is refused (login
    CSRF), and no session starts."""
    response = await client.http.post(
        "/admin/sign-in", data={"address": GLOBAL, "password": STRONG}
    )
    assert response.status_code == 403
    assert "mailwright-admin=" not in response.headers.get("set-cookie", "")
    assert (await client.http.get("/admin/")).status_code == 303


async def test_script_endpoints_need_the_csrf_header(client: AdminClient) -> None:
    """The reset dialog's JSON endpoints refuse a request without the X-CSRF-Token header."""
    await client.sign_in(GLOBAL)
    response = await client.http.post(
        f"/admin/mailboxes/{ALICE}/password/generate",
        json={},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/json")


async def test_wrong_password_is_refused_and_throttled(client: AdminClient) -> None:
    """A wrong password gets one plain message; repeated failures lock the address (429)
    and then even the right password is refused."""
    wrong = await client.sign_in(GLOBAL, "Not-The-Password-123")
    assert wrong.status_code == 401
    assert "The email address or password is not correct." in wrong.text
    assert "Not-The-Password-123" not in wrong.text
    statuses = [(await client.sign_in(GLOBAL, "Still-Wrong-Password-9")).status_code]
    for _ in range(5):
        statuses.append((await client.sign_in(GLOBAL, "Still-Wrong-Password-9")).status_code)
    assert statuses[-1] == 429
    right = await client.sign_in(GLOBAL)
    assert right.status_code == 429
    assert "Too many failed sign-ins" in right.text


async def test_must_change_admin_is_sent_to_the_account_portal(
    client: AdminClient, world: Services
) -> None:
    """An admin whose password must be changed is told to use /account/ first."""
    await world.passwords.reset_password(
        Actor.operator("t"), GLOBAL, STRONG + "x", must_change=True, reason="", notify=False
    )
    response = await client.sign_in(GLOBAL, STRONG + "x")
    assert response.status_code == 401
    assert "/account/" in response.text


async def test_mailbox_without_admin_role_cannot_sign_in(client: AdminClient) -> None:
    """An ordinary mailbox's correct password does not open the admin center."""
    response = await client.sign_in(ALICE)
    assert response.status_code == 401
    assert "holds no admin role" in response.text
