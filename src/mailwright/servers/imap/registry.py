"""Every live IMAP session of the process, found by mailbox, so events reach them.

The registry subscribes to the event hub once. A ``CredentialsChanged`` ends every session of
that mailbox with ``* BYE`` at once; a folder event marks sessions that selected that folder,
which then ask the store what changed (and wake up if they are IDLE). It also counts
connections for the listener's limits.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING

from mailwright.model.events import (
    CredentialsChanged,
    Event,
    FlagsChanged,
    FolderDeleted,
    MessagesAdded,
    MessagesExpunged,
)

if TYPE_CHECKING:
    from mailwright.servers.imap.session import Session

log = logging.getLogger(__name__)


class SessionRegistry:
    """Live sessions by mailbox, plus connection counts."""

    def __init__(self) -> None:
        self._sessions: set[Session] = set()
        self._by_mailbox: dict[int, set[Session]] = {}
        self._by_source: Counter[str] = Counter()
        self._credential_epoch = 0
        self._changed_at: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._sessions)

    def sessions(self) -> list[Session]:
        """Every live session."""
        return list(self._sessions)

    def connections_from(self, source: str) -> int:
        """Live sessions from one client address."""
        return self._by_source[source]

    def add(self, session: Session) -> None:
        """A new connection."""
        self._sessions.add(session)
        self._by_source[session.peer] += 1

    def remove(self, session: Session) -> None:
        """A connection ended (safe to call twice)."""
        if session not in self._sessions:
            return
        self._sessions.discard(session)
        self._by_source[session.peer] -= 1
        if self._by_source[session.peer] <= 0:
            del self._by_source[session.peer]
        if session.mailbox is not None:
            group = self._by_mailbox.get(session.mailbox.id)
            if group is not None:
                group.discard(session)
                if not group:
                    del self._by_mailbox[session.mailbox.id]

    def credential_epoch(self) -> int:
        """A counter of credential changes; take it before checking a password."""
        return self._credential_epoch

    def bind(self, session: Session, mailbox_id: int, epoch: int) -> bool:
        """Attach a session that just logged in to its mailbox.

        Returns False when the mailbox's credentials changed since ``epoch`` (a reset raced
        the login, which may have checked the old password): the login must be refused.
        """
        if self._changed_at.get(mailbox_id, -1) >= epoch:
            return False
        self._by_mailbox.setdefault(mailbox_id, set()).add(session)
        return True

    def on_event(self, event: Event) -> None:
        """Event hub subscriber: must stay quick (no awaiting)."""
        match event:
            case CredentialsChanged(mailbox_id=mailbox_id, reason=reason):
                self._changed_at[mailbox_id] = self._credential_epoch
                self._credential_epoch += 1
                for session in list(self._by_mailbox.pop(mailbox_id, ())):
                    log.info("closing IMAP session of %s: %s", event.address, reason)
                    session.terminate(f"Session ended: the mailbox's {_why(reason)}")
            case (
                MessagesAdded(mailbox_id=mailbox_id, folder_id=folder_id)
                | FlagsChanged(mailbox_id=mailbox_id, folder_id=folder_id)
                | MessagesExpunged(mailbox_id=mailbox_id, folder_id=folder_id)
                | FolderDeleted(mailbox_id=mailbox_id, folder_id=folder_id)
            ):
                for session in self._by_mailbox.get(mailbox_id, ()):
                    session.notify(folder_id)

    def close_all(self, reason: str) -> None:
        """Server shutdown: ``* BYE`` to everyone."""
        for session in list(self._sessions):
            session.terminate(reason)


def _why(reason: str) -> str:
    return {
        "password reset": "password was reset",
        "disabled": "mailbox was disabled",
        "removed": "mailbox was removed",
    }.get(reason, "credentials changed")
