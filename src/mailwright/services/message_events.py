"""Searching delivery events and tracing one message, for the events API and the admin
center.

Rules:
1. Global admins see every event; domain admins the events of messages sent from their
   domains (the API message's domain, else the envelope sender's). Helpdesk staff see none.
2. A send-scope API key sees the events of the messages sent with it, whoever its admin is.
"""

from __future__ import annotations

import re
from dataclasses import replace

from mailwright.model.actors import Actor
from mailwright.model.addresses import parse_address
from mailwright.model.api_keys import ApiKeyScope
from mailwright.model.errors import InvalidInput, NotFound
from mailwright.model.interfaces import Database
from mailwright.model.message_events import EventQuery, MessageEvent, MessageRecord
from mailwright.services.api_keys import ApiCaller
from mailwright.services.usage import require_sending_view

MAX_TAG = 128
_MESSAGE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# A message has at most a few recipients with a few events each; a trace beyond this is
# cut (the events API pages through any number).
TRACE_LIMIT = 1000


def parse_event_query(
    *,
    recipient: str | None = None,
    message_id: str | None = None,
    tag: str | None = None,
) -> dict[str, str | None]:
    """Normalised text filters of an event search (recipient address in lower case).

    Raises:
        InvalidInput: naming each bad field.
    """
    values: dict[str, str | None] = {"recipient": None, "message_id": None, "tag": None}
    if recipient and recipient.strip():
        values["recipient"] = str(parse_address(recipient, "recipient"))
    if message_id and message_id.strip():
        text = message_id.strip()
        if not _MESSAGE_ID.match(text):
            raise InvalidInput.for_field(
                "message_id", "A message id is letters, digits, '.', '_' and '-'."
            )
        values["message_id"] = text
    if tag and tag.strip():
        if len(tag.strip()) > MAX_TAG:
            raise InvalidInput.for_field("tag", f"A tag has at most {MAX_TAG} characters.")
        values["tag"] = tag.strip()
    return values


class MessageEventService:
    """Reads delivery events and message records within the reader's scope."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def search(self, actor: Actor, query: EventQuery) -> list[MessageEvent]:
        """Events matching ``query`` within the actor's scope (rule 1).

        Raises:
            PermissionDenied: a helpdesk admin (or anyone else without a sending view).
        """
        require_sending_view(actor)
        scoped = replace(query, domains=_narrow(query.domains, actor.domain_filter))
        async with self._db.snapshot() as tx:
            return await tx.message_events.search(scoped)

    async def search_as(self, caller: ApiCaller, query: EventQuery) -> list[MessageEvent]:
        """Events for an API caller: an admin key per rule 1, a send key per rule 2."""
        if caller.api_key.scope is ApiKeyScope.SEND:
            own = replace(query, api_key_prefix=caller.api_key.prefix)
            async with self._db.snapshot() as tx:
                return await tx.message_events.search(own)
        return await self.search(caller.actor, query)

    async def trace(
        self, actor: Actor, message_id: str
    ) -> tuple[MessageRecord, list[MessageEvent]]:
        """What is known of a message and every event of it, oldest first.

        Raises:
            NotFound: no such message, or one outside the actor's scope (not told apart, so
                the answer does not reveal other domains' messages).
            PermissionDenied: a helpdesk admin.
        """
        require_sending_view(actor)
        wanted = parse_event_query(message_id=message_id)["message_id"]
        if wanted is None:
            raise NotFound("There is no such message.")
        async with self._db.snapshot() as tx:
            record = await tx.message_events.find_message(wanted)
            events = await tx.message_events.search(
                EventQuery(message_id=wanted, after_id=0, limit=TRACE_LIMIT)
            )
        if record is None and events:
            record = MessageRecord(wanted, sender="", origin=None, created_at=None)
        if record is None or not _visible(actor, record):
            raise NotFound(f"There is no message {wanted}.")
        return record, events


def _narrow(asked: frozenset[str] | None, allowed: frozenset[str] | None) -> frozenset[str] | None:
    if allowed is None:
        return asked
    return allowed if asked is None else asked & allowed


def _visible(actor: Actor, record: MessageRecord) -> bool:
    scope = actor.domain_filter
    if scope is None:
        return True
    domain = record.sender_domain
    return domain is not None and domain in scope
