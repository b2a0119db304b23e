"""The suppression list as callers manage it: list, add (reason ``manual``), remove, export.

Hard bounces add addresses by themselves (``services.outbound``); a suppressed recipient is
never attempted. The list is one for the whole platform: who may read and change it is in
``sending_access`` (keys of global admins; sandbox keys only read). Changes are audited.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from mailwright.model.addresses import parse_address
from mailwright.model.errors import Conflict, NotFound
from mailwright.model.interfaces import Clock, Database
from mailwright.model.outbound import Suppression, SuppressionReason
from mailwright.model.sending import SendingCaller
from mailwright.model.text import parse_line
from mailwright.services.audit import AuditLog
from mailwright.services.sending_access import require_shared_editor, require_suppression_reader

MAX_DETAIL = 500
_EXPORT_PAGE = 1000


class SuppressionService:
    """Reads and changes the suppression list."""

    def __init__(self, database: Database, clock: Clock, audit: AuditLog) -> None:
        self._db = database
        self._clock = clock
        self._audit = audit

    async def list_page(
        self, caller: SendingCaller, *, after: str | None = None, limit: int = 50
    ) -> list[Suppression]:
        """Entries by address, after the address ``after``. Raises: PermissionDenied."""
        require_suppression_reader(caller)
        async with self._db.snapshot() as tx:
            return await tx.suppressions.list_all(after=after, limit=limit)

    async def get(self, caller: SendingCaller, address: str) -> Suppression:
        """One entry. Raises: NotFound, InvalidInput, PermissionDenied."""
        require_suppression_reader(caller)
        normalised = str(parse_address(address))
        async with self._db.snapshot() as tx:
            found = await tx.suppressions.find(normalised)
        if found is None:
            raise NotFound(f"{normalised} is not on the suppression list.")
        return found

    async def add(self, caller: SendingCaller, address: str, detail: str = "") -> Suppression:
        """Suppress an address by hand.

        Raises: InvalidInput, PermissionDenied, Conflict (it is on the list already).
        """
        require_shared_editor(caller, "the suppression list")
        normalised = str(parse_address(address))
        note = parse_line(detail, "detail", max_length=MAX_DETAIL)
        async with self._db.transaction() as tx:
            if await tx.suppressions.find(normalised) is not None:
                raise Conflict(f"{normalised} is on the suppression list already.")
            entry = await tx.suppressions.add(
                normalised, SuppressionReason.MANUAL, note, self._clock.now()
            )
            await self._audit.record(tx, caller.actor, "suppression.add", normalised, reason=note)
        return entry

    async def remove(self, caller: SendingCaller, address: str) -> None:
        """Let mail reach an address again. Raises: NotFound, InvalidInput, PermissionDenied."""
        require_shared_editor(caller, "the suppression list")
        normalised = str(parse_address(address))
        async with self._db.transaction() as tx:
            if not await tx.suppressions.delete(normalised):
                raise NotFound(f"{normalised} is not on the suppression list.")
            await self._audit.record(tx, caller.actor, "suppression.remove", normalised)

    async def export(self, caller: SendingCaller) -> AsyncIterator[Suppression]:
        """Every entry by address, read a page at a time. Raises: PermissionDenied (at once)."""
        require_suppression_reader(caller)
        return self._pages()

    async def _pages(self) -> AsyncIterator[Suppression]:
        after: str | None = None
        while True:
            async with self._db.snapshot() as tx:
                page = await tx.suppressions.list_all(after=after, limit=_EXPORT_PAGE)
            for entry in page:
                yield entry
            if len(page) < _EXPORT_PAGE:
                return
            after = page[-1].address
