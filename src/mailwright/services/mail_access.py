"""Messages of a folder as mail clients use them: open a folder, see what changed, read
structures and bodies, change flags, expunge, copy, move and append.

Each use case is one transaction, and every change is published (``FlagsChanged``,
``MessagesExpunged``, ``MessagesAdded``) only after it committed, so other sessions of the
mailbox can report it. A session never learns *what* changed from the event: it asks
``changes()``, which reads the folder's state since the modseq the session last saw. That is
exact even when several processes share the database and events only say "look again".

Message bodies are shared by content hash between folders, copies and the outbound queue, so an
expunge removes index rows only; files no row refers to are left for a later garbage
collection (deleting one here could race a delivery of the same content that found the file
and is about to commit its row).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mailwright.model.errors import InvalidInput, NotFound
from mailwright.model.events import FlagsChanged, MessagesAdded, MessagesExpunged
from mailwright.model.interfaces import BlobStore, Clock, Database, EventHub, Transaction
from mailwright.model.mail_access import (
    AppendResult,
    CopyResult,
    FlagAction,
    FlagUpdate,
    FolderChanges,
    FolderSnapshot,
    MessageEntry,
    MessageUpload,
    apply_flags,
)
from mailwright.model.mailstore import DELETED, Folder, NewMessage
from mailwright.protocols.mime import MessageStructure
from mailwright.services.local_delivery import LocalDelivery, OverQuota
from mailwright.services.mail_folders import parse_folder_name

RECENT = "\\Recent"
_STRUCTURE_CACHE = 4096
"""Parsed structures kept per process, keyed by body digest (a body's structure never changes)."""


class RecentTracker:
    """Which messages are \\Recent: new to the first session that sees them (RFC 3501 2.3.2).

    Kept in memory per process: after a restart every message is recent again to the first
    session that opens its folder, which RFC 3501 allows (\\Recent is advisory).
    """

    def __init__(self) -> None:
        self._seen_up_to: dict[int, int] = {}

    def claim(self, folder_id: int, uids: Sequence[int], *, keep: bool = True) -> set[int]:
        """The UIDs among ``uids`` (ascending) no session has seen; ``keep=False`` (EXAMINE)
        looks without taking them."""
        boundary = self._seen_up_to.get(folder_id, 0)
        recent = {uid for uid in uids if uid > boundary}
        if keep and uids:
            self._seen_up_to[folder_id] = max(boundary, uids[-1])
        return recent

    def boundary(self, folder_id: int) -> int:
        """The highest UID some session has seen as recent (0: none)."""
        return self._seen_up_to.get(folder_id, 0)


class MailAccess:
    """Message use cases of one mailbox's folders (the caller has authenticated it)."""

    def __init__(
        self,
        database: Database,
        blobs: BlobStore,
        clock: Clock,
        events: EventHub,
        delivery: LocalDelivery,
    ) -> None:
        self._db = database
        self._blobs = blobs
        self._clock = clock
        self._events = events
        self._delivery = delivery
        self.recent = RecentTracker()
        self._structures: OrderedDict[str, MessageStructure] = OrderedDict()

    async def open(self, mailbox_id: int, name: str) -> FolderSnapshot:
        """The folder and every message in it (SELECT, EXAMINE). Raises: NotFound."""
        name = parse_folder_name(name)
        async with self._db.snapshot() as tx:
            folder = await tx.folders.find(mailbox_id, name)
            if folder is None:
                raise NotFound(f"There is no folder {name}.")
            entries = await tx.messages.list_entries(folder.id)
        return FolderSnapshot(folder, entries)

    async def changes(
        self, folder_id: int, *, since_modseq: int, below_uid: int, known: int
    ) -> FolderChanges | None:
        """What changed since a session saw ``since_modseq``; None when the folder is gone.

        Args:
            since_modseq: the highest modseq the session has seen.
            below_uid: the session's UIDNEXT; ``known`` messages below it are in its view.
            known: how many messages the session holds below ``below_uid``.
        """
        async with self._db.snapshot() as tx:
            folder = await tx.folders.find_by_id(folder_id)
            if folder is None:
                return None
            if folder.highest_modseq == since_modseq:
                return FolderChanges(folder, [], None)
            changed = await tx.messages.entries_since(folder_id, since_modseq)
            present = None
            if await tx.messages.count_below(folder_id, below_uid) != known:
                present = await tx.messages.list_uids(folder_id)
        return FolderChanges(folder, changed, present)

    async def recent_count(self, folder_id: int) -> int:
        """How many messages of the folder are still \\Recent (STATUS RECENT)."""
        boundary = self.recent.boundary(folder_id)
        async with self._db.snapshot() as tx:
            total = (await tx.messages.status(folder_id)).messages
            return total - await tx.messages.count_below(folder_id, boundary + 1)

    async def structures(
        self, folder_id: int, entries: Sequence[MessageEntry]
    ) -> dict[int, MessageStructure]:
        """The parsed MIME structure of each message by UID (cached by body digest)."""
        found: dict[int, MessageStructure] = {}
        missing: dict[int, str] = {}
        for entry in entries:
            cached = self._structures.get(entry.blob)
            if cached is None:
                missing[entry.uid] = entry.blob
            else:
                found[entry.uid] = cached
        if missing:
            async with self._db.snapshot() as tx:
                loaded = await tx.messages.structures(folder_id, list(missing))
            for uid, data in loaded.items():
                found[uid] = self._remember(missing[uid], data)
        return found

    def _remember(self, digest: str, data: dict[str, Any]) -> MessageStructure:
        structure = MessageStructure.from_json(data)
        self._structures[digest] = structure
        if len(self._structures) > _STRUCTURE_CACHE:
            self._structures.popitem(last=False)
        return structure

    async def read_bodies(self, ranges: Sequence[tuple[str, int, int | None]]) -> list[bytes]:
        """Octets ``start:end`` of bodies by digest (``end`` None: to the end), read in one
        worker thread. A body whose file is missing reads as empty (the row outlived it)."""
        return await asyncio.to_thread(self._read_all, ranges)

    def _read_all(self, ranges: Sequence[tuple[str, int, int | None]]) -> list[bytes]:
        out: list[bytes] = []
        for digest, start, end in ranges:
            try:
                if end is None:
                    data = self._blobs.read(digest)[start:]
                else:
                    data = self._blobs.read_range(digest, start, end)
            except FileNotFoundError:
                data = b""
            out.append(data)
        return out

    async def store_flags(
        self,
        mailbox_id: int,
        folder_id: int,
        uids: Sequence[int],
        action: FlagAction,
        flags: frozenset[str],
        *,
        unchanged_since: int | None = None,
    ) -> FlagUpdate:
        """Change flags of messages; one new modseq for all that changed (RFC 7162 3.1.3).

        Raises:
            InvalidInput: ``\\Recent`` (the server's alone). NotFound: no such folder.
        """
        if any(flag.casefold() == RECENT.casefold() for flag in flags):
            raise InvalidInput("\\Recent cannot be set by a client.")
        async with self._db.transaction() as tx:
            await self._folder(tx, mailbox_id, folder_id)
            current = await tx.messages.entries_by_uids(folder_id, uids)
            modified = [
                e.uid for e in current if unchanged_since is not None and e.modseq > unchanged_since
            ]
            refused = set(modified)
            new_flags = {
                e.uid: after
                for e in current
                if e.uid not in refused
                and (after := apply_flags(e.flags, action, flags)) != e.flags
            }
            modseq = 0
            if new_flags:
                modseq = await tx.folders.next_modseq(folder_id)
                await tx.messages.set_flags(folder_id, new_flags, modseq)
        if new_flags:
            self._events.publish(FlagsChanged(mailbox_id, folder_id, modseq))
        entries = [
            _with_flags(e, new_flags[e.uid], modseq) if e.uid in new_flags else e for e in current
        ]
        return FlagUpdate(entries, frozenset(new_flags), modified)

    async def expunge(self, mailbox_id: int, folder_id: int, uids: Sequence[int]) -> list[int]:
        """Remove those of ``uids`` that carry \\Deleted; returns the UIDs removed."""
        async with self._db.transaction() as tx:
            await self._folder(tx, mailbox_id, folder_id)
            doomed = [
                e for e in await tx.messages.entries_by_uids(folder_id, uids) if DELETED in e.flags
            ]
            if doomed:
                await tx.messages.delete_uids(folder_id, [e.uid for e in doomed])
                await tx.mailboxes.add_used_bytes(mailbox_id, -sum(e.size for e in doomed))
                await tx.folders.next_modseq(folder_id)
        removed = [e.uid for e in doomed]
        if removed:
            self._events.publish(MessagesExpunged(mailbox_id, folder_id, tuple(removed)))
        return removed

    async def copy(
        self, mailbox_id: int, folder_id: int, uids: Sequence[int], target: str
    ) -> CopyResult:
        """Copy messages (flags and internal dates kept) to another folder.

        Raises:
            NotFound: no source or target folder. OverQuota: the copies do not fit.
        """
        async with self._db.transaction() as tx:
            await self._folder(tx, mailbox_id, folder_id)
            destination = await self._target(tx, mailbox_id, target)
            rows = await tx.messages.find_by_uids(folder_id, uids)
            total = sum(row.size for row in rows)
            mailbox = await tx.mailboxes.find_by_id(mailbox_id)
            quota = mailbox.quota_bytes if mailbox else None
            if mailbox and quota is not None and mailbox.used_bytes + total > quota:
                raise OverQuota("The copies do not fit in the mailbox's quota.")
            new_uids: list[int] = []
            if rows:
                first_uid, modseq = await tx.folders.allocate(destination.id, len(rows))
                new = [
                    NewMessage(r.blob, r.size, r.internal_date, r.flags, r.structure) for r in rows
                ]
                new_uids = await tx.messages.add_many(destination.id, first_uid, modseq, new)
                await tx.mailboxes.add_used_bytes(mailbox_id, total)
        if rows:
            self._events.publish(MessagesAdded(mailbox_id, destination.id))
        return CopyResult(destination.uidvalidity, [r.uid for r in rows], new_uids)

    async def move(
        self, mailbox_id: int, folder_id: int, uids: Sequence[int], target: str
    ) -> CopyResult:
        """Move messages to another folder in one step (RFC 6851): new UIDs there, gone here.

        Raises:
            NotFound: no source or target folder.
        """
        async with self._db.transaction() as tx:
            await self._folder(tx, mailbox_id, folder_id)
            destination = await self._target(tx, mailbox_id, target)
            moving = [e.uid for e in await tx.messages.entries_by_uids(folder_id, uids)]
            new_uids: list[int] = []
            if moving:
                first_uid, modseq = await tx.folders.allocate(destination.id, len(moving))
                new_uids = [first_uid + index for index in range(len(moving))]
                await tx.messages.move(
                    folder_id, destination.id, list(zip(moving, new_uids, strict=True)), modseq
                )
                await tx.folders.next_modseq(folder_id)
        if moving:
            self._events.publish(MessagesExpunged(mailbox_id, folder_id, tuple(moving)))
            self._events.publish(MessagesAdded(mailbox_id, destination.id))
        return CopyResult(destination.uidvalidity, moving, new_uids)

    async def append(
        self,
        mailbox_id: int,
        name: str,
        message: bytes,
        *,
        flags: frozenset[str],
        internal_date: datetime | None,
    ) -> AppendResult:
        """Store a message in a folder (APPEND), durably before returning.

        Raises:
            InvalidInput: an empty message. NotFound: no such folder. OverQuota: it does not fit.
        """
        if not message:
            raise InvalidInput("An empty message cannot be stored.")
        name = parse_folder_name(name)
        clean = frozenset(flag for flag in flags if flag.casefold() != RECENT.casefold())
        validity, uid, folder_id = await self._delivery.append(
            mailbox_id, name, message, flags=clean, internal_date=internal_date
        )
        return AppendResult(validity, (uid,), folder_id)

    async def append_many(
        self, mailbox_id: int, name: str, uploads: Sequence[MessageUpload]
    ) -> AppendResult:
        """Store several messages in a folder at once, all or none (MULTIAPPEND, imports).

        Raises:
            InvalidInput: an empty message. NotFound: no such folder. OverQuota: they do not fit.
        """
        if any(not upload.data for upload in uploads):
            raise InvalidInput("An empty message cannot be stored.")
        name = parse_folder_name(name)
        new: list[NewMessage] = []
        for upload in uploads:
            blob, structure = await self._delivery.store_blob(upload.data)
            flags = frozenset(f for f in upload.flags if f.casefold() != RECENT.casefold())
            when = upload.internal_date or self._clock.now()
            new.append(NewMessage(blob.digest, blob.size, when, flags, structure))
        async with self._db.transaction() as tx:
            folder = await self._target(tx, mailbox_id, name)
            mailbox = await tx.mailboxes.find_by_id(mailbox_id)
            total = sum(message.size for message in new)
            quota = mailbox.quota_bytes if mailbox else None
            if mailbox and quota is not None and mailbox.used_bytes + total > quota:
                raise OverQuota("The messages do not fit in the mailbox's quota.")
            uids: list[int] = []
            if new:
                first_uid, modseq = await tx.folders.allocate(folder.id, len(new))
                uids = await tx.messages.add_many(folder.id, first_uid, modseq, new)
                await tx.mailboxes.add_used_bytes(mailbox_id, total)
        if uids:
            self._events.publish(MessagesAdded(mailbox_id, folder.id))
        return AppendResult(folder.uidvalidity, tuple(uids), folder.id)

    async def _folder(self, tx: Transaction, mailbox_id: int, folder_id: int) -> Folder:
        folder = await tx.folders.find_by_id(folder_id)
        if folder is None or folder.mailbox_id != mailbox_id:
            raise NotFound("The folder does not exist any more.")
        return folder

    async def _target(self, tx: Transaction, mailbox_id: int, name: str) -> Folder:
        name = parse_folder_name(name)
        folder = await tx.folders.find(mailbox_id, name)
        if folder is None:
            raise NotFound(f"There is no folder {name}.")
        return folder


def _with_flags(entry: MessageEntry, flags: frozenset[str], modseq: int) -> MessageEntry:
    return MessageEntry(entry.uid, flags, modseq, entry.size, entry.internal_date, entry.blob)
