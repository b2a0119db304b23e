"""Mailbox, domain, alias and admin use cases."""

from __future__ import annotations

import pytest

from mailwright.model.actors import Actor
from mailwright.model.admins import Role
from mailwright.model.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from mailwright.model.events import CredentialsChanged, Event
from mailwright.model.mailboxes import MailboxSort
from mailwright.services.container import Services
from mailwright.services.domains import DomainChanges
from mailwright.services.mailboxes import MailboxChanges
from tests.values import STRONG


async def test_create_mailbox_validates_everything(services: Services, operator: Actor) -> None:
    """Unknown domain, duplicate address, alias clash and bad fields are refused clearly."""
    with pytest.raises(NotFound, match="not hosted"):
        await services.mailboxes.create(operator, "a@example.test", STRONG)
    await services.domains.add(operator, "example.test", default_quota_bytes=1000)
    created = await services.mailboxes.create(
        operator,
        "A@Example.test",
        STRONG,
        display_name="  Alice   L ",
        recovery_address="alice@home.test",
    )
    assert created.mailbox.address == "a@example.test"
    assert created.mailbox.display_name == "Alice L"
    assert created.mailbox.quota_bytes == 1000
    with pytest.raises(Conflict):
        await services.mailboxes.create(operator, "a@example.test", STRONG)
    await services.aliases.add(operator, "sales@example.test", ["a@example.test"])
    with pytest.raises(Conflict, match="alias"):
        await services.mailboxes.create(operator, "sales@example.test", STRONG)
    with pytest.raises(InvalidInput, match="another mailbox"):
        await services.mailboxes.create(
            operator, "b@example.test", STRONG, recovery_address="b@example.test"
        )


async def test_generated_password_on_create(services: Services, operator: Actor) -> None:
    """password=None generates a password that logs in."""
    from mailwright.model.authentication import LoginProtocol

    await services.domains.add(operator, "example.test")
    created = await services.mailboxes.create(operator, "a@example.test", None)
    assert created.generated_password
    result = await services.authenticator.authenticate(
        "a@example.test", created.generated_password, LoginProtocol.IMAP, "s"
    )
    assert result.ok


async def test_list_pages_and_scope(services: Services, operator: Actor) -> None:
    """Listing pages with cursors; a domain admin sees only its domain."""
    await services.domains.add(operator, "example.test")
    await services.domains.add(operator, "other.test")
    for i in range(7):
        await services.mailboxes.create(operator, f"u{i}@example.test", STRONG)
    await services.mailboxes.create(operator, "x@other.test", STRONG)
    page = await services.mailboxes.list_page(operator, limit=3)
    assert page.total == 8 and len(page.items) == 3 and page.next_cursor
    rest = await services.mailboxes.list_page(operator, limit=10, cursor=page.next_cursor)
    assert [m.address for m in rest.items][-1] == "x@other.test" and rest.next_cursor is None
    admin = await services.admins.add(
        operator, "u0@example.test", Role.DOMAIN_ADMIN, ["example.test"]
    )
    scoped = Actor.for_admin(admin, "s")
    mine = await services.mailboxes.list_page(scoped, sort=MailboxSort.ADDRESS, descending=True)
    assert mine.total == 7 and mine.items[0].address == "u6@example.test"
    with pytest.raises(PermissionDenied):
        await services.mailboxes.get(scoped, "x@other.test")
    with pytest.raises(PermissionDenied):
        await services.mailboxes.list_page(scoped, domain="other.test")
    with pytest.raises(InvalidInput):
        await services.mailboxes.list_page(operator, cursor="garbage!")


async def test_update_disable_remove(services: Services, operator: Actor) -> None:
    """Updates apply; disabling and removal tell live sessions; admins cannot be removed."""
    await services.domains.add(operator, "example.test")
    await services.mailboxes.create(operator, "a@example.test", STRONG)
    await services.mailboxes.create(operator, "root@example.test", STRONG)
    await services.admins.add(operator, "root@example.test", Role.GLOBAL_ADMIN, [])
    seen: list[Event] = []
    services.events.subscribe(seen.append)
    updated = await services.mailboxes.update(
        operator,
        "a@example.test",
        MailboxChanges(display_name="A", quota_bytes=5, recovery_address="r@x.test"),
    )
    assert (updated.display_name, updated.quota_bytes, updated.recovery_address) == (
        "A",
        5,
        "r@x.test",
    )
    cleared = await services.mailboxes.update(
        operator, "a@example.test", MailboxChanges(clear_quota=True, recovery_address="")
    )
    assert cleared.quota_bytes is None and cleared.recovery_address is None
    await services.mailboxes.set_disabled(operator, "a@example.test", True)
    await services.mailboxes.remove(operator, "a@example.test")
    assert [type(e) for e in seen] == [CredentialsChanged, CredentialsChanged]
    with pytest.raises(Conflict, match="admin role"):
        await services.mailboxes.remove(operator, "root@example.test")
    with pytest.raises(NotFound):
        await services.mailboxes.get(operator, "a@example.test")


async def test_domains_lifecycle(services: Services, operator: Actor) -> None:
    """Domains: add, IT address, update, refuse removal while not empty, remove."""
    domain = await services.domains.add(
        operator, "Example.TEST", it_notification_address="IT@example.test"
    )
    assert (domain.name, domain.it_notification_address) == ("example.test", "it@example.test")
    with pytest.raises(Conflict):
        await services.domains.add(operator, "example.test")
    with pytest.raises(InvalidInput):
        await services.domains.add(operator, "not a domain")
    changed = await services.domains.update(
        operator,
        "example.test",
        DomainChanges(clear_it_notification_address=True, password_min_score=4),
    )
    assert changed.it_notification_address is None and changed.password_min_score == 4
    await services.mailboxes.create(operator, "a@example.test", "Xq7-Velvet-Harbor-Quartz-71-Zebra")
    with pytest.raises(Conflict, match="still has 1 mailboxes"):
        await services.domains.remove(operator, "example.test")
    await services.mailboxes.remove(operator, "a@example.test")
    await services.domains.remove(operator, "example.test")
    assert await services.domains.list_domains(operator) == []


async def test_aliases(services: Services, operator: Actor) -> None:
    """Aliases and catch-alls are created, listed and removed; bad ones are refused."""
    await services.domains.add(operator, "example.test")
    await services.mailboxes.create(operator, "a@example.test", STRONG)
    alias = await services.aliases.add(
        operator, "Sales@example.test", ["a@example.test", "b@x.test"]
    )
    assert alias.source == "sales@example.test"
    catch_all = await services.aliases.add(operator, "*@example.test", ["a@example.test"])
    assert catch_all.is_catch_all and catch_all.source == "@example.test"
    with pytest.raises(Conflict, match="is a mailbox"):
        await services.aliases.add(operator, "a@example.test", ["b@x.test"])
    with pytest.raises(InvalidInput):
        await services.aliases.add(operator, "x@example.test", [])
    with pytest.raises(NotFound):
        await services.aliases.add(operator, "x@nowhere.test", ["a@example.test"])
    assert len(await services.aliases.list_aliases(operator, "example.test")) == 2
    await services.aliases.remove(operator, "sales@example.test")
    with pytest.raises(NotFound):
        await services.aliases.remove(operator, "sales@example.test")


async def test_admins(services: Services, operator: Actor) -> None:
    """Grants need a hosted mailbox, a valid scope, and the last global admin stays."""
    await services.domains.add(operator, "example.test")
    await services.mailboxes.create(operator, "root@example.test", STRONG)
    with pytest.raises(NotFound, match="hosted mailbox"):
        await services.admins.add(operator, "x@example.test", Role.HELPDESK, [])
    with pytest.raises(InvalidInput):
        await services.admins.add(operator, "root@example.test", Role.DOMAIN_ADMIN, [])
    root = await services.admins.add(operator, "root@example.test", Role.GLOBAL_ADMIN, [])
    with pytest.raises(Conflict, match="last global admin"):
        await services.admins.remove(operator, "root@example.test")
    with pytest.raises(PermissionDenied):
        await services.admins.list_admins(Actor.owner("root@example.test", "s"))
    assert await services.admins.list_admins(Actor.for_admin(root, "s")) == [root]


async def test_cursor_of_another_sort_is_refused(services: Services, operator: Actor) -> None:
    """A cursor made for the address order, or hand-made, is refused for the created order."""
    await services.domains.add(operator, "example.test")
    for i in range(3):
        await services.mailboxes.create(operator, f"u{i}@example.test", STRONG)
    page = await services.mailboxes.list_page(operator, limit=1)
    assert page.next_cursor is not None
    with pytest.raises(InvalidInput, match="cursor"):
        await services.mailboxes.list_page(
            operator, sort=MailboxSort.CREATED, cursor=page.next_cursor
        )
    with pytest.raises(InvalidInput, match="control characters"):
        await services.mailboxes.list_page(operator, search="a\x00b")


async def test_domain_update_refuses_out_of_range_values(
    services: Services, operator: Actor
) -> None:
    """Negative quotas and absurd minimum lengths are refused."""
    await services.domains.add(operator, "example.test")
    with pytest.raises(InvalidInput):
        await services.domains.update(
            operator, "example.test", DomainChanges(default_quota_bytes=-1)
        )
    with pytest.raises(InvalidInput):
        await services.domains.update(
            operator, "example.test", DomainChanges(password_min_length=3)
        )
