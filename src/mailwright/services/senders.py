"""Which sender addresses an authenticated mailbox may use (submission, RFC 6409 8.1).

A mailbox may send as its own address and as every alias that delivers to it (catch-alls
excluded: owning ``@example.org`` would let one mailbox speak for the whole domain).
"""

from __future__ import annotations

from mailwright.model.addresses import find_address
from mailwright.model.interfaces import Database
from mailwright.model.mailboxes import Mailbox


class SenderIdentities:
    """Answers "may this mailbox send as this address?"."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def addresses_of(self, mailbox: Mailbox) -> set[str]:
        """The mailbox's own address and its non-catch-all aliases."""
        async with self._db.snapshot() as tx:
            aliases = await tx.aliases.list_for_destination(mailbox.address)
        return {mailbox.address} | {a.source for a in aliases if not a.is_catch_all}

    async def may_send_as(self, mailbox: Mailbox, address: str) -> bool:
        """True when ``address`` (any case) is one of the mailbox's identities."""
        parsed = find_address(address)
        return parsed is not None and str(parsed) in await self.addresses_of(mailbox)
