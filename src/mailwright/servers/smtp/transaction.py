"""RCPT and DATA: recipient policy, reading the message, checks, and durable delivery."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from email.utils import format_datetime, formatdate, getaddresses, make_msgid
from typing import TYPE_CHECKING

from mailwright.model.addresses import find_address
from mailwright.model.errors import InvalidInput
from mailwright.model.outbound import Origin
from mailwright.protocols.smtp import replies
from mailwright.protocols.smtp.commands import RcptTo
from mailwright.protocols.smtp.data import DataProblem, DataReader
from mailwright.protocols.smtp.headers import (
    has_field,
    header_problem,
    iter_fields,
    received_field,
)
from mailwright.protocols.smtp.replies import Reply
from mailwright.servers.smtp.state import State
from mailwright.services.local_delivery import OverQuota, new_queue_id
from mailwright.services.routing import Verdict

if TYPE_CHECKING:
    from mailwright.servers.smtp.session import SmtpSession

log = logging.getLogger(__name__)

_DATA_PROBLEMS = {
    DataProblem.TOO_BIG: replies.TOO_BIG,
    DataProblem.LINE_TOO_LONG: replies.BAD_MESSAGE.with_text(
        "Line longer than 998 octets (RFC 5321 4.5.3.1.6)"
    ),
    DataProblem.BARE_NEWLINE: replies.BAD_MESSAGE.with_text(
        "Bare CR or LF in message data; lines must end with CRLF (RFC 5321 2.3.8)"
    ),
}


@dataclass
class Transaction:
    """One mail transaction: MAIL, RCPT..., DATA."""

    sender: str
    declared_size: int
    recipients: list[str] = field(default_factory=list)


async def start_rcpt(session: SmtpSession, command: RcptTo) -> Reply:
    """Accept or refuse one recipient (RFC 5321 4.1.1.3)."""
    transaction = session.s.transaction
    assert transaction is not None
    if len(transaction.recipients) >= session.config.max_recipients:
        return replies.TOO_MANY_RECIPIENTS
    parsed = find_address(command.address)
    if parsed is None:
        return replies.BAD_DESTINATION_SYNTAX
    address = str(parsed)
    check = await session.services.delivery.check_recipient(address, transaction.declared_size)
    submission = session.s.mailbox is not None
    match check.verdict:
        case Verdict.UNKNOWN:
            return replies.NO_SUCH_USER
        case Verdict.DISABLED:
            return replies.MAILBOX_DISABLED
        case Verdict.REMOTE if not submission:
            return replies.RELAY_DENIED
    if check.over_quota:
        return replies.OVER_QUOTA
    if address not in transaction.recipients:
        transaction.recipients.append(address)
    session.s.state = State.RCPT_GIVEN
    return replies.RECIPIENT_OK


async def receive_message(session: SmtpSession) -> Reply | None:
    """Read the message after 354, check it, deliver it durably, then answer."""
    transaction = session.s.transaction
    if transaction is None or not transaction.recipients:
        return replies.NO_VALID_RECIPIENTS
    await session.connection.send(replies.START_DATA)
    reader = DataReader(session.config.max_message_size)
    complete = await session.connection.read_data(reader)
    session.s.transaction = None
    session.s.state = State.READY
    if not complete:
        # The client vanished mid-DATA: nothing was stored, nothing will be.
        await session.connection.close()
        return None
    if reader.problem is not None:
        return _DATA_PROBLEMS[reader.problem]
    message = reader.message()
    problem = header_problem(message)
    if problem:
        return replies.BAD_MESSAGE.with_text(problem)
    if session.s.mailbox is not None:
        refusal = _check_from_header(session, message)
        if refusal:
            return refusal
        message = _complete_submission(session, message)
    return await _deliver(session, transaction, message)


def _check_from_header(session: SmtpSession, message: bytes) -> Reply | None:
    values = [v.decode("utf-8", "replace") for name, v in iter_fields(message) if name == "from"]
    addresses = [a for _, a in getaddresses(values)]
    if not addresses:
        return replies.BAD_MESSAGE.with_text("The From header has no address")
    for address in addresses:
        parsed = find_address(address)
        if parsed is None or str(parsed) not in session.s.identities:
            return replies.FROM_NOT_OWNED
    return None


def _complete_submission(session: SmtpSession, message: bytes) -> bytes:
    """RFC 6409 8.3/8.4: a submission server may add a missing Date and Message-ID."""
    added = b""
    if not has_field(message, "date"):
        added += f"Date: {formatdate(localtime=False)}\r\n".encode()
    if not has_field(message, "message-id"):
        added += f"Message-ID: {make_msgid(domain=session.config.hostname)}\r\n".encode()
    return added + message


async def _deliver(session: SmtpSession, transaction: Transaction, message: bytes) -> Reply:
    queue_id = new_queue_id()[:16]
    services = session.services
    submitter = session.s.mailbox.address if session.s.mailbox else session.connection.peer
    stamped = _received(session, transaction, queue_id) + message
    try:
        report = await services.delivery.deliver(
            stamped,
            sender=transaction.sender,
            recipients=transaction.recipients,
            origin=Origin.SMTP,
            submitted_by=submitter,
        )
    except OverQuota:
        return replies.OVER_QUOTA
    except InvalidInput as error:
        if "loop" in error.message:
            return replies.LOOP_DETECTED
        return replies.NO_VALID_RECIPIENTS.with_text(error.message)
    except Exception:
        log.exception("smtp: delivery failed for a message from %s", session.connection.peer)
        return replies.LOCAL_ERROR
    log.info(
        "smtp %s: id=%s from=<%s> local=%d remote=%d size=%d",
        session.config.mode.value,
        queue_id,
        transaction.sender,
        len(report.delivered_to),
        len(report.queued_to),
        report.blob.size,
    )
    return replies.OK.with_text(f"Ok: queued as {queue_id}")


def _received(session: SmtpSession, transaction: Transaction, queue_id: str) -> bytes:
    protocol = "ESMTP" if session.s.extended else "SMTP"
    if session.connection.tls:
        protocol += "S"
    if session.s.mailbox is not None:
        protocol += "A"
    single = transaction.recipients[0] if len(transaction.recipients) == 1 else None
    return received_field(
        helo=session.s.helo,
        peer=session.connection.peer,
        hostname=session.config.hostname,
        protocol=protocol,
        queue_id=queue_id,
        recipient=single,
        when=format_datetime(session.services.clock.now()),
    )
