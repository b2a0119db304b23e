"""Usage metering: messages accepted and delivered per API key and sender domain per month,
and what they cost.

Rules:
1. ``accepted`` is counted by the send API when it accepts a message; ``delivered`` here,
   in the transaction that records a recipient's ``delivered`` event, in the month of the
   delivery. API mail counts for its API key and domain; mail submitted over SMTP counts
   for the key "" and the envelope sender's domain when that domain is hosted here (mail
   forwarded for outside senders and Mailwright's own bounces and notices count for nobody).
2. The cost is accepted messages x price per 1,000 / 1,000: accepting is what a sender asks
   for and is known at once, whatever the recipients' servers later do (as managed email
   APIs bill); delivered is shown beside it for the sender's own checks.
3. Global admins see every counter; domain admins those of their domains.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from mailwright.model.actors import Actor
from mailwright.model.admins import Role
from mailwright.model.errors import InvalidInput, PermissionDenied
from mailwright.model.interfaces import Clock, Database, Transaction
from mailwright.model.outbound import ClaimedRecipient, Origin
from mailwright.model.usage import UsageRow, month_of

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_COST_QUANTUM = Decimal("0.000001")


class UsageGroup(StrEnum):
    """How a usage report adds counters up."""

    KEY = "key"
    DOMAIN = "domain"


@dataclass(frozen=True)
class UsageLine:
    """Counters of one API key or domain (``name``; "" is mail not sent through the API)."""

    name: str
    accepted: int
    delivered: int
    cost: Decimal


@dataclass(frozen=True)
class UsageReport:
    """One month of usage in the actor's scope."""

    month: str
    group: UsageGroup
    currency: str
    price_per_1000: Decimal
    lines: list[UsageLine]
    total: UsageLine


def parse_month(text: str, field: str = "month") -> str:
    """A ``YYYY-MM`` month. Raises: InvalidInput."""
    value = text.strip()
    if not _MONTH.match(value) or value < "1970-01":
        raise InvalidInput.for_field(field, "Give a month like 2026-01.")
    return value


def require_sending_view(actor: Actor) -> None:
    """Raises: PermissionDenied unless the actor is a global or domain admin (helpdesk staff
    reset passwords and nothing else)."""
    if actor.role not in (Role.GLOBAL_ADMIN, Role.DOMAIN_ADMIN):
        raise PermissionDenied("Only global and domain admins may see sending activity.")


class UsageService:
    """Counts deliveries and reports usage with its cost."""

    def __init__(
        self, database: Database, clock: Clock, *, price_per_1000: float, currency: str
    ) -> None:
        self._db = database
        self._clock = clock
        self.price_per_1000 = Decimal(str(price_per_1000))
        self.currency = currency

    def current_month(self) -> str:
        """The month now (UTC)."""
        return month_of(self._clock.now())

    def cost(self, accepted: int) -> Decimal:
        """What ``accepted`` messages cost (rounded to a millionth of the currency)."""
        value = self.price_per_1000 * accepted / 1000
        return value.quantize(_COST_QUANTUM, rounding=ROUND_HALF_UP)

    async def report(
        self, actor: Actor, month: str | None = None, group: UsageGroup = UsageGroup.DOMAIN
    ) -> UsageReport:
        """One month's counters (this month by default) by API key or by domain, in the
        actor's scope. Raises: InvalidInput (month), PermissionDenied."""
        require_sending_view(actor)
        chosen = parse_month(month) if month else self.current_month()
        async with self._db.snapshot() as tx:
            rows = await tx.usage.list_rows(month=chosen)
        scope = actor.domain_filter
        rows = [r for r in rows if scope is None or r.domain in scope]
        return self._report(chosen, group, rows)

    def _report(self, month: str, group: UsageGroup, rows: Sequence[UsageRow]) -> UsageReport:
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row in rows:
            name = row.api_key_prefix if group is UsageGroup.KEY else row.domain
            sums[name][0] += row.accepted
            sums[name][1] += row.delivered
        lines = [UsageLine(n, a, d, self.cost(a)) for n, (a, d) in sorted(sums.items())]
        accepted = sum(line.accepted for line in lines)
        delivered = sum(line.delivered for line in lines)
        total = UsageLine("", accepted, delivered, self.cost(accepted))
        return UsageReport(month, group, self.currency, self.price_per_1000, lines, total)

    async def count_delivered(
        self, tx: Transaction, delivered: Sequence[ClaimedRecipient], at: datetime
    ) -> None:
        """Count delivered recipients in ``tx`` (the transaction recording them), per rule 1."""
        if not delivered:
            return
        api_ids = [d.message_id for d in delivered if d.origin is Origin.API]
        owners = await tx.message_events.usage_owners(api_ids)
        hosted: dict[str, bool] = {}
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for item in delivered:
            owner = owners.get(item.message_id)
            if owner is not None:
                counts[(owner.api_key_prefix, owner.domain)] += 1
                continue
            if item.origin is Origin.SYSTEM:
                continue
            domain = item.sender.rpartition("@")[2].lower()
            if domain and domain not in hosted:
                hosted[domain] = await tx.domains.find_by_name(domain) is not None
            if domain and hosted[domain]:
                counts[("", domain)] += 1
        month = month_of(at)
        for (prefix, domain), count in sorted(counts.items()):
            await tx.usage.add(month, prefix, domain, delivered=count)
