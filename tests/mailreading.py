"""Reading the mails of self-service in tests: straight from a mailbox's INBOX through the
services, or over IMAP as the owner's mail client would; and finding the link in them."""

from __future__ import annotations

import email
import email.policy
import imaplib
import re
import ssl
from email.message import EmailMessage

from mailwright.model.mailstore import INBOX
from mailwright.services.container import Services

_LINK = re.compile(r"https?://\S+")


def parse(raw: bytes) -> EmailMessage:
    """A message as the stdlib parses it (modern policy: ``get_content`` works)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def body_text(message: EmailMessage) -> str:
    """The plain-text body."""
    part = message.get_body(("plain",))
    assert part is not None, "the message has no text/plain body"
    content = part.get_content()
    assert isinstance(content, str)
    return content


def link_in(message: EmailMessage, path: str) -> str:
    """The one link to ``path`` in the message's body."""
    links = [url for url in _LINK.findall(body_text(message)) if path in url]
    assert len(links) == 1, f"expected one link to {path}, found {links}"
    return links[0]


async def inbox(services: Services, address: str) -> list[EmailMessage]:
    """The messages in a hosted mailbox's INBOX, oldest first (read through the services)."""
    async with services.database.snapshot() as tx:
        mailbox = await tx.mailboxes.find_by_address(address)
        assert mailbox is not None, address
        folder = await tx.folders.find(mailbox.id, INBOX)
        assert folder is not None
        rows = await tx.messages.list_folder(folder.id)
    return [parse(services.blobs.read(row.blob)) for row in rows]


def imap_inbox(
    host: str, port: int, context: ssl.SSLContext, address: str, password: str
) -> list[EmailMessage]:
    """The messages in INBOX, read over IMAPS with LOGIN and FETCH as a mail client does
    (blocking: call it from a thread when the platform runs on this thread's loop)."""
    client = imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=10)
    try:
        client.login(address, password)
        client.select("INBOX", readonly=True)
        status, data = client.uid("SEARCH", "ALL")
        assert status == "OK"
        messages = []
        for uid in data[0].split():
            status, fetched = client.uid("FETCH", uid, "(BODY.PEEK[])")
            assert status == "OK"
            part = fetched[0]
            assert isinstance(part, tuple)
            messages.append(parse(part[1]))
        return messages
    finally:
        client.logout()


def with_subject(messages: list[EmailMessage], subject: str) -> list[EmailMessage]:
    """The messages whose subject is ``subject``."""
    return [m for m in messages if m["Subject"] == subject]
