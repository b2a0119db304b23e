"""What mail clients see of the mail store: index entries, folder snapshots and the results of
changes (flags, expunges, copies), as the IMAP server and the services exchange them.

An *entry* is a message index row without its MIME structure: everything a session keeps in
memory for every message of a selected folder (sequence numbers, flags, sizes), so that
``FETCH 1:* (FLAGS)`` never goes back to the database.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from mailwright.model.mailstore import Folder

FOLDER_NAME_MAX = 512
"""Characters in a full folder name (the column holds 1024; modified UTF-7 grows names)."""


class FlagAction(enum.Enum):
    """How a flag change applies: replace the flags, add to them, or remove from them."""

    REPLACE = "replace"
    ADD = "add"
    REMOVE = "remove"


class MessageEntry(NamedTuple):
    """One message of a folder without its structure (a tuple: sessions hold thousands and
    build them by the thousand when a folder is opened)."""

    uid: int
    flags: frozenset[str]
    modseq: int
    size: int
    internal_date: datetime
    blob: str


@dataclass(frozen=True)
class FolderSnapshot:
    """A folder as a session opens it: the folder row and its messages by UID."""

    folder: Folder
    messages: list[MessageEntry]


@dataclass(frozen=True)
class FolderChanges:
    """What changed in a folder since a session last looked.

    ``changed`` holds every entry whose modseq is above the one asked about (new messages and
    flag changes); ``present_uids`` lists every UID still in the folder when messages may have
    been expunged, and is None when none were.
    """

    folder: Folder
    changed: list[MessageEntry]
    present_uids: list[int] | None


@dataclass(frozen=True)
class FlagUpdate:
    """The result of a flag change: the entries as they are now (changed or not) and the UIDs
    refused because they changed after the client's UNCHANGEDSINCE (RFC 7162 3.1.3)."""

    entries: list[MessageEntry]
    changed: frozenset[int]
    modified: list[int]


@dataclass(frozen=True)
class CopyResult:
    """UIDs of copied or moved messages, for ``[COPYUID validity source target]``."""

    uidvalidity: int
    source_uids: list[int]
    target_uids: list[int]


@dataclass(frozen=True)
class FolderSummary:
    """A folder with its counts (STATUS)."""

    folder: Folder
    messages: int
    unseen: int
    size: int


@dataclass(frozen=True)
class QuotaUsage:
    """Storage used by a mailbox and its limit in octets (None: unlimited)."""

    used: int
    limit: int | None


@dataclass(frozen=True)
class MessageUpload:
    """One message a client stores into a folder (APPEND)."""

    data: bytes
    flags: frozenset[str] = frozenset()
    internal_date: datetime | None = None


@dataclass(frozen=True)
class AppendResult:
    """Where appended messages went: the folder, its UIDVALIDITY and their new UIDs."""

    uidvalidity: int
    uids: tuple[int, ...]
    folder_id: int


def apply_flags(
    current: frozenset[str], action: FlagAction, flags: frozenset[str]
) -> frozenset[str]:
    """The flags of a message after a change. Flags compare case-insensitively (RFC 3501 2.3.2):
    adding ``$junk`` to ``$Junk`` changes nothing, removing ``\\SEEN`` removes ``\\Seen``."""
    match action:
        case FlagAction.REPLACE:
            return _dedupe(flags)
        case FlagAction.ADD:
            present = {flag.casefold() for flag in current}
            return current | _dedupe(f for f in flags if f.casefold() not in present)
        case FlagAction.REMOVE:
            gone = {flag.casefold() for flag in flags}
            return frozenset(f for f in current if f.casefold() not in gone)


def _dedupe(flags: Iterable[str]) -> frozenset[str]:
    kept: dict[str, str] = {}
    for flag in flags:
        kept.setdefault(flag.casefold(), flag)
    return frozenset(kept.values())
