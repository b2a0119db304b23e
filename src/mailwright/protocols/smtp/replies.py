"""SMTP replies with enhanced status codes (RFC 5321 4.2, RFC 3463, RFC 2034).

Every reply except the greeting, the EHLO/HELO answers, 354 and 334 carries an enhanced code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reply:
    """One SMTP reply: code, enhanced status code (or ""), and text (may be several lines)."""

    code: int
    enhanced: str
    text: str

    def render(self) -> bytes:
        """The reply as it goes on the wire, multi-line per RFC 5321 4.2.1."""
        lines = [line.replace("\r", " ") for line in self.text.split("\n")] or [""]
        prefix = f"{self.enhanced} " if self.enhanced else ""
        out = []
        for index, line in enumerate(lines):
            separator = " " if index == len(lines) - 1 else "-"
            out.append(f"{self.code}{separator}{prefix}{line}\r\n")
        return "".join(out).encode("utf-8", errors="replace")

    def with_text(self, text: str) -> Reply:
        """The same codes with other words."""
        return Reply(self.code, self.enhanced, text)

    @property
    def is_positive(self) -> bool:
        """2xx or 3xx."""
        return self.code < 400


OK = Reply(250, "2.0.0", "OK")
SENDER_OK = Reply(250, "2.1.0", "Sender OK")
RECIPIENT_OK = Reply(250, "2.1.5", "Recipient OK")
RESET_OK = Reply(250, "2.0.0", "Reset")
NOOP_OK = Reply(250, "2.0.0", "OK")
BYE = Reply(221, "2.0.0", "Bye")
START_DATA = Reply(354, "", "End data with <CR><LF>.<CR><LF>")
READY_FOR_TLS = Reply(220, "2.0.0", "Ready to start TLS")
AUTH_OK = Reply(235, "2.7.0", "Authentication successful")
CANNOT_VRFY = Reply(252, "2.5.0", "Cannot VRFY user; try RCPT to attempt delivery")
HELP = Reply(214, "2.0.0", "See RFC 5321; https://mailwright.dev/docs/smtp")

SERVICE_UNAVAILABLE = Reply(421, "4.3.2", "Service shutting down, try again later")
TOO_MANY_CONNECTIONS = Reply(421, "4.7.0", "Too many connections, try again later")
TOO_MANY_ERRORS = Reply(421, "4.7.0", "Too many errors, closing the connection")
TIMEOUT = Reply(421, "4.4.2", "Timeout, closing the connection")
LOCAL_ERROR = Reply(451, "4.3.0", "Local error while processing; try again later")
THROTTLED = Reply(454, "4.7.0", "Too many failed logins; try again later")
TLS_UNAVAILABLE = Reply(454, "4.7.0", "TLS not available")

UNRECOGNIZED = Reply(500, "5.5.2", "Command not recognized")
LINE_TOO_LONG = Reply(500, "5.5.6", "Line too long")
SYNTAX = Reply(501, "5.5.4", "Syntax error in parameters or arguments")
NOT_IMPLEMENTED = Reply(502, "5.5.1", "Command not implemented")
BAD_SEQUENCE = Reply(503, "5.5.1", "Bad sequence of commands")
PARAMETER_NOT_IMPLEMENTED = Reply(504, "5.5.4", "Parameter not implemented")
AUTH_MECHANISM_UNKNOWN = Reply(504, "5.5.4", "Unrecognized authentication mechanism")
AUTH_REQUIRED = Reply(530, "5.7.0", "Authentication required")
MUST_USE_TLS = Reply(530, "5.7.0", "Must issue a STARTTLS command first")
AUTH_FAILED = Reply(535, "5.7.8", "Authentication credentials invalid")
AUTH_CANCELLED = Reply(501, "5.7.0", "Authentication cancelled")
NO_SUCH_USER = Reply(550, "5.1.1", "Mailbox unavailable: no such recipient here")
MAILBOX_DISABLED = Reply(550, "5.2.1", "Mailbox disabled, not accepting messages")
OVER_QUOTA = Reply(552, "5.2.2", "Mailbox full: quota exceeded")
TOO_BIG = Reply(552, "5.3.4", "Message size exceeds fixed maximum message size")
TOO_MANY_RECIPIENTS = Reply(452, "4.5.3", "Too many recipients")
RELAY_DENIED = Reply(554, "5.7.1", "Relay access denied")
SENDER_NOT_OWNED = Reply(553, "5.7.1", "Sender address not owned by the authenticated mailbox")
FROM_NOT_OWNED = Reply(553, "5.7.1", "From header not owned by the authenticated mailbox")
BAD_DESTINATION_SYNTAX = Reply(553, "5.1.3", "Invalid address")
LOOP_DETECTED = Reply(554, "5.4.6", "Mail loop detected (too many Received headers)")
NO_VALID_RECIPIENTS = Reply(554, "5.5.1", "No valid recipients")
BAD_MESSAGE = Reply(550, "5.6.0", "Message rejected")
TRANSACTION_FAILED = Reply(554, "5.0.0", "Transaction failed")
