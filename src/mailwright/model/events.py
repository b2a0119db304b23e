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


Event = CredentialsChanged | MessagesAdded
