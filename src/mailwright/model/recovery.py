"""Recovery links and recovery requests.

A recovery link is a single-use link mailed to an address to prove that its reader controls
that address: the recovery address, to choose a new password (``PASSWORD_RESET``), or a new
recovery address, to confirm it (``RECOVERY_ADDRESS``). Only a keyed digest of the link's token
is stored, and ``binding`` is a keyed digest of the mailbox's state when the link was sent, so
any later change of password or recovery address kills the link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class LinkPurpose(StrEnum):
    """What following a recovery link does."""

    PASSWORD_RESET = "password-reset"  # noqa: S105 (a purpose, not a password)
    RECOVERY_ADDRESS = "recovery-address"


class LinkState(StrEnum):
    """What a presented recovery link is worth."""

    LIVE = "live"
    UNKNOWN = "unknown"
    """No link has this token (mistyped, or deleted long after it expired)."""
    USED = "used"
    EXPIRED = "expired"
    STALE = "stale"
    """The mailbox changed since the link was sent (password or recovery address), or is gone
    or disabled."""


@dataclass(frozen=True)
class RecoveryLink:
    """A stored recovery link (its token is never stored).

    Attributes:
        address: the mailbox the link acts on.
        recipient: where the link was sent: the recovery address (password reset) or the new
            recovery address it confirms.
        binding: keyed digest of the mailbox state the link was issued for.
        source: the network address that asked for the link.
    """

    id: int
    purpose: LinkPurpose
    mailbox_id: int
    address: str
    recipient: str
    binding: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    source: str
