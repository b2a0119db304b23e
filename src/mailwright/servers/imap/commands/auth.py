"""Getting in: STARTTLS (RFC 3501 6.2.1), LOGIN (6.2.3) and AUTHENTICATE PLAIN (6.2.2,
RFC 4616, SASL-IR RFC 4959).

Every password goes through ``Authenticator.authenticate`` and is never logged. The answers
follow RFC 5530: a wrong password and a disabled mailbox ``[AUTHENTICATIONFAILED]``, a
password that must be changed ``[EXPIRED]`` with the address of the account portal, a login
throttle ``[UNAVAILABLE]``. Before TLS on the STARTTLS port no password is accepted
(``[PRIVACYREQUIRED]``), since the client is about to send or has sent it in the clear.
"""

from __future__ import annotations

import base64
import binascii
import logging
import ssl
from typing import TYPE_CHECKING

from mailwright.model.authentication import AuthOutcome, LoginProtocol
from mailwright.protocols.imap import codes
from mailwright.protocols.imap import response as r
from mailwright.protocols.imap.commands import AuthenticateCommand, LoginCommand, StartTlsCommand
from mailwright.protocols.imap.framing import RawLineReceived
from mailwright.servers.imap.config import AUTHENTICATED_CAPABILITIES
from mailwright.servers.imap.connection import Interruption
from mailwright.servers.imap.state import State

if TYPE_CHECKING:
    from mailwright.servers.imap.session import Session

log = logging.getLogger(__name__)


async def starttls(session: Session, command: StartTlsCommand) -> None:
    """Answer OK, then run the TLS handshake; plaintext pipelined after STARTTLS is dropped."""
    if session.conn.tls:
        session.reject(command.tag, "TLS is active already")
        return
    if session.config.tls is None or not session.starttls_port:
        session.fail(command.tag, "STARTTLS is not available here")
        return
    session.send(r.ok(command.tag, "Begin TLS negotiation now"))
    session.write_now()
    try:
        await session.conn.start_tls(session.config.tls)
    except (OSError, ssl.SSLError, TimeoutError) as error:
        log.info("IMAP STARTTLS with %s failed: %s", session.peer, error)
        session.state = State.LOGOUT


async def login(session: Session, command: LoginCommand) -> None:
    """RFC 3501 6.2.3."""
    if _cleartext(session, command.tag):
        return
    await _log_in(session, command.tag, command.username, command.password)


async def authenticate(session: Session, command: AuthenticateCommand) -> None:
    """AUTHENTICATE PLAIN, with the credentials inline (SASL-IR) or after a ``+``."""
    if command.mechanism != "PLAIN":
        session.fail(command.tag, f"Unsupported mechanism {command.mechanism}; use PLAIN")
        return
    if _cleartext(session, command.tag):
        return
    response = command.initial_response
    if response is None:
        response = await _client_response(session, command.tag)
        if response is None:
            return
    credentials = _parse_plain(response)
    if credentials is None:
        session.reject(command.tag, "Malformed PLAIN credentials")
        return
    authzid, username, password = credentials
    if authzid and authzid != username:
        session.fail(
            command.tag, "Acting as another mailbox is not allowed", codes.AUTHORIZATIONFAILED
        )
        return
    await _log_in(session, command.tag, username, password)


def _cleartext(session: Session, tag: str) -> bool:
    if session.conn.tls or not session.starttls_port:
        return False
    session.fail(
        tag, "Use STARTTLS first; passwords are never accepted in the clear", codes.PRIVACYREQUIRED
    )
    return True


async def _client_response(session: Session, tag: str) -> bytes | None:
    # RFC 3501 6.2.2: an empty challenge, then one BASE64 line, or "*" to cancel.
    session.send(r.sasl_challenge(b""))
    await session.flush()
    framer = session.conn.framer
    framer.enter_raw_mode()
    event = await session.conn.next_event(session.timeout())
    framer.enter_command_mode()
    if isinstance(event, Interruption):
        session.state = State.LOGOUT
        return None
    if not isinstance(event, RawLineReceived):
        session.reject(tag, "Authentication response too long")
        return None
    if event.line.strip() == b"*":
        session.reject(tag, "AUTHENTICATE cancelled")
        return None
    try:
        return base64.b64decode(event.line.strip(), validate=True)
    except binascii.Error:
        session.reject(tag, "The authentication response is not valid BASE64")
        return None


def _parse_plain(response: bytes) -> tuple[str, str, str] | None:
    # RFC 4616 2: message = [authzid] UTF8NUL authcid UTF8NUL passwd
    parts = response.split(b"\x00")
    if len(parts) != 3 or not parts[1]:
        return None
    try:
        authzid, username, password = (part.decode("utf-8") for part in parts)
    except UnicodeDecodeError:
        return None
    return authzid, username, password


async def _log_in(session: Session, tag: str, username: str, password: str) -> None:
    epoch = session.registry.credential_epoch()
    result = await session.services.authenticator.authenticate(
        username, password, LoginProtocol.IMAP, session.peer
    )
    log.info("IMAP login for %r from %s: %s", username[:100], session.peer, result.outcome.value)
    match result.outcome:
        case AuthOutcome.OK if result.mailbox is not None:
            if not session.registry.bind(session, result.mailbox.id, epoch):
                session.fail(tag, "Authentication failed", codes.AUTHENTICATIONFAILED)
                return
            session.logged_in(result.mailbox)
            capability = codes.ResponseCode.capability(AUTHENTICATED_CAPABILITIES)
            session.send(r.ok(tag, "Logged in", capability))
        case AuthOutcome.MUST_CHANGE:
            portal = session.config.portal_url
            session.fail(tag, f"Password expired; choose a new one at {portal}", codes.EXPIRED)
        case AuthOutcome.THROTTLED:
            wait = max(1, round(result.retry_after))
            session.fail(tag, f"Too many failed logins; try again in {wait} s", codes.UNAVAILABLE)
        case AuthOutcome.DISABLED:
            session.fail(
                tag, "This mailbox is disabled; ask your administrator", codes.AUTHENTICATIONFAILED
            )
        case _:
            session.fail(tag, "Authentication failed", codes.AUTHENTICATIONFAILED)
