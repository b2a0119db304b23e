"""Address lookups for routing, in as few round trips as possible (one for a mailbox, two
otherwise): they run for every RCPT and every delivery."""

from __future__ import annotations

from sqlalchemy import and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.model.directory import DirectoryEntry, alias_entry
from mailwright.model.mailstore import INBOX
from mailwright.storage.sql.mail_tables import folders
from mailwright.storage.sql.mailboxes import _mailbox
from mailwright.storage.sql.sqlite_direct import DirectSqlite
from mailwright.storage.sql.tables import alias_destinations, aliases, domains, mailboxes

# Built once: constructing a SQLAlchemy statement costs more than SQLite takes to run it, and
# these run for every RCPT and every delivery.
_MAILBOX = (
    select(mailboxes, folders.c.id.label("inbox_id"))
    .outerjoin(folders, and_(folders.c.mailbox_id == mailboxes.c.id, folders.c.name == INBOX))
    .where(mailboxes.c.address == bindparam("address"))
)
_HOSTED = select(domains.c.id).where(domains.c.name == bindparam("domain"))
_ALIASES = (
    select(
        _HOSTED.scalar_subquery().label("hosted"),
        aliases.c.source,
        alias_destinations.c.destination,
    )
    .select_from(aliases)
    .join(alias_destinations, alias_destinations.c.alias_id == aliases.c.id, isouter=True)
    .where(aliases.c.source.in_(bindparam("sources", expanding=True)))
    .order_by(aliases.c.source, alias_destinations.c.position)
)


class SqlDirectoryRepository:
    """Implements ``DirectoryRepository``."""

    def __init__(self, connection: AsyncConnection, direct: DirectSqlite | None = None) -> None:
        self._c = connection
        self._direct = direct

    async def lookup(self, address: str, domain: str) -> DirectoryEntry:
        if self._direct is not None:
            return self._direct.lookup(address, domain)
        row = (await self._c.execute(_MAILBOX, {"address": address})).first()
        if row is not None:
            return DirectoryEntry(True, _mailbox(row), row.inbox_id)
        catch_all = "@" + domain
        parameters = {"domain": domain, "sources": [address, catch_all]}
        rows = (await self._c.execute(_ALIASES, parameters)).all()
        if not rows:
            found = await self._c.execute(_HOSTED, {"domain": domain})
            return DirectoryEntry(found.first() is not None)
        pairs = [(r.source, r.destination) for r in rows]
        return alias_entry(rows[0].hosted is not None, address, catch_all, pairs)
