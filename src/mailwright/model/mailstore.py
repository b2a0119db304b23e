"""The mail store: folders of a mailbox and the index of the messages in them.

Message bodies are immutable files named by the SHA-256 of their bytes (a *blob*); the index
row of a message in a folder holds its IMAP UID, flags, modification sequence, size, internal
date and the MIME structure parsed once at delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

INBOX = "INBOX"
HIERARCHY_SEPARATOR = "/"
# RFC 6154 special-use folders created for every new mailbox, with the names clients expect.
SPECIAL_FOLDERS: tuple[tuple[str, str], ...] = (
    ("Sent", "\\Sent"),
    ("Drafts", "\\Drafts"),
    ("Trash", "\\Trash"),
    ("Junk", "\\Junk"),
    ("Archive", "\\Archive"),
)
SEEN = "\\Seen"
DELETED = "\\Deleted"


@dataclass(frozen=True)
class BlobRef:
    """A stored message body: its SHA-256 (hex) and size in octets."""

    digest: str
    size: int


@dataclass(frozen=True)
class Folder:
    """An IMAP folder of one mailbox.

    ``uidnext`` is the UID the next message will get; ``highest_modseq`` grows with every
    change of the folder's messages (RFC 7162 CONDSTORE).
    """

    id: int
    mailbox_id: int
    name: str
    special_use: str | None
    uidvalidity: int
    uidnext: int
    highest_modseq: int
    subscribed: bool
    created_at: datetime


@dataclass(frozen=True)
class StoredMessage:
    """One message in one folder."""

    id: int
    folder_id: int
    uid: int
    blob: str
    size: int
    internal_date: datetime
    flags: frozenset[str]
    modseq: int
    structure: dict[str, Any]


@dataclass(frozen=True)
class NewMessage:
    """A message about to be added to a folder."""

    blob: str
    size: int
    internal_date: datetime
    flags: frozenset[str]
    structure: dict[str, Any]


@dataclass(frozen=True)
class FolderStatus:
    """Counts of a folder for STATUS and SELECT."""

    messages: int
    unseen: int
    size: int


def normalise_folder_name(name: str) -> str:
    """``inbox`` in any case is INBOX (RFC 3501 5.1); other names are kept as given."""
    if name.upper() == INBOX:
        return INBOX
    head, sep, tail = name.partition(HIERARCHY_SEPARATOR)
    if sep and head.upper() == INBOX:
        return INBOX + sep + tail
    return name
