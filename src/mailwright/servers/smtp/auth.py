"""SMTP AUTH (RFC 4954) with PLAIN and LOGIN, through the platform's one ``authenticate()``."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mailwright.model.authentication import AuthOutcome, LoginProtocol
from mailwright.protocols.smtp import replies, sasl
from mailwright.protocols.smtp.commands import Auth
from mailwright.protocols.smtp.replies import Reply
from mailwright.servers.smtp.connection import LineTooLong

if TYPE_CHECKING:
    from mailwright.servers.smtp.session import SmtpSession

MAX_FAILED_AUTH = 3


async def authenticate_client(session: SmtpSession, command: Auth) -> Reply | None:
    """Run the SASL exchange and the login check; answer 235, 535 or 454."""
    if not session.offers_auth():
        if session.s.mailbox is not None:
            return replies.BAD_SEQUENCE.with_text("Already authenticated")
        if session.config.mode is not session.config.mode.SUBMISSION:
            return replies.NOT_IMPLEMENTED.with_text("AUTH is only offered on the submission port")
        return replies.MUST_USE_TLS
    credentials = await _read_credentials(session, command)
    if isinstance(credentials, Reply):
        return credentials
    login, password = credentials
    result = await session.services.authenticator.authenticate(
        login, password, LoginProtocol.SMTP, session.connection.peer
    )
    if result.outcome is AuthOutcome.OK and result.mailbox is not None:
        session.s.mailbox = result.mailbox
        session.s.identities = await session.services.senders.addresses_of(result.mailbox)
        return replies.AUTH_OK
    return await _refusal(session, result.outcome, result.retry_after)


async def _refusal(session: SmtpSession, outcome: AuthOutcome, retry_after: float) -> Reply | None:
    portal = f"{session.config.portal_url}/account/"
    match outcome:
        case AuthOutcome.MUST_CHANGE:
            reply = replies.AUTH_FAILED.with_text(
                f"Password change required: choose a new password at {portal}"
            )
        case AuthOutcome.DISABLED:
            reply = replies.AUTH_FAILED.with_text(
                f"Mailbox disabled: contact your administrator ({portal})"
            )
        case AuthOutcome.THROTTLED:
            wait = max(1, math.ceil(retry_after))
            reply = replies.THROTTLED.with_text(
                f"Too many failed logins; try again in {wait} seconds"
            )
        case _:
            reply = replies.AUTH_FAILED
    session.s.failed_auth += 1
    if session.s.failed_auth >= MAX_FAILED_AUTH:
        await session.connection.send(reply)
        await session.connection.send(replies.TOO_MANY_ERRORS)
        await session.connection.close()
        return None
    return reply


async def _read_credentials(session: SmtpSession, command: Auth) -> tuple[str, str] | Reply:
    try:
        match command.mechanism:
            case "PLAIN":
                answer = command.initial_response
                if answer is None:
                    answer = await _challenge(session, "")
                if answer is None:
                    return replies.AUTH_CANCELLED
                return sasl.parse_plain("" if answer == "=" else answer)
            case "LOGIN":
                return await _login_exchange(session, command.initial_response)
            case _:
                return replies.AUTH_MECHANISM_UNKNOWN
    except sasl.SaslError as error:
        return replies.SYNTAX.with_text(f"Authentication data invalid: {error}")


async def _login_exchange(session: SmtpSession, initial: str | None) -> tuple[str, str] | Reply:
    user = initial if initial is not None else await _challenge(session, "Username:")
    if user is None:
        return replies.AUTH_CANCELLED
    password = await _challenge(session, "Password:")
    if password is None:
        return replies.AUTH_CANCELLED
    return sasl.decode_text(user), sasl.decode_text(password)


async def _challenge(session: SmtpSession, prompt: str) -> str | None:
    """Send a 334 challenge; return the client's answer, or None when it cancelled (``*``)."""
    await session.connection.send(Reply(334, "", sasl.encode(prompt)))
    try:
        line = await session.connection.read_line()
    except LineTooLong:
        return None
    if line is None:
        return None
    text = line.decode("ascii", "replace").strip()
    return None if text == "*" else text
