"""Outbound messages and delivery events written straight into the database, for tests of the
events API, usage and the admin center's Sending pages (no delivery involved)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mailwright.model.outbound import EventKind, Origin, RecipientStatus
from mailwright.model.sending import NewApiMessage, NewRecipient
from mailwright.services.container import Services

FAKE_BLOB = "0" * 64


async def add_api_message(
    services: Services,
    message_id: str,
    *,
    key_prefix: str,
    sender: str,
    recipients: Sequence[str],
    tags: Sequence[str] = (),
    metadata: Mapping[str, str | int] | None = None,
    subject: str = "Welcome",
) -> None:
    """An accepted API message: its record, queue entry, recipients and ``queued`` events."""
    message = NewApiMessage(
        id=message_id,
        api_key_prefix=key_prefix,
        domain=sender.rpartition("@")[2],
        from_address=sender,
        subject=subject,
        tags=tuple(tags),
        metadata=dict(metadata or {}),
        template_name=None,
        template_version=None,
        sandbox=False,
        created_at=services.clock.now(),
        blob=FAKE_BLOB,
        size=100,
        submitted_by=f"apikey:{key_prefix}",
        recipients=tuple(NewRecipient(r, RecipientStatus.QUEUED, "Queued") for r in recipients),
    )
    async with services.database.transaction() as tx:
        await tx.api_messages.add_many([message])


async def add_smtp_message(
    services: Services, message_id: str, *, sender: str, recipients: Sequence[str]
) -> None:
    """A message submitted over SMTP, queued for remote recipients (no event yet)."""
    async with services.database.transaction() as tx:
        await tx.outbound.enqueue(
            message_id,
            blob=FAKE_BLOB,
            size=100,
            sender=sender,
            origin=Origin.SMTP,
            submitted_by=sender,
            recipients=list(recipients),
            created_at=services.clock.now(),
        )


async def add_event(
    services: Services,
    message_id: str,
    recipient: str,
    kind: EventKind,
    reply: str = "250 2.0.0 Ok",
    remote_host: str = "mx.remote.test",
) -> int:
    """One delivery event now; returns its id."""
    async with services.database.transaction() as tx:
        event = await tx.delivery.add_event(
            message_id,
            recipient,
            kind,
            at=services.clock.now(),
            reply=reply,
            remote_host=remote_host,
        )
    return event.id
