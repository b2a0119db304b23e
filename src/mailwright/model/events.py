"""Events that live sessions react to (an IMAP session closes when its password changes)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CredentialsChanged:
    """A mailbox's password changed, or it was disabled or removed: end its sessions."""

    mailbox_id: int
    address: str
    reason: str


@dataclass(frozen=True)
class MessagesAdded:
    """New messages arrived in a folder (IDLE sessions wake up)."""

    mailbox_id: int
    folder_id: int


@dataclass(frozen=True)
class FlagsChanged:
    """Flags of messages in a folder changed (other sessions report them as FETCH FLAGS)."""

    mailbox_id: int
    folder_id: int
    modseq: int


@dataclass(frozen=True)
class MessagesExpunged:
    """Messages left a folder for good (EXPUNGE, MOVE); other sessions report EXPUNGE."""

    mailbox_id: int
    folder_id: int
    uids: tuple[int, ...]


@dataclass(frozen=True)
class FolderDeleted:
    """A folder and its messages were deleted (sessions that selected it must let go)."""

    mailbox_id: int
    folder_id: int


@dataclass(frozen=True)
class OutboundQueued:
    """Messages were queued for remote delivery (delivery workers wake up)."""

    message_id: str


Event = (
    CredentialsChanged
    | MessagesAdded
    | FlagsChanged
    | MessagesExpunged
    | FolderDeleted
    | OutboundQueued
)
