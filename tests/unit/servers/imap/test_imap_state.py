"""The session state machine's command table (rule 7) and EXPUNGE timing (rule 8)."""

from __future__ import annotations

from mailwright.protocols.imap.commands import Command
from mailwright.protocols.imap.parser import parse_command
from mailwright.servers.imap.dispatch import HANDLERS
from mailwright.servers.imap.state import ALLOWED, State, expunge_allowed, refusal


def command(text: str) -> Command:
    return parse_command(f"a {text}".encode())


def test_every_command_has_a_handler_and_a_state() -> None:
    """Each command type is dispatched and allowed in at least one state."""
    allowed = set().union(*ALLOWED.values())
    assert set(HANDLERS) == allowed


def test_refusals_name_the_reason() -> None:
    """Commands outside their state are refused with a reason; LOGOUT state allows none."""
    assert refusal(State.NOT_AUTHENTICATED, command("SELECT INBOX")) == (
        "SELECT needs a login first"
    )
    assert refusal(State.AUTHENTICATED, command("LOGIN a b")) == (
        "LOGIN is only allowed before login"
    )
    assert refusal(State.AUTHENTICATED, command("FETCH 1 FLAGS")) == (
        "FETCH needs a selected folder"
    )
    assert refusal(State.SELECTED, command("CAPABILITY")) is None
    assert refusal(State.LOGOUT, command("NOOP")) is not None


def test_expunge_timing() -> None:
    """No EXPUNGE after FETCH, STORE or SEARCH; allowed after their UID forms and others."""
    for text in ("FETCH 1 FLAGS", "STORE 1 +FLAGS (\\Seen)", "SEARCH ALL"):
        assert not expunge_allowed(command(text))
        assert expunge_allowed(command(f"UID {text}"))
    for text in ("NOOP", "COPY 1 Trash", "MOVE 1 Trash", "EXPUNGE", "IDLE"):
        assert expunge_allowed(command(text))
