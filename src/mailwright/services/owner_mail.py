"""The mails of self-service: recovery links and the notices that follow owners' changes.

Two recovery links are the only mails Mailwright sends that grant anything: the forgotten-
password link (to the recovery address) and the confirmation of a new recovery address (to
that new address). Each holds a single-use token that lives ``link_minutes``; nothing else in
any mail is secret. Notices tell what happened, when and from where, never a password or a
token, and say what to do when the change was not expected.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from mailwright.model.mailboxes import Mailbox
from mailwright.services.notifications import NotificationService

Sent = tuple[tuple[str, ...], tuple[str, ...]]
"""(notified, errors), as ``NotificationService`` reports them."""


def when(at: datetime) -> str:
    """A moment as the mails write it."""
    return at.strftime("%Y-%m-%d %H:%M:%S UTC")


class OwnerMail:
    """Composes the self-service mails and hands them to the notification service."""

    def __init__(
        self, notifications: NotificationService | None, *, public_url: str, link_minutes: int
    ) -> None:
        self._notifications = notifications
        self._public_url = public_url.rstrip("/")
        self._link_minutes = link_minutes

    @property
    def recover_url(self) -> str:
        """Where owners ask for a forgotten-password link."""
        return f"{self._public_url}/recover"

    @property
    def portal_url(self) -> str:
        """The account portal."""
        return f"{self._public_url}/account/"

    async def _send(self, about: str, recipients: Sequence[str], subject: str, body: str) -> Sent:
        wanted = [r for r in recipients if r]
        if self._notifications is None or not wanted:
            return (), ()
        return await self._notifications.send_notice(about, wanted, subject, body)

    async def reset_link(
        self, mailbox: Mailbox, recipient: str, url: str, *, source: str, at: datetime
    ) -> Sent:
        """The forgotten-password link, to the recovery address."""
        body = "\n".join(
            [
                f"Someone asked to reset the password of the mailbox {mailbox.address}.",
                "",
                f"When:       {when(at)}",
                f"From:       {source}",
                "",
                f"To choose a new password, open this link within {self._link_minutes} minutes:",
                "",
                url,
                "",
                "The link works once. Every session of the mailbox is signed out when the new",
                "password is set.",
                "",
                "If you did not ask for this, ignore this message: the password stays as it is.",
            ]
        )
        subject = f"Reset the password of {mailbox.address}"
        return await self._send(mailbox.address, [recipient], subject, body)

    async def recovery_address_link(
        self, mailbox: Mailbox, recipient: str, url: str, *, source: str, at: datetime
    ) -> Sent:
        """The confirmation link, to the new recovery address."""
        body = "\n".join(
            [
                f"The owner of the mailbox {mailbox.address} wants to make {recipient} its",
                "recovery address: the address where links to reset a forgotten password go.",
                "",
                f"When:       {when(at)}",
                f"From:       {source}",
                "",
                f"To confirm, open this link within {self._link_minutes} minutes:",
                "",
                url,
                "",
                "If you do not know this mailbox, ignore this message: nothing changes unless",
                "the link is followed.",
            ]
        )
        subject = f"Confirm the recovery address of {mailbox.address}"
        return await self._send(mailbox.address, [recipient], subject, body)

    async def recovery_address_requested(
        self, mailbox: Mailbox, new_address: str, *, source: str, at: datetime
    ) -> Sent:
        """Tell the current recovery address that a new one was asked for."""
        body = "\n".join(
            [
                f"A new recovery address was requested for the mailbox {mailbox.address}:",
                f"{new_address}. It takes effect only when confirmed from that address.",
                "",
                f"When:       {when(at)}",
                f"From:       {source}",
                "",
                "If this was not you, change the password of the mailbox at once in the",
                f"account portal ({self.portal_url}) and tell your administrator.",
            ]
        )
        subject = f"Recovery address change requested for {mailbox.address}"
        return await self._send(mailbox.address, [mailbox.recovery_address or ""], subject, body)

    async def password_changed(self, mailbox: Mailbox, *, source: str, at: datetime) -> Sent:
        """Tell the recovery address that the owner changed the password."""
        body = "\n".join(
            [
                f"The password of the mailbox {mailbox.address} was changed by its owner.",
                "",
                f"When:       {when(at)}",
                f"From:       {source}",
                "",
                "Other sessions of the mailbox (mail clients, browsers) were signed out.",
                "The new password is not included in this message, by design.",
                "If this was not you, recover the mailbox at once:",
                self.recover_url,
            ]
        )
        subject = f"Password changed for {mailbox.address}"
        return await self._send(mailbox.address, [mailbox.recovery_address or ""], subject, body)

    async def password_recovered(
        self, mailbox: Mailbox, recipients: Sequence[str], *, source: str, at: datetime
    ) -> Sent:
        """Tell the mailbox and its recovery address that a recovery link set a password."""
        body = "\n".join(
            [
                f"A new password was set for the mailbox {mailbox.address} through a",
                "password-reset link sent to its recovery address.",
                "",
                f"When:       {when(at)}",
                f"From:       {source}",
                "",
                "Every session of the mailbox (mail clients, browsers) was signed out.",
                "The new password is not included in this message, by design.",
                "If this was not you, contact your administrator at once.",
            ]
        )
        subject = f"Password recovered for {mailbox.address}"
        return await self._send(mailbox.address, recipients, subject, body)
