"""The IMAP session state machine (RFC 3501 3), in the manner of h11's ``_state.py``.

Rules:

1. A connection starts NOT_AUTHENTICATED; there is no PREAUTH, every login is explicit.
2. On the STARTTLS port no password travels before TLS: LOGIN and AUTHENTICATE are refused
   until STARTTLS succeeds (LOGINDISABLED). STARTTLS is refused once TLS is active.
3. A successful LOGIN or AUTHENTICATE moves NOT_AUTHENTICATED -> AUTHENTICATED and raises the
   framer limits from the small pre-login ones to the large ones.
4. SELECT and EXAMINE move to SELECTED; a failing SELECT or EXAMINE leaves any selected folder
   and ends in AUTHENTICATED (RFC 3501 6.3.1).
5. CLOSE (after silently expunging, when read-write) and UNSELECT return to AUTHENTICATED.
6. LOGOUT, a timeout, a password change of the mailbox or a server shutdown sends ``* BYE``
   and moves to LOGOUT, where the connection closes.
7. A command that the current state does not allow is answered BAD naming the state; it
   changes nothing.
8. Untagged updates of the selected folder (EXISTS, RECENT, EXPUNGE, FETCH of flags) are sent
   only just before a tagged response or during IDLE, never unasked between commands
   (RFC 3501 7.4.1); after FETCH, STORE and SEARCH no EXPUNGE is sent, because the client's
   sequence numbers must stay valid while it reads their results. UID FETCH, UID STORE and
   UID SEARCH may carry EXPUNGE.
"""

from __future__ import annotations

import enum
from typing import Final

from mailwright.protocols.imap import commands as c


class State(enum.Enum):
    """RFC 3501 3: the four states."""

    NOT_AUTHENTICATED = "not authenticated"
    AUTHENTICATED = "authenticated"
    SELECTED = "selected"
    LOGOUT = "logout"


_ANY: Final[frozenset[type[c.Command]]] = frozenset(
    {c.CapabilityCommand, c.NoopCommand, c.LogoutCommand, c.IdCommand}
)
_NOT_AUTHENTICATED: Final = _ANY | {c.StartTlsCommand, c.AuthenticateCommand, c.LoginCommand}
_AUTHENTICATED: Final = _ANY | {
    c.EnableCommand,
    c.SelectCommand,
    c.ExamineCommand,
    c.CreateCommand,
    c.DeleteCommand,
    c.RenameCommand,
    c.SubscribeCommand,
    c.UnsubscribeCommand,
    c.ListCommand,
    c.LsubCommand,
    c.StatusCommand,
    c.AppendCommand,
    c.NamespaceCommand,
    c.IdleCommand,
    c.GetQuotaCommand,
    c.GetQuotaRootCommand,
}
_SELECTED: Final = _AUTHENTICATED | {
    c.CheckCommand,
    c.CloseCommand,
    c.UnselectCommand,
    c.ExpungeCommand,
    c.SearchCommand,
    c.FetchCommand,
    c.StoreCommand,
    c.CopyCommand,
    c.MoveCommand,
}

ALLOWED: Final[dict[State, frozenset[type[c.Command]]]] = {
    State.NOT_AUTHENTICATED: _NOT_AUTHENTICATED,
    State.AUTHENTICATED: _AUTHENTICATED,
    State.SELECTED: _SELECTED,
    State.LOGOUT: frozenset(),
}
"""Rule 7: which commands each state accepts."""


def refusal(state: State, command: c.Command) -> str | None:
    """Why ``command`` is not allowed now (rule 7), or None when it is."""
    if type(command) in ALLOWED[state]:
        return None
    if state is State.NOT_AUTHENTICATED:
        return f"{command.name} needs a login first"
    if type(command) in _NOT_AUTHENTICATED:
        return f"{command.name} is only allowed before login"
    return f"{command.name} needs a selected folder"


def expunge_allowed(command: c.Command) -> bool:
    """Rule 8: may EXPUNGE responses go out at the end of ``command``?"""
    if isinstance(command, c.FetchCommand | c.StoreCommand | c.SearchCommand):
        return command.uid
    return True
