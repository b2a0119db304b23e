"""Looking up messages sent through the API: one message's trace, and filtered lists.

A key sees the messages sent with it (as ``GET /events`` shows their events), the operator
every message. Another key's message is "not found", so ids of other applications' mail
reveal nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mailwright.model.addresses import parse_address
from mailwright.model.errors import InvalidInput, NotFound
from mailwright.model.interfaces import Database
from mailwright.model.outbound import DeliveryEvent, QueuedRecipient, RecipientStatus
from mailwright.model.sending import ApiMessage, ApiMessageQuery, SendingCaller

MAX_EVENTS = 1000
_TAG_LIMIT = 64


@dataclass(frozen=True)
class MessageTrace:
    """A message with each recipient's state and every delivery event, oldest first."""

    message: ApiMessage
    recipients: tuple[QueuedRecipient, ...]
    events: tuple[DeliveryEvent, ...]


@dataclass(frozen=True)
class MessageSummary:
    """A message in a list, with its recipients' states."""

    message: ApiMessage
    recipients: tuple[QueuedRecipient, ...]


@dataclass(frozen=True)
class MessageFilter:
    """What a list of messages is narrowed to (values as given)."""

    tag: str | None = None
    recipient: str | None = None
    status: RecipientStatus | None = None
    since: datetime | None = None


class MessageLog:
    """Read access to API messages."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def trace(self, caller: SendingCaller, message_id: str) -> MessageTrace:
        """One message. Raises: NotFound (also for messages outside the caller's domains)."""
        async with self._db.snapshot() as tx:
            message = await tx.api_messages.find(message_id.strip().lower())
            if message is None or not _visible(caller, message):
                raise NotFound(f"There is no message {message_id}.")
            recipients = (await tx.api_messages.recipients([message.id]))[message.id]
            events = await tx.delivery.list_events(message_id=message.id, limit=MAX_EVENTS)
        return MessageTrace(message, tuple(recipients), tuple(events))

    async def list_messages(
        self,
        caller: SendingCaller,
        filters: MessageFilter,
        *,
        after: tuple[datetime, str] | None = None,
        limit: int = 50,
    ) -> list[MessageSummary]:
        """Messages matching ``filters``, newest first, after the (created_at, id) cursor.

        Raises: InvalidInput for a recipient that is not an address or a malformed tag.
        """
        recipient = (
            str(parse_address(filters.recipient, "recipient")) if filters.recipient else None
        )
        if filters.tag is not None and not 0 < len(filters.tag) <= _TAG_LIMIT:
            raise InvalidInput.for_field("tag", f"A tag is 1 to {_TAG_LIMIT} characters.")
        query = ApiMessageQuery(
            api_key_prefix=caller.message_filter,
            tag=filters.tag,
            recipient=recipient,
            status=filters.status,
            since=filters.since,
            after=after,
            limit=limit,
        )
        async with self._db.snapshot() as tx:
            messages = await tx.api_messages.list_page(query)
            recipients = await tx.api_messages.recipients([m.id for m in messages])
        return [MessageSummary(m, tuple(recipients[m.id])) for m in messages]


def _visible(caller: SendingCaller, message: ApiMessage) -> bool:
    wanted = caller.message_filter
    return wanted is None or message.api_key_prefix == wanted
