"""Notices sent by mail: who reset which mailbox's password, when, from where, and why.

A notice never contains a password, a token or a link that grants access. Notices go out
through the ``Postmaster`` (local delivery for hosted addresses, the outbound queue for others);
a failure to send is reported to the caller but never undoes the change it reports.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Protocol

log = logging.getLogger(__name__)


class Postmaster(Protocol):
    """Accepts a finished message for delivery to the given recipients."""

    async def submit(self, sender: str, recipients: list[str], message: bytes) -> None:
        """Deliver or durably queue ``message``. Raises: MailwrightError on refusal."""
        ...


@dataclass(frozen=True)
class ResetNotice:
    """The facts of one password reset, as told to the owner and the IT team."""

    mailbox: str
    display_name: str
    actor: str
    source: str
    at: datetime
    reason: str
    must_change: bool


class NotificationService:
    """Composes notices and hands them to the postmaster."""

    def __init__(self, postmaster: Postmaster, *, hostname: str, portal_url: str) -> None:
        self._postmaster = postmaster
        self._hostname = hostname
        self._portal_url = portal_url

    def sender_for(self, mailbox: str) -> str:
        """The From address of notices about ``mailbox``."""
        return "no-reply@" + mailbox.rpartition("@")[2]

    async def password_reset(
        self, notice: ResetNotice, recipients: list[str]
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Send the reset notice to each recipient; return (notified, errors)."""
        when = notice.at.strftime("%Y-%m-%d %H:%M:%S UTC")
        lines = [
            f"The password of the mailbox {notice.mailbox} was reset.",
            "",
            f"Reset by:   {notice.actor}",
            f"When:       {when}",
            f"From:       {notice.source}",
            f"Reason:     {notice.reason or '(none given)'}",
            "",
        ]
        if notice.must_change:
            lines.append(
                "The owner must choose a new password at the next sign-in: "
                f"{self._portal_url}/account/"
            )
        lines += [
            "The new password is not included in this message, by design.",
            "If you did not expect this change, contact your administrator at once.",
        ]
        subject = f"Password reset for {notice.mailbox}"
        return await self._send_each(notice.mailbox, recipients, subject, "\n".join(lines))

    async def send_notice(
        self, about: str, recipients: list[str], subject: str, body: str
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Send a plain notice about the mailbox ``about``; return (notified, errors)."""
        return await self._send_each(about, recipients, subject, body)

    async def _send_each(
        self, about: str, recipients: list[str], subject: str, body: str
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        sender = self.sender_for(about)
        notified: list[str] = []
        errors: list[str] = []
        for recipient in dict.fromkeys(recipients):
            message = self._compose(sender, recipient, subject, body)
            try:
                await self._postmaster.submit(sender, [recipient], message)
            except Exception as error:  # report, never undo the change being reported
                log.warning("notice to %s failed: %s", recipient, error)
                errors.append(f"{recipient}: {error}")
            else:
                notified.append(recipient)
        return tuple(notified), tuple(errors)

    def _compose(self, sender: str, recipient: str, subject: str, body: str) -> bytes:
        message = EmailMessage()
        message["From"] = f"Mailwright <{sender}>"
        message["To"] = recipient
        message["Subject"] = subject
        message["Date"] = format_datetime(datetime.now().astimezone())
        message["Message-ID"] = make_msgid(domain=self._hostname)
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(body)
        return bytes(message)
