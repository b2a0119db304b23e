"""Where mail for an address goes: hosted mailboxes, through aliases and catch-alls, or out.

Rules, in order:
1. A domain we do not host is remote.
2. A mailbox at the address receives it (a disabled one refuses).
3. An alias at the address expands to its destinations, each resolved by these rules.
4. Otherwise the domain's catch-all (``@domain``) expands (only for the address itself, not
   for addresses reached through an alias).
5. Otherwise the address is unknown.
Expansion stops at a depth of 8 and never visits an address twice (alias loops end there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from mailwright.model.addresses import find_address
from mailwright.model.interfaces import Transaction
from mailwright.model.mailboxes import Mailbox

MAX_DEPTH = 8


class Verdict(StrEnum):
    """What an address resolves to."""

    LOCAL = "local"
    REMOTE = "remote"
    UNKNOWN = "unknown"
    DISABLED = "disabled"


@dataclass(frozen=True)
class Destination:
    """A hosted mailbox and the id of its INBOX."""

    mailbox: Mailbox
    inbox_id: int


@dataclass
class Route:
    """The final destinations of one address."""

    verdict: Verdict
    mailboxes: list[Destination] = field(default_factory=list)
    remote: list[str] = field(default_factory=list)


async def resolve(tx: Transaction, address: str) -> Route:
    """Resolve ``address`` to hosted mailboxes and remote addresses."""
    route = Route(Verdict.UNKNOWN)
    hosted, disabled = await _expand(tx, address, route, set(), 0)
    if route.mailboxes or route.remote:
        route.verdict = Verdict.LOCAL if hosted else Verdict.REMOTE
    elif disabled:
        route.verdict = Verdict.DISABLED
    return route


async def _expand(
    tx: Transaction, address: str, route: Route, seen: set[str], depth: int
) -> tuple[bool, bool]:
    """Add the destinations of ``address`` to ``route``; return (hosted, hit a disabled one)."""
    parsed = find_address(address)
    if parsed is None or str(parsed) in seen or depth > MAX_DEPTH:
        return False, False
    key = str(parsed)
    seen.add(key)
    entry = await tx.directory.lookup(key, parsed.domain)
    if not entry.hosted:
        if key not in route.remote:
            route.remote.append(key)
        return False, False
    if entry.mailbox is not None:
        if entry.mailbox.disabled or entry.inbox_id is None:
            return True, entry.mailbox.disabled
        if all(d.mailbox.id != entry.mailbox.id for d in route.mailboxes):
            route.mailboxes.append(Destination(entry.mailbox, entry.inbox_id))
        return True, False
    destinations = entry.alias if entry.alias is not None else None
    if destinations is None and depth == 0:
        destinations = entry.catch_all
    disabled = False
    for destination in destinations or ():
        _, hit = await _expand(tx, destination, route, seen, depth + 1)
        disabled |= hit
    return True, disabled
