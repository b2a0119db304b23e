"""Mailbox listing without an exact count (the admin center's substring search)."""

from __future__ import annotations

from mailwright.model.actors import Actor
from mailwright.services.container import Services
from tests.values import STRONG


async def test_listing_without_count_gives_a_lower_bound_unless_it_saw_everything(
    services: Services, operator: Actor
) -> None:
    """count=False reports the rows seen, marked inexact while more pages follow, and exact
    when the first page holds every match."""
    await services.domains.add(operator, "example.test")
    for n in range(5):
        await services.mailboxes.create(operator, f"user{n}@example.test", STRONG)
    first = await services.mailboxes.list_page(operator, search="user", limit=2, count=False)
    assert (len(first.items), first.total, first.total_exact) == (2, 2, False)
    assert first.next_cursor
    last = await services.mailboxes.list_page(
        operator, search="user", limit=2, cursor=first.next_cursor, count=False
    )
    assert last.total_exact is False
    whole = await services.mailboxes.list_page(operator, search="user3", count=False)
    assert (whole.total, whole.total_exact) == (1, True)
    counted = await services.mailboxes.list_page(operator, search="user", limit=2)
    assert (counted.total, counted.total_exact) == (5, True)
