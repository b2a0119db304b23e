"""The admin center's Sending section over HTTP: usage and cost, the message-events search,
message traces, webhooks (secret shown once, enable/disable, test event, delivery log)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailwright.bootstrap import prepare_data_dir
from mailwright.config import Settings
from mailwright.model.outbound import EventKind
from mailwright.services.container import Services
from mailwright.testing.clock import FakeClock
from mailwright.testing.webhooks import WebhookReceiver
from tests.conftest import NO_DNS, make_settings
from tests.integration.web.conftest import (
    DOMAIN_ADMIN,
    GLOBAL,
    HELPDESK,
    OTHER_DOMAIN_ADMIN,
    AdminClient,
    ClientFactory,
)
from tests.sending_data import add_api_message, add_event, add_smtp_message
from tests.webhook_recipe import verify_signature

API_ID = "a1" * 16
SMTP_ID = "c3" * 16
OTHER_ID = "b2" * 16


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """The usual test settings, with webhooks allowed to post to loopback."""
    result = make_settings(
        tmp_path / "data",
        database_url,
        delivery={"dkim_key_bits": 1024, **NO_DNS, "allow_private_webhooks": True},
    )
    prepare_data_dir(result, hostname="mail.example.test")
    return result


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as running:
        yield running


async def seed(services: Services, clock: FakeClock) -> None:
    """API mail from example.test and other.test, SMTP mail from example.test, usage."""
    await add_api_message(
        services,
        API_ID,
        key_prefix="k1appkey00",
        sender="app@example.test",
        recipients=["bob@remote.test"],
        tags=["receipt"],
        metadata={"order": "A-17"},
        subject="Your receipt",
    )
    clock.advance(30)
    await add_event(services, API_ID, "bob@remote.test", EventKind.DEFERRED, "451 4.7.1 Later")
    clock.advance(86400)
    await add_event(services, API_ID, "bob@remote.test", EventKind.DELIVERED, "250 2.0.0 Queued")
    await add_smtp_message(
        services, SMTP_ID, sender="alice@example.test", recipients=["carol@remote.test"]
    )
    await add_event(
        services, SMTP_ID, "carol@remote.test", EventKind.BOUNCED, "550 5.1.1 No such user"
    )
    await add_api_message(
        services, OTHER_ID, key_prefix="k2", sender="app@other.test", recipients=["x@remote.test"]
    )
    async with services.database.transaction() as tx:
        await tx.usage.add("2026-01", "k1appkey00", "example.test", accepted=2500, delivered=2400)
        await tx.usage.add("2026-01", "k2", "other.test", accepted=1000, delivered=1000)


def rows(html: str) -> list[str]:
    """The text of each table body (and foot) row, cells joined by |."""
    bodies = "".join(re.findall(r"<t(?:body|foot)>(.*?)</t(?:body|foot)>", html, re.S))
    body = re.findall(r"<tr>(.*?)</tr>", bodies, re.S)
    cells = [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S) for row in body]
    return [" | ".join(re.sub(r"<[^>]+>", "", c).strip() for c in row) for row in cells]


async def test_sending_home_shows_usage_and_cost_in_scope(
    client_factory: ClientFactory, world: Services, clock: FakeClock
) -> None:
    """Global admins see every domain's usage and cost; domain admins theirs; helpdesk staff
    neither the navigation item nor the page."""
    await seed(world, clock)
    async with client_factory() as admin:
        await admin.sign_in(GLOBAL)
        home = await admin.http.get("/admin/")
        assert '<a href="/admin/sending">Sending</a>' in home.text
        page = await admin.http.get("/admin/sending")
        assert page.status_code == 200
        assert 'aria-current="page">Sending</a>' in page.text
        assert "3,500 messages accepted, 3,400 recipients delivered; cost 0.98 USD" in page.text
        assert "example.test | 2,500 | 2,400 | 0.70" in rows(page.text)
        assert "k2 | 1,000 | 1,000 | 0.28" in rows(page.text)
        assert "Total | 3,500 | 3,400 | 0.98" in rows(page.text)
        assert 'href="/admin/sending/webhooks"' in page.text
        older = await admin.http.get("/admin/sending?month=2025-12")
        assert "No messages this month" in older.text
        bad = await admin.http.get("/admin/sending?month=January")
        assert bad.status_code == 422 and "Give a month like 2026-01." in bad.text
    async with client_factory() as domain_admin:
        await domain_admin.sign_in(DOMAIN_ADMIN)
        page = await domain_admin.http.get("/admin/sending")
        assert "Total | 2,500 | 2,400 | 0.70" in rows(page.text)
        assert "other.test" not in page.text
        assert 'href="/admin/sending/webhooks"' not in page.text
    async with client_factory() as helpdesk:
        await helpdesk.sign_in(HELPDESK)
        home = await helpdesk.http.get("/admin/")
        assert "/admin/sending" not in home.text
        denied = await helpdesk.http.get("/admin/sending")
        assert denied.status_code == 403


async def test_event_search_links_to_the_message_trace(
    client_factory: ClientFactory, world: Services, clock: FakeClock
) -> None:
    """The search filters by recipient, message, kind and dates; each result links to the
    message's trace, which shows every event with the remote reply."""
    await seed(world, clock)
    async with client_factory() as admin:
        await admin.sign_in(GLOBAL)
        everything = await admin.http.get("/admin/sending/events")
        assert len(rows(everything.text)) == 5
        by_recipient = await admin.http.get("/admin/sending/events?recipient=BOB@remote.test")
        assert [r.split(" | ")[1] for r in rows(by_recipient.text)] == [
            "delivered",
            "deferred",
            "queued",
        ]
        bounced = await admin.http.get("/admin/sending/events?kind=bounced")
        (row,) = rows(bounced.text)
        assert "carol@remote.test" in row and "550 5.1.1 No such user" in row
        by_day = await admin.http.get(
            "/admin/sending/events?since=2026-01-06&until=2026-01-06&message_id=" + API_ID
        )
        assert [r.split(" | ")[1] for r in rows(by_day.text)] == ["delivered"]
        assert f'href="/admin/sending/messages/{API_ID}"' in by_day.text
        trace = await admin.http.get(f"/admin/sending/messages/{API_ID}")
        assert trace.status_code == 200
        assert "Your receipt" in trace.text and "k1appkey00" in trace.text
        assert "receipt" in trace.text and "order: A-17" in trace.text
        assert [r.split(" | ")[2] for r in rows(trace.text)] == ["queued", "deferred", "delivered"]
        assert "451 4.7.1 Later" in trace.text and "mx.remote.test" in trace.text
        smtp = await admin.http.get(f"/admin/sending/messages/{SMTP_ID}")
        assert "alice@example.test" in smtp.text and "smtp" in smtp.text
        bad = await admin.http.get("/admin/sending/events?recipient=nobody&kind=opened")
        assert bad.status_code == 422
        assert "is not an email address" in bad.text
        missing = await admin.http.get("/admin/sending/messages/" + "f" * 32)
        assert missing.status_code == 404


async def test_domain_admins_see_only_their_domains_messages(
    client_factory: ClientFactory, world: Services, clock: FakeClock
) -> None:
    """A domain admin finds only events of its domains' messages and cannot open others'."""
    await seed(world, clock)
    async with client_factory() as other:
        await other.sign_in(OTHER_DOMAIN_ADMIN)
        found = await other.http.get("/admin/sending/events")
        assert len(rows(found.text)) == 1 and OTHER_ID in found.text
        assert (await other.http.get(f"/admin/sending/messages/{API_ID}")).status_code == 404
        assert (await other.http.get(f"/admin/sending/messages/{OTHER_ID}")).status_code == 200
    async with client_factory() as mine:
        await mine.sign_in(DOMAIN_ADMIN)
        found = await mine.http.get("/admin/sending/events")
        assert len(rows(found.text)) == 4 and OTHER_ID not in found.text
        assert (await mine.http.get(f"/admin/sending/messages/{SMTP_ID}")).status_code == 200
        assert (await mine.http.get("/admin/sending/webhooks")).status_code == 403


async def create_webhook(admin: AdminClient, url: str, *events: str) -> tuple[str, str]:
    """Submit the new-webhook form; returns the webhook page's path and the secret."""
    form: dict[str, str | list[str]] = {"url": url, "description": "CRM", "csrf_token": admin.csrf}
    if events:
        form["events"] = list(events)
    response = await admin.http.post("/admin/sending/webhooks", data=form)
    assert response.status_code == 201, response.text
    secret = re.search(r'<output id="webhook-secret">(whsec_[^<]+)</output>', response.text)
    link = re.search(r'href="(/admin/sending/webhooks/\d+)"', response.text)
    assert secret and link
    return link.group(1), secret.group(1)


async def test_webhook_pages(
    client_factory: ClientFactory,
    world: Services,
    receiver: WebhookReceiver,
    clock: FakeClock,
) -> None:
    """A global admin adds a webhook (secret shown once), sends a test event, sees it in the
    delivery log, disables and enables it, changes it and deletes it."""
    async with client_factory() as admin:
        await admin.sign_in(GLOBAL)
        path, secret = await create_webhook(admin, receiver.url(), "bounced", "failed")
        listing = await admin.http.get("/admin/sending/webhooks")
        assert receiver.url() in listing.text and "bounced, failed" in listing.text
        page = await admin.http.get(path)
        assert secret not in page.text + listing.text
        assert "Nothing has been sent yet." in page.text
        tested = await admin.post(path + "/test")
        assert tested.status_code == 303
        page = await admin.http.get(tested.headers["location"])
        assert "The test event was delivered." in page.text
        (logged,) = rows(page.text)
        assert "| test | delivered | 1 | 200 status 200 |" in logged
        (request,) = receiver.requests
        signature = request.headers["Mailwright-Signature"]
        assert verify_signature(secret, signature, request.body, clock.now().timestamp())
        off = await admin.post(path + "/active", {"active": "false"})
        page = await admin.http.get(off.headers["location"])
        assert "The webhook is disabled" in page.text and ">Enable</button>" in page.text
        on = await admin.post(path + "/active", {"active": "true"})
        assert "The webhook is enabled" in (await admin.http.get(on.headers["location"])).text
        bad = await admin.post(path, {"url": "ftp://nowhere.example/", "description": ""})
        assert bad.status_code == 422 and "http:// or https://" in bad.text
        saved = await admin.post(path, {"url": receiver.url("/v2"), "description": "New"})
        page = await admin.http.get(saved.headers["location"])
        assert receiver.url("/v2") in page.text and "The changes are saved." in page.text
        confirm = await admin.http.get(path + "/delete")
        assert "Delete the webhook posting to" in confirm.text
        deleted = await admin.post(path + "/delete")
        assert deleted.headers["location"] == "/admin/sending/webhooks?notice=deleted"
        assert (await admin.http.get(path)).status_code == 404
        assert (await admin.http.get("/admin/sending/webhooks/99999999999")).status_code == 404


async def test_webhook_forms_need_csrf_and_a_global_admin(
    client_factory: ClientFactory, world: Services
) -> None:
    """Forms without the session's token are refused; other roles cannot add webhooks, and
    private targets named in the form are refused when the setting does not allow them."""
    async with client_factory() as admin:
        await admin.sign_in(GLOBAL)
        forged = await admin.post(
            "/admin/sending/webhooks", {"url": "https://hooks.example.org/"}, csrf=False
        )
        assert forged.status_code == 403
        assert "No webhooks yet." in (await admin.http.get("/admin/sending/webhooks")).text
    async with client_factory() as domain_admin:
        await domain_admin.sign_in(DOMAIN_ADMIN)
        refused = await domain_admin.post(
            "/admin/sending/webhooks", {"url": "https://hooks.example.org/"}
        )
        assert refused.status_code == 403
