"""What an IMAP session is configured with: limits, timeouts, TLS, and the capabilities it
announces in each state."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Final

from mailwright.protocols.imap.flags import SYSTEM_FLAGS

# RFC 3501 7.2.1 / the extension RFCs: what an authenticated session may use.
AUTHENTICATED_CAPABILITIES: Final = (
    "IMAP4rev1",
    "LITERAL+",
    "SASL-IR",
    "ID",
    "ENABLE",
    "IDLE",
    "NAMESPACE",
    "UIDPLUS",
    "MULTIAPPEND",
    "MOVE",
    "UNSELECT",
    "CHILDREN",
    "LIST-EXTENDED",
    "LIST-STATUS",
    "SPECIAL-USE",
    "QUOTA",
    "QUOTA=RES-STORAGE",
    "CONDSTORE",
    "BINARY",
    "ESEARCH",
    "STATUS=SIZE",
)
ENABLEABLE: Final = frozenset({"CONDSTORE"})
"""Extensions a client may ENABLE (RFC 5161)."""
FLAG_ORDER: Final = ("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft")
assert frozenset(FLAG_ORDER) == SYSTEM_FLAGS


def greeting_capabilities(*, tls: bool, starttls_port: bool) -> tuple[str, ...]:
    """Capabilities before login. On the STARTTLS port before TLS no password may be sent in
    the clear: LOGINDISABLED and no AUTH=PLAIN (RFC 3501 6.2.3, RFC 8314 4)."""
    base = ("IMAP4rev1", "LITERAL+", "SASL-IR", "ID", "ENABLE")
    if tls:
        return (*base, "AUTH=PLAIN")
    return (*base, "STARTTLS", "LOGINDISABLED") if starttls_port else base


@dataclass(frozen=True)
class ImapConfig:
    """Settings of the IMAP listeners, fixed when the component starts.

    Attributes:
        hostname: the server's name in the greeting.
        portal_url: where a mailbox owner sets a new password (in ``NO [EXPIRED]``).
        tls: the server TLS context for STARTTLS and the implicit-TLS port.
        preauth_max_line: longest command line before login; enough for LOGIN with a long
            password, small enough that nobody makes us buffer megabytes unauthenticated.
        preauth_max_literal: largest sum of literals in one command before login.
        max_line: longest command line after login (long UID sets, SEARCH keys).
        max_append: largest message APPEND accepts (the literal limit after login).
        login_timeout: seconds of silence before login that end the connection.
        idle_timeout: seconds of silence after login (RFC 3501 5.4: at least 30 minutes).
        max_connections: concurrent connections over both listeners; more get ``* BYE``.
        max_connections_per_source: concurrent connections from one client address.
        max_bad_commands: BAD answers in a row that end the connection.
    """

    hostname: str
    portal_url: str
    tls: ssl.SSLContext | None
    preauth_max_line: int = 8192
    preauth_max_literal: int = 8192
    max_line: int = 65536
    max_append: int = 25 * 1024 * 1024
    login_timeout: float = 60.0
    idle_timeout: float = 30 * 60.0
    max_connections: int = 2000
    max_connections_per_source: int = 200
    max_bad_commands: int = 20
