"""The SMTP session state machine (RFC 5321 3.3, 4.1.4), as h11 does it: states, and which
commands each state allows.

Rules:
1. A session starts in GREETED; EHLO or HELO moves it to READY (and ends any transaction).
2. MAIL is allowed in READY only; it starts a transaction (MAIL_GIVEN).
3. RCPT is allowed once a transaction has started; each accepted RCPT moves to RCPT_GIVEN.
4. DATA is allowed in RCPT_GIVEN only; after the message (accepted or not) the session is
   READY again.
5. RSET returns to READY from any state after the greeting exchange (GREETED stays GREETED).
6. NOOP, QUIT, HELP, VRFY are allowed in every state; STARTTLS and AUTH only in READY.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    """Where a session stands."""

    GREETED = "greeted"
    READY = "ready"
    MAIL_GIVEN = "mail-given"
    RCPT_GIVEN = "rcpt-given"


ALWAYS = {"NOOP", "QUIT", "HELP", "VRFY", "EHLO", "HELO", "RSET"}
ALLOWED: dict[State, set[str]] = {
    State.GREETED: ALWAYS,
    State.READY: ALWAYS | {"MAIL", "STARTTLS", "AUTH"},
    # DATA without an accepted RCPT gets 554 5.5.1 "No valid recipients" (RFC 2920 3.1).
    State.MAIL_GIVEN: ALWAYS | {"RCPT", "DATA"},
    State.RCPT_GIVEN: ALWAYS | {"RCPT", "DATA"},
}


def check_allowed(state: State, verb: str) -> bool:
    """True when ``verb`` may be given in ``state``."""
    return verb in ALLOWED[state]
