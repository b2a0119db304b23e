"""Role and scope in the admin center: pages hide what a role cannot use, and the services
refuse it anyway when asked directly."""

from __future__ import annotations

from mailwright.model.actors import Actor
from mailwright.model.audit import AuditQuery, Outcome
from mailwright.model.authentication import LoginProtocol
from mailwright.services.container import Services
from tests.integration.web.conftest import (
    ALICE,
    BOB,
    DOMAIN_ADMIN,
    GLOBAL,
    HELPDESK,
    AdminClient,
)
from tests.values import STRONG

NEW = "Copper-Lantern-Mosaic-58"
OPERATOR = Actor.operator("t")


async def test_helpdesk_cannot_reset_a_global_admin(client: AdminClient, world: Services) -> None:
    """A helpdesk admin sees no reset button on a global admin's page, and a forged reset,
    policy check or generate request is refused (403), audited, and changes nothing."""
    await client.sign_in(HELPDESK)
    page = await client.http.get(f"/admin/mailboxes/{GLOBAL}")
    assert page.status_code == 200
    assert "Reset password" not in page.text and "reset-dialog" not in page.text
    form = {"password": NEW, "confirm": NEW, "notify": "1"}
    response = await client.post(f"/admin/mailboxes/{GLOBAL}/password", form)
    assert response.status_code == 403
    assert NEW not in response.text
    check = await client.script(f"/admin/mailboxes/{GLOBAL}/password/check", {"password": NEW})
    assert check.status_code == 403
    generate = await client.script(f"/admin/mailboxes/{GLOBAL}/password/generate", {})
    assert generate.status_code == 403
    auth = await world.authenticator.authenticate(GLOBAL, STRONG, LoginProtocol.IMAP, "t")
    assert auth.ok
    denied = await world.audit.list_events(
        OPERATOR, AuditQuery(action="mailbox.password.reset", target=GLOBAL)
    )
    assert [e.entry.outcome for e in denied] == [Outcome.DENIED]


async def test_helpdesk_resets_an_ordinary_mailbox_but_manages_nothing(
    client: AdminClient, world: Services
) -> None:
    """A helpdesk admin may reset alice's password, and sees no edit, disable or delete
    controls, whose forged requests are refused."""
    await client.sign_in(HELPDESK)
    page = await client.http.get(f"/admin/mailboxes/{ALICE}")
    assert "Reset password" in page.text
    assert "Update mailbox" not in page.text and "Disable mailbox" not in page.text
    assert "Delete mailbox" not in page.text and "New mailbox" not in page.text
    for path in (f"/admin/mailboxes/{ALICE}/disable", f"/admin/mailboxes/{ALICE}/delete"):
        assert (await client.post(path)).status_code == 403
    edit = await client.post(f"/admin/mailboxes/{ALICE}", {"display_name": "Mallory"})
    assert edit.status_code == 403
    reset = await client.post(
        f"/admin/mailboxes/{ALICE}/password", {"password": NEW, "confirm": NEW}
    )
    assert reset.status_code == 200
    assert (await world.authenticator.authenticate(ALICE, NEW, LoginProtocol.IMAP, "t")).ok


async def test_domain_admin_cannot_see_another_domains_mailboxes_or_pages(
    client: AdminClient,
) -> None:
    """A domain admin of example.test lists only its mailboxes; other.test's mailbox page,
    domain page, mailbox list and aliases are refused."""
    await client.sign_in(DOMAIN_ADMIN)
    listing = await client.http.get("/admin/mailboxes")
    assert ALICE in listing.text and BOB not in listing.text
    search = await client.http.get("/admin/mailboxes", params={"q": "bob"})
    assert BOB not in search.text
    for path in (
        f"/admin/mailboxes/{BOB}",
        "/admin/domains/other.test",
        "/admin/mailboxes?domain=other.test",
        f"/admin/mailboxes/{BOB}/password",
    ):
        response = await client.http.get(path)
        assert response.status_code == 403, path
        assert BOB not in response.text or path.endswith("password")
    domains = await client.http.get("/admin/domains")
    assert "example.test" in domains.text and "other.test" not in domains.text
    assert (await client.post(f"/admin/mailboxes/{BOB}/disable")).status_code == 403
    alias = await client.post(
        "/admin/aliases", {"source": "sales@other.test", "destinations": ALICE}
    )
    assert alias.status_code == 403


async def test_only_global_admins_see_admins_domains_management_and_audit(
    client: AdminClient,
) -> None:
    """Admins and Audit log are neither linked nor served for a domain admin, and adding a
    domain is refused."""
    await client.sign_in(DOMAIN_ADMIN)
    home = await client.http.get("/admin/")
    assert ">Mailboxes<" in home.text and ">Domains<" in home.text
    assert ">Admins<" not in home.text and ">Audit log<" not in home.text
    assert (await client.http.get("/admin/admins")).status_code == 403
    assert (await client.http.get("/admin/audit")).status_code == 403
    assert "Add domain" not in (await client.http.get("/admin/domains")).text
    assert (await client.post("/admin/domains", {"domain": "new.test"})).status_code == 403
    grant = await client.post("/admin/admins", {"address": ALICE, "role": "global-admin"})
    assert grant.status_code == 403


async def test_global_admin_sees_every_section(client: AdminClient) -> None:
    """A global admin's navigation has Recipients > Mailboxes, Domains, Aliases, Admins, Audit
    log and Sending, and every section opens."""
    await client.sign_in(GLOBAL)
    home = (await client.http.get("/admin/")).text
    names = ("Recipients", "Mailboxes", "Domains", "Aliases", "Admins", "Audit log", "Sending")
    for name in names:
        assert f">{name}<" in home, name
    for path in ("mailboxes", "domains", "aliases", "admins", "audit", "sending"):
        assert (await client.http.get(f"/admin/{path}")).status_code == 200, path
