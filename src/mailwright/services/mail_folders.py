"""Folders of a mailbox as mail clients manage them: list, create, delete, rename, subscribe,
status, and the quota they count against.

Each use case is one transaction. Names are full hierarchy names with ``/`` between levels
(``Projects/2026``); ``INBOX`` is matched in any case (RFC 3501 5.1). Creating ``a/b/c``
creates the missing ``a`` and ``a/b`` too (RFC 3501 6.3.3 SHOULD). Deleting a folder with
children leaves the children; the name then shows as a ``\\Noselect`` parent in LIST. Renaming
takes the children along; renaming INBOX moves its messages into a new folder and leaves INBOX
empty (RFC 3501 6.3.5).
"""

from __future__ import annotations

from mailwright.model.errors import Conflict, InvalidInput, NotFound
from mailwright.model.events import FolderDeleted, MessagesAdded, MessagesExpunged
from mailwright.model.interfaces import Clock, Database, EventHub, Transaction
from mailwright.model.mail_access import FOLDER_NAME_MAX, FolderSummary, QuotaUsage
from mailwright.model.mailstore import (
    HIERARCHY_SEPARATOR,
    INBOX,
    SPECIAL_FOLDERS,
    Folder,
    normalise_folder_name,
)
from mailwright.services.mailboxes import uidvalidity

SPECIAL_USES = frozenset(use for _, use in SPECIAL_FOLDERS) | {"\\All", "\\Flagged"}
"""RFC 6154 attributes a folder may carry."""
_FORBIDDEN = frozenset("*%\x7f") | {chr(code) for code in range(32)}


def parse_folder_name(name: str) -> str:
    """A folder name as stored: INBOX normalised, a trailing separator dropped.

    Raises:
        InvalidInput: empty, too long, an empty level (``a//b``, ``/a``), a control character,
            or a LIST wildcard (``*``, ``%``).
    """
    if name.endswith(HIERARCHY_SEPARATOR) and len(name) > 1:
        name = name[:-1]  # RFC 3501 6.3.3: "foo/" declares intent to create children
    name = normalise_folder_name(name)
    if not name or len(name) > FOLDER_NAME_MAX:
        raise InvalidInput("The folder name is empty or too long.")
    if any(char in _FORBIDDEN for char in name):
        raise InvalidInput("The folder name contains a wildcard or control character.")
    if "" in name.split(HIERARCHY_SEPARATOR):
        raise InvalidInput("The folder name has an empty level.")
    return name


def parents_of(name: str) -> list[str]:
    """Every superior name of ``name``, outermost first: ``a/b/c`` -> ``a``, ``a/b``."""
    levels = name.split(HIERARCHY_SEPARATOR)
    return [HIERARCHY_SEPARATOR.join(levels[:depth]) for depth in range(1, len(levels))]


def is_inside(name: str, parent: str) -> bool:
    """True when ``name`` is below ``parent`` in the hierarchy."""
    return name.startswith(parent + HIERARCHY_SEPARATOR)


class MailFolders:
    """Folder use cases for one mailbox at a time (the caller has authenticated it)."""

    def __init__(self, database: Database, clock: Clock, events: EventHub) -> None:
        self._db = database
        self._clock = clock
        self._events = events
        self._last_uidvalidity = 0

    async def list_folders(self, mailbox_id: int) -> list[Folder]:
        """Every folder of the mailbox, by name."""
        async with self._db.snapshot() as tx:
            return await tx.folders.list_folders(mailbox_id)

    async def create(self, mailbox_id: int, name: str, special_use: str | None = None) -> Folder:
        """Create a folder (and its missing parents).

        Raises:
            InvalidInput: a bad name or special use. Conflict: it exists (INBOX always does).
        """
        name = parse_folder_name(name)
        if special_use is not None and special_use not in SPECIAL_USES:
            raise InvalidInput(f"{special_use} is not a special use this server knows.")
        async with self._db.transaction() as tx:
            if await tx.folders.find(mailbox_id, name) is not None or name == INBOX:
                raise Conflict(f"The folder {name} exists already.")
            for parent in parents_of(name):
                if await tx.folders.find(mailbox_id, parent) is None:
                    await self._add(tx, mailbox_id, parent, None)
            return await self._add(tx, mailbox_id, name, special_use)

    async def delete(self, mailbox_id: int, name: str) -> None:
        """Delete a folder and its messages; its children stay.

        Raises:
            InvalidInput: INBOX. NotFound: no such folder.
        """
        name = parse_folder_name(name)
        if name == INBOX:
            raise InvalidInput("INBOX cannot be deleted.")
        async with self._db.transaction() as tx:
            folder = await self._get(tx, mailbox_id, name)
            status = await tx.messages.status(folder.id)
            await tx.folders.delete(folder.id)
            await tx.mailboxes.add_used_bytes(mailbox_id, -status.size)
        self._events.publish(FolderDeleted(mailbox_id, folder.id))

    async def rename(self, mailbox_id: int, source: str, destination: str) -> None:
        """Rename a folder and its children; renaming INBOX moves its messages instead.

        Raises:
            InvalidInput: a bad name, or a folder renamed into itself. NotFound: no source.
            Conflict: the destination (or a child's new name) exists.
        """
        source, destination = parse_folder_name(source), parse_folder_name(destination)
        if destination == INBOX or is_inside(destination, source):
            raise InvalidInput(f"{source} cannot be renamed to {destination}.")
        async with self._db.transaction() as tx:
            folder = await self._get(tx, mailbox_id, source)
            existing = {f.name: f for f in await tx.folders.list_folders(mailbox_id)}
            if destination in existing:
                raise Conflict(f"The folder {destination} exists already.")
            for parent in parents_of(destination):
                if parent not in existing:
                    await self._add(tx, mailbox_id, parent, None)
            if source != INBOX:
                await self._rename_tree(tx, existing, source, destination)
                return
            target, moved = await self._empty_inbox(tx, folder, destination)
        if moved:
            self._events.publish(MessagesExpunged(mailbox_id, folder.id, tuple(moved)))
            self._events.publish(MessagesAdded(mailbox_id, target.id))

    async def set_subscribed(self, mailbox_id: int, name: str, subscribed: bool) -> None:
        """SUBSCRIBE or UNSUBSCRIBE. Raises: NotFound (only existing folders are listed)."""
        name = parse_folder_name(name)
        async with self._db.transaction() as tx:
            folder = await self._get(tx, mailbox_id, name)
            await tx.folders.set_subscribed(folder.id, subscribed)

    async def summary(self, mailbox_id: int, name: str) -> FolderSummary:
        """A folder with its message, unseen and size counts (STATUS). Raises: NotFound."""
        name = parse_folder_name(name)
        async with self._db.snapshot() as tx:
            folder = await self._get(tx, mailbox_id, name)
            status = await tx.messages.status(folder.id)
        return FolderSummary(folder, status.messages, status.unseen, status.size)

    async def quota(self, mailbox_id: int) -> QuotaUsage:
        """Octets stored in the mailbox and its quota. Raises: NotFound."""
        async with self._db.snapshot() as tx:
            mailbox = await tx.mailboxes.find_by_id(mailbox_id)
        if mailbox is None:
            raise NotFound("The mailbox does not exist.")
        return QuotaUsage(mailbox.used_bytes, mailbox.quota_bytes)

    async def _get(self, tx: Transaction, mailbox_id: int, name: str) -> Folder:
        folder = await tx.folders.find(mailbox_id, name)
        if folder is None:
            raise NotFound(f"There is no folder {name}.")
        return folder

    async def _add(
        self, tx: Transaction, mailbox_id: int, name: str, special_use: str | None
    ) -> Folder:
        # A re-created or renamed-away name must never repeat a UIDVALIDITY (RFC 3501 2.3.1.1),
        # even within one second or under a frozen test clock.
        existing = max(
            (f.uidvalidity for f in await tx.folders.list_folders(mailbox_id)), default=0
        )
        value = max(uidvalidity(self._clock.now()), existing + 1, self._last_uidvalidity + 1)
        self._last_uidvalidity = value
        return await tx.folders.add(
            mailbox_id,
            name,
            special_use=special_use,
            uidvalidity=value,
            created_at=self._clock.now(),
        )

    async def _rename_tree(
        self, tx: Transaction, existing: dict[str, Folder], source: str, destination: str
    ) -> None:
        moving = [f for name, f in existing.items() if name == source or is_inside(name, source)]
        for folder in moving:
            new_name = destination + folder.name[len(source) :]
            if new_name != destination and new_name in existing:
                raise Conflict(f"The folder {new_name} exists already.")
            await tx.folders.rename(folder.id, new_name)

    async def _empty_inbox(
        self, tx: Transaction, inbox: Folder, destination: str
    ) -> tuple[Folder, list[int]]:
        target = await self._add(tx, inbox.mailbox_id, destination, None)
        uids = await tx.messages.list_uids(inbox.id)
        if uids:
            first_uid, modseq = await tx.folders.allocate(target.id, len(uids))
            renumber = [(uid, first_uid + index) for index, uid in enumerate(uids)]
            await tx.messages.move(inbox.id, target.id, renumber, modseq)
            await tx.folders.next_modseq(inbox.id)
        return target, uids
