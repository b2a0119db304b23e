"""Admin center pages over HTTP: the mailbox list, the reset flow, and create/edit/delete of
mailboxes, domains, aliases and admins, with errors shown next to their fields."""

from __future__ import annotations

import re

from mailwright.model.actors import Actor
from mailwright.model.admins import Role
from mailwright.model.audit import AuditQuery
from mailwright.model.authentication import AuthOutcome, LoginProtocol
from mailwright.model.errors import NotFound
from mailwright.services.container import Services
from tests.integration.web.conftest import ALICE, BOB, GLOBAL, AdminClient
from tests.values import STRONG

NEW = "Copper-Lantern-Mosaic-58"
OPERATOR = Actor.operator("t")
HASH_ROW = '{address},"{hash}",Person {n}\n'


def field_errors(html: str, field: str) -> list[str]:
    """The error messages shown next to a form field."""
    block = re.search(rf'<ul class="field-errors" id="e-{field}">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(1), re.S) if block else []


async def add_mailboxes(services: Services, count: int) -> None:
    """``count`` more mailboxes in example.test, imported with a precomputed hash (fast)."""
    stored = (await services.mailboxes.get(OPERATOR, ALICE)).password_hash
    rows = "".join(
        HASH_ROW.format(address=f"user{n:03d}@example.test", hash=stored, n=n) for n in range(count)
    )
    report = await services.importer.import_csv(
        OPERATOR, "address,password_hash,display_name\n" + rows
    )
    assert report.imported == count


async def test_mailbox_list_searches_sorts_and_pages_by_cursor(
    client: AdminClient, world: Services
) -> None:
    """The list shows 50 rows a page with a Next page link; search narrows it; sorting by
    display name descending reorders it; every row links by address."""
    await add_mailboxes(world, 60)
    await client.sign_in(GLOBAL)
    first = await client.http.get("/admin/mailboxes")
    links = re.findall(r'<td><a href="/admin/mailboxes/([^"]+)">\1</a></td>', first.text)
    assert len(links) == 50 and links == sorted(links)
    assert "66 mailboxes" in first.text
    next_url = re.search(r'<a href="([^"]+)" rel="next">Next page</a>', first.text)
    assert next_url
    second = await client.http.get(next_url.group(1).replace("&amp;", "&"))
    rest = re.findall(r'<td><a href="/admin/mailboxes/([^"]+)">', second.text)
    assert len(rest) == 16 and set(rest).isdisjoint(links) and "Next page" not in second.text
    assert "First page" in second.text
    found = await client.http.get("/admin/mailboxes", params={"q": "person 42"})
    assert re.findall(r'<td><a href="/admin/mailboxes/([^"]+)">', found.text) == [
        "user042@example.test"
    ]
    ordered = await client.http.get(
        "/admin/mailboxes", params={"q": "user", "sort": "display_name", "order": "desc"}
    )
    names = re.findall(r"<td>(Person \d+)</td>", ordered.text)
    assert names[:3] == ["Person 9", "Person 8", "Person 7"]


async def test_reset_shows_login_tests_and_never_echoes_the_password(
    client: AdminClient, world: Services
) -> None:
    """Save resets the password, runs the live login tests (honestly failing while no
    listener runs here), and the uncached result page never contains the password."""
    await client.sign_in(GLOBAL)
    response = await client.post(
        f"/admin/mailboxes/{ALICE}/password",
        {"password": NEW, "confirm": NEW, "notify": "1", "reason": "ticket 7"},
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert NEW not in response.text
    imap = re.search(r'<li id="login-test-imap"[^>]*>(.*?)</li>', response.text, re.S)
    smtp = re.search(r'<li id="login-test-smtp"[^>]*>(.*?)</li>', response.text, re.S)
    assert imap and "failed" in imap.group(1) and "IMAP listener is not running" in imap.group(1)
    assert smtp and "failed" in smtp.group(1) and "SMTP submission listener" in smtp.group(1)
    assert (await world.authenticator.authenticate(ALICE, NEW, LoginProtocol.IMAP, "t")).ok
    events = await world.audit.list_events(OPERATOR, AuditQuery(action="mailbox.password.reset"))
    assert (events[0].entry.actor, events[0].entry.reason) == (GLOBAL, "ticket 7")


async def test_reset_with_required_change_expects_refusal(
    client: AdminClient, world: Services
) -> None:
    """With "Require password change" the result page says the refusal is the expected
    outcome, and the mailbox must change its password."""
    await client.sign_in(GLOBAL)
    response = await client.post(
        f"/admin/mailboxes/{ALICE}/password",
        {"password": NEW, "confirm": NEW, "must_change": "1"},
    )
    assert "the expected outcome is that IMAP and SMTP refuse" in response.text
    auth = await world.authenticator.authenticate(ALICE, NEW, LoginProtocol.IMAP, "t")
    assert auth.outcome is AuthOutcome.MUST_CHANGE


async def test_rejected_password_shows_every_reason_next_to_the_field(
    client: AdminClient,
) -> None:
    """A weak password comes back with each policy reason by the New password field, the
    other choices kept, and neither password written into the page."""
    await client.sign_in(GLOBAL)
    weak = "alice2024"
    response = await client.post(
        f"/admin/mailboxes/{ALICE}/password",
        {"password": weak, "confirm": weak, "reason": "ticket 9", "must_change": "1"},
    )
    assert response.status_code == 422
    reasons = field_errors(response.text, "password")
    assert "It is shorter than 12 characters." in reasons
    assert any("mailbox&#39;s name" in r for r in reasons)
    assert weak not in response.text
    assert 'value="ticket 9"' in response.text
    assert re.search(r'id="must-change" name="must_change" value="1" checked', response.text)
    mismatch = await client.post(
        f"/admin/mailboxes/{ALICE}/password", {"password": NEW, "confirm": NEW + "x"}
    )
    assert field_errors(mismatch.text, "confirm") == ["The two passwords differ."]


async def test_dialog_endpoints_check_and_generate_passwords(client: AdminClient) -> None:
    """The policy check answers reasons and strength as JSON; the generator answers a
    policy-passing password; neither is cacheable."""
    await client.sign_in(GLOBAL)
    weak = await client.script(f"/admin/mailboxes/{ALICE}/password/check", {"password": "abc"})
    verdict = weak.json()
    assert verdict["ok"] is False and "It is shorter than 12 characters." in verdict["reasons"]
    assert weak.headers["cache-control"] == "no-store"
    strong = await client.script(f"/admin/mailboxes/{ALICE}/password/check", {"password": NEW})
    assert strong.json() == {"ok": True, "reasons": [], "score": 4, "strength": "very strong"}
    reused = await client.script(f"/admin/mailboxes/{ALICE}/password/check", {"password": STRONG})
    assert any("last 5 passwords" in r for r in reused.json()["reasons"])
    generated = await client.script(f"/admin/mailboxes/{ALICE}/password/generate", {})
    password = generated.json()["password"]
    assert generated.headers["cache-control"] == "no-store"
    check = await client.script(f"/admin/mailboxes/{ALICE}/password/check", {"password": password})
    assert check.json()["ok"] is True
    bad = await client.script(f"/admin/mailboxes/{ALICE}/password/check", {"nope": "x"})
    assert bad.status_code == 400


async def test_mailbox_page_shows_facts_and_edits_with_field_errors(
    client: AdminClient, world: Services
) -> None:
    """The mailbox page shows its facts; an invalid edit names the field; a valid one is
    saved."""
    await world.aliases.add(OPERATOR, "info@example.test", [ALICE])
    await client.sign_in(GLOBAL)
    page = await client.http.get(f"/admin/mailboxes/{ALICE}")
    for label in (
        "Display name",
        "Aliases",
        "Quota use",
        "Last IMAP login",
        "Last SMTP login",
        "Disabled",
        "Must change password",
        "Recovery address",
        "Failed logins",
    ):
        assert f"<dt>{label}</dt>" in page.text, label
    assert "info@example.test" in page.text
    bad = await client.post(
        f"/admin/mailboxes/{ALICE}",
        {"display_name": "Alice", "quota_bytes": "lots", "recovery_address": ALICE},
    )
    assert bad.status_code == 422
    assert field_errors(bad.text, "quota_bytes") == ["Give the size in MiB, e.g. 500 or 2048."]
    good = await client.post(
        f"/admin/mailboxes/{ALICE}",
        {"display_name": "Alice L.", "quota_bytes": "512", "recovery_address": "a@home.test"},
    )
    assert good.status_code == 303
    mailbox = await world.mailboxes.get(OPERATOR, ALICE)
    assert (mailbox.display_name, mailbox.quota_bytes, mailbox.recovery_address) == (
        "Alice L.",
        512 * 1024 * 1024,
        "a@home.test",
    )
    own = await client.post(
        f"/admin/mailboxes/{ALICE}", {"display_name": "", "recovery_address": ALICE}
    )
    assert "another mailbox" in " ".join(field_errors(own.text, "recovery_address"))


async def test_mailbox_disable_enable_and_delete_with_confirmation(
    client: AdminClient, world: Services
) -> None:
    """Disable and enable apply at once; delete asks first and then removes the mailbox."""
    await client.sign_in(GLOBAL)
    await client.post(f"/admin/mailboxes/{ALICE}/disable")
    assert (await world.mailboxes.get(OPERATOR, ALICE)).disabled
    await client.post(f"/admin/mailboxes/{ALICE}/enable")
    assert not (await world.mailboxes.get(OPERATOR, ALICE)).disabled
    confirm = await client.http.get(f"/admin/mailboxes/{ALICE}/delete")
    assert "Delete the mailbox alice@example.test and all its mail?" in confirm.text
    assert (await world.mailboxes.get(OPERATOR, ALICE)).address == ALICE
    deleted = await client.post(f"/admin/mailboxes/{ALICE}/delete")
    assert deleted.headers["location"] == "/admin/mailboxes?notice=deleted"
    try:
        await world.mailboxes.get(OPERATOR, ALICE)
        raise AssertionError("the mailbox still exists")
    except NotFound:
        pass
    admin = await client.post(f"/admin/mailboxes/{GLOBAL}/delete")
    assert admin.status_code == 409


async def test_new_mailbox_with_generated_password_is_shown_once(
    client: AdminClient, world: Services
) -> None:
    """A new mailbox without a password gets a generated one, shown on an uncached page."""
    await client.sign_in(GLOBAL)
    taken = await client.post("/admin/mailboxes", {"address": ALICE})
    assert taken.status_code == 409
    created = await client.post(
        "/admin/mailboxes", {"address": "carol@example.test", "display_name": "Carol"}
    )
    assert created.status_code == 201
    password = re.search(r'<output id="generated-password"[^>]*>([^<]+)</output>', created.text)
    assert password
    auth = await world.authenticator.authenticate(
        "carol@example.test", password.group(1), LoginProtocol.IMAP, "t"
    )
    assert auth.ok
    weak = await client.post(
        "/admin/mailboxes", {"address": "dave@example.test", "password": "x", "confirm": "x"}
    )
    assert weak.status_code == 422 and field_errors(weak.text, "password")


async def test_domains_are_added_edited_and_removed(client: AdminClient, world: Services) -> None:
    """A global admin adds a domain (a bad name is named by its field), tightens its policy,
    and removes it after confirming."""
    await client.sign_in(GLOBAL)
    bad = await client.post("/admin/domains", {"domain": "not a domain"})
    assert bad.status_code == 422 and field_errors(bad.text, "domain")
    added = await client.post(
        "/admin/domains", {"domain": "New.Test", "it_notification_address": "it@new.test"}
    )
    assert added.headers["location"] == "/admin/domains/new.test?notice=created"
    edited = await client.post(
        "/admin/domains/new.test",
        {"it_notification_address": "", "password_min_length": "16", "password_min_score": "4"},
    )
    assert edited.status_code == 303
    domain = await world.domains.get(OPERATOR, "new.test")
    assert (domain.it_notification_address, domain.password_min_length) == (None, 16)
    worse = await client.post("/admin/domains/new.test", {"password_min_score": "9"})
    assert field_errors(worse.text, "password_min_score") == ["The score must be 0 to 4."]
    assert "Stop hosting" in (await client.http.get("/admin/domains/new.test/delete")).text
    assert (await client.post("/admin/domains/new.test/delete")).status_code == 303
    busy = await client.post("/admin/domains/other.test/delete")
    assert busy.status_code == 409 and "remove them first" in busy.text


async def test_aliases_are_added_edited_and_removed(client: AdminClient, world: Services) -> None:
    """Aliases (and a catch-all) are added, their destinations changed, and removed."""
    await client.sign_in(GLOBAL)
    bad = await client.post("/admin/aliases", {"source": "sales@example.test"})
    assert field_errors(bad.text, "destinations") == ["An alias needs at least one destination."]
    await client.post(
        "/admin/aliases", {"source": "sales@example.test", "destinations": f"{ALICE}, {GLOBAL}"}
    )
    await client.post("/admin/aliases", {"source": "@example.test", "destinations": ALICE})
    listing = await client.http.get("/admin/aliases")
    assert "sales@example.test" in listing.text and "(catch-all)" in listing.text
    edit = await client.http.get("/admin/aliases/edit", params={"source": "sales@example.test"})
    assert ALICE in edit.text
    await client.post("/admin/aliases/edit", {"source": "sales@example.test", "destinations": BOB})
    aliases = {a.source: a for a in await world.aliases.list_aliases(OPERATOR)}
    assert aliases["sales@example.test"].destinations == (BOB,)
    confirm = await client.http.get("/admin/aliases/delete", params={"source": "@example.test"})
    assert "Remove the alias @example.test?" in confirm.text
    await client.post("/admin/aliases/delete", {"source": "@example.test"})
    assert {a.source for a in await world.aliases.list_aliases(OPERATOR)} == {"sales@example.test"}


async def test_admin_grants_are_given_changed_and_revoked(
    client: AdminClient, world: Services
) -> None:
    """A global admin grants a role (a domain admin without domains is named by its field),
    changes it, and revokes it; the last global admin cannot be demoted."""
    await client.sign_in(GLOBAL)
    bad = await client.post("/admin/admins", {"address": ALICE, "role": "domain-admin"})
    assert field_errors(bad.text, "domains") == ["A domain admin needs at least one domain."]
    granted = await client.post(
        "/admin/admins", {"address": ALICE, "role": "helpdesk", "domains": "example.test"}
    )
    assert granted.status_code == 303
    changed = await client.post(
        f"/admin/admins/{ALICE}", {"role": "domain-admin", "domains": "example.test other.test"}
    )
    assert changed.status_code == 303
    admin = await world.admins.find(ALICE)
    assert admin and (admin.role, admin.domains) == (
        Role.DOMAIN_ADMIN,
        frozenset({"example.test", "other.test"}),
    )
    demote = await client.post(f"/admin/admins/{GLOBAL}", {"role": "helpdesk"})
    assert demote.status_code == 409
    assert (
        "Revoke the domain-admin role"
        in (await client.http.get(f"/admin/admins/{ALICE}/delete")).text
    )
    await client.post(f"/admin/admins/{ALICE}/delete")
    assert await world.admins.find(ALICE) is None


async def test_audit_log_filters_by_actor_target_action_and_dates(
    client: AdminClient,
) -> None:
    """The audit log narrows by actor, target, action and date range, and names a bad date."""
    await client.sign_in(GLOBAL)
    await client.post(f"/admin/mailboxes/{ALICE}/disable")
    everything = await client.http.get("/admin/audit")
    assert "mailbox.create" in everything.text and "mailbox.disable" in everything.text
    mine = await client.http.get("/admin/audit", params={"actor": GLOBAL, "target": ALICE})
    rows = re.findall(r"<td>(mailbox\.[a-z.]+)</td>", mine.text)
    assert rows == ["mailbox.disable"]
    by_action = await client.http.get("/admin/audit", params={"action": "admin"})
    assert re.findall(r"<td>(admin\.[a-z.-]+)</td>", by_action.text)
    assert "mailbox.create" not in by_action.text
    today = await client.http.get(
        "/admin/audit", params={"since": "2026-01-05", "until": "2026-01-05"}
    )
    assert "mailbox.disable" in today.text
    later = await client.http.get("/admin/audit", params={"since": "2026-01-06"})
    assert "No events match." in later.text
    bad = await client.http.get("/admin/audit", params={"since": "yesterday"})
    assert bad.status_code == 422
    assert field_errors(bad.text, "since") == ["Give a date like 2026-01-31."]
