"""The sending API's use case: check, render, compose, store and queue messages.

Order of durability ("accepted means durably queued"): 1. every message is checked, rendered
and composed (nothing written yet; a bad message is refused with every problem); 2. each
message's bytes go to their content-addressed file, fsynced; 3. one transaction stores, for
all messages of the request, the API records, the queue entries, every recipient, a
``queued`` (or ``suppressed``) event per recipient, the usage counters and the idempotency
record; 4. only after the commit is the answer given and are workers woken. A crash before 3
commits leaves unreferenced files at most; a crash after it loses nothing.

Rules:
1. Recipients on the suppression list are queued as ``suppressed`` (never attempted) with a
   ``suppressed`` event; the rest as ``queued`` with a ``queued`` event.
2. A sandbox key's recipients are ``sandboxed``: recorded with a ``queued`` event, never
   claimed by a worker, never delivered, never counted as usage.
3. Usage counts the recipients queued for delivery, per month, key and sender domain.
4. An ``Idempotency-Key`` (per API key, kept ``idempotency_hours``) makes a repeated request
   answer what the first one did, without sending again; the same key with another request
   is a conflict. Only accepted requests are remembered (a refused one may be corrected and
   sent again under the same key). A batch is remembered as a whole, refusals included.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mailwright.model.errors import (
    Conflict,
    FieldProblem,
    InvalidInput,
    MailwrightError,
    NotFound,
    PermissionDenied,
)
from mailwright.model.events import OutboundQueued
from mailwright.model.interfaces import BlobStore, Clock, Database, EventHub, Transaction
from mailwright.model.mailstore import BlobRef
from mailwright.model.outbound import RecipientStatus
from mailwright.model.sending import (
    IdempotencyKey,
    IdempotencyRecord,
    NewApiMessage,
    NewRecipient,
    RecipientReceipt,
    RenderedMessage,
    SendingCaller,
    SendReceipt,
    SendRequest,
    Template,
)
from mailwright.model.usage import month_of
from mailwright.protocols.mime.compose import Composition, compose
from mailwright.services.api_keys import ApiCaller
from mailwright.services.local_delivery import new_queue_id
from mailwright.services.send_requests import CheckedRequest, Limits, check_request
from mailwright.services.templates import TemplateService, with_text_part

log = logging.getLogger(__name__)

SUPPRESSED_REPLY = "Address is on the suppression list"
SANDBOXED_REPLY = "Sent with a sandbox key: recorded, never delivered"
MAX_IDEMPOTENCY_KEY = 255
# Composing is CPU work on the event loop: let other requests in between every few messages.
_YIELD_EVERY = 25
_PURGE_EVERY = timedelta(minutes=10)

Outcome = SendReceipt | MailwrightError


@dataclass(frozen=True)
class SendingPolicy:
    """Bounds of the sending API (``[sending]``)."""

    limits: Limits = field(default_factory=Limits)
    max_batch: int = 500
    idempotency_lifetime: timedelta = timedelta(hours=24)


@dataclass(frozen=True)
class _Prepared:
    checked: CheckedRequest
    message_id: str
    subject: str
    template: Template | None
    data: bytes


class _LostRace(Exception):
    """Another request with the same idempotency key committed first."""


def sending_caller(caller: ApiCaller) -> SendingCaller:
    """The sending identity of an API key."""
    key = caller.api_key
    return SendingCaller(caller.actor, key.prefix, key.sandbox, key.domains)


def parse_idempotency_key(text: str) -> str:
    """Raises: InvalidInput unless 1 to 255 printable ASCII characters."""
    if not 0 < len(text) <= MAX_IDEMPOTENCY_KEY or not all(" " <= c <= "~" for c in text):
        raise InvalidInput.for_field(
            "Idempotency-Key", "An idempotency key is 1 to 255 printable ASCII characters."
        )
    return text


class SendingService:
    """Accepts messages for delivery (``submit``, ``submit_batch``)."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        blobs: BlobStore,
        events: EventHub,
        templates: TemplateService,
        *,
        policy: SendingPolicy,
    ) -> None:
        self._db = database
        self._clock = clock
        self._blobs = blobs
        self._events = events
        self._templates = templates
        self.policy = policy
        self._last_purge: datetime | None = None

    async def submit(
        self,
        caller: SendingCaller,
        request: SendRequest,
        *,
        idempotency: IdempotencyKey | None = None,
    ) -> SendReceipt:
        """Accept one message; returns once it is durably queued.

        Raises:
            InvalidInput: every problem of the request, by field (also for a template that
                is missing or fails to render, and a sender domain not hosted here).
            PermissionDenied: the caller may not send from that domain.
            Conflict: the idempotency key came with another request before.
        """
        (outcome,) = await self._submit(caller, [request], idempotency, batch=False)
        if isinstance(outcome, MailwrightError):
            raise outcome
        return outcome

    async def submit_batch(
        self,
        caller: SendingCaller,
        requests: Sequence[SendRequest | InvalidInput],
        *,
        idempotency: IdempotencyKey | None = None,
    ) -> list[Outcome]:
        """Accept many messages in one transaction; each gets a receipt or its own error.
        Requests the front end could not even read come as their ``InvalidInput`` and are
        answered with it (and remembered with the rest under an idempotency key).

        Raises:
            InvalidInput: no messages, or more than ``max_batch``.
            Conflict: the idempotency key came with another request before.
        """
        if not requests or len(requests) > self.policy.max_batch:
            raise InvalidInput.for_field(
                "messages", f"A batch holds 1 to {self.policy.max_batch} messages."
            )
        return await self._submit(caller, requests, idempotency, batch=True)

    async def _submit(
        self,
        caller: SendingCaller,
        requests: Sequence[SendRequest | InvalidInput],
        idempotency: IdempotencyKey | None,
        *,
        batch: bool,
    ) -> list[Outcome]:
        now = self._clock.now()
        if idempotency is not None:
            replayed = await self._replay(caller, idempotency, now)
            if replayed is not None:
                return replayed
        outcomes = await self._prepare_all(caller, requests, now)
        if not batch and isinstance(outcomes[0], MailwrightError):
            raise outcomes[0]
        prepared = [o for o in outcomes if isinstance(o, _Prepared)]
        # One call for the whole batch: the blob store flushes its files together.
        bodies = [p.data for p in prepared]
        blobs = await asyncio.to_thread(self._blobs.put_many, bodies) if bodies else []
        stored = list(zip(prepared, blobs, strict=True))
        try:
            receipts = await self._commit(caller, stored, outcomes, idempotency, now)
        except _LostRace:
            assert idempotency is not None
            replayed = await self._replay(caller, idempotency, now)
            if replayed is None:
                raise Conflict("The request clashed with another; send it again.") from None
            return replayed
        for receipt in receipts:
            if any(r.status is RecipientStatus.QUEUED for r in receipt.recipients):
                self._events.publish(OutboundQueued(receipt.message_id))
        by_id = {r.message_id: r for r in receipts}
        return [by_id[o.message_id] if isinstance(o, _Prepared) else o for o in outcomes]

    async def _prepare_all(
        self, caller: SendingCaller, requests: Sequence[SendRequest | InvalidInput], now: datetime
    ) -> list[_Prepared | MailwrightError]:
        checked: list[CheckedRequest | MailwrightError] = []
        for request in requests:
            if isinstance(request, InvalidInput):
                checked.append(request)
                continue
            try:
                checked.append(check_request(request, self.policy.limits))
            except InvalidInput as error:
                checked.append(error)
        valid = [c for c in checked if isinstance(c, CheckedRequest)]
        hosted, templates = await self._lookups(valid)
        outcomes: list[_Prepared | MailwrightError] = []
        for index, item in enumerate(checked):
            if index and index % _YIELD_EVERY == 0:
                await asyncio.sleep(0)
            if isinstance(item, MailwrightError):
                outcomes.append(item)
                continue
            try:
                outcomes.append(self._prepare(caller, item, hosted, templates, now))
            except MailwrightError as error:
                outcomes.append(error)
        return outcomes

    async def _lookups(
        self, valid: Sequence[CheckedRequest]
    ) -> tuple[set[str], dict[tuple[str, int | None], Template | NotFound]]:
        """Which sender domains are hosted, and the templates the messages name."""
        wanted = {(c.template, c.template_version) for c in valid if c.template is not None}
        templates: dict[tuple[str, int | None], Template | NotFound] = {}
        async with self._db.snapshot() as tx:
            hosted = {
                d for d in {c.domain for c in valid} if await tx.domains.find_by_name(d) is not None
            }
            for name, version in wanted:
                try:
                    templates[(name, version)] = await self._templates.load(tx, name, version)
                except NotFound as missing:
                    templates[(name, version)] = missing
        return hosted, templates

    def _prepare(
        self,
        caller: SendingCaller,
        checked: CheckedRequest,
        hosted: set[str],
        templates: dict[tuple[str, int | None], Template | NotFound],
        now: datetime,
    ) -> _Prepared:
        if checked.domain not in hosted:
            raise InvalidInput.for_field(
                "from", f"{checked.domain} is not a mail domain hosted here."
            )
        if not caller.may_send_from(checked.domain):
            raise PermissionDenied(f"This API key may not send from {checked.domain}.")
        template = None
        if checked.template is not None:
            found = templates[(checked.template, checked.template_version)]
            if isinstance(found, NotFound):
                raise InvalidInput.for_field("template", found.message)
            template = found
            rendered = self._templates.renderer.render(template, checked.variables)
        else:
            assert checked.subject is not None
            rendered = RenderedMessage(checked.subject, checked.text, checked.html)
        rendered = with_text_part(rendered)
        message_id = new_queue_id()
        data = compose(
            Composition(
                sender=checked.sender,
                subject=rendered.subject,
                date=now,
                message_id=f"<{message_id}@{checked.domain}>",
                to=checked.to,
                cc=checked.cc,
                reply_to=checked.reply_to,
                text=rendered.text,
                html=rendered.html,
                headers=checked.headers,
                attachments=checked.attachments,
            )
        )
        return _Prepared(checked, message_id, rendered.subject, template, data)

    async def _commit(
        self,
        caller: SendingCaller,
        stored: Sequence[tuple[_Prepared, BlobRef]],
        outcomes: Sequence[_Prepared | MailwrightError],
        idempotency: IdempotencyKey | None,
        now: datetime,
    ) -> list[SendReceipt]:
        async with self._db.transaction() as tx:
            receipts = await self._enqueue(tx, caller, stored, now) if stored else []
            if idempotency is not None:
                by_id = {r.message_id: r for r in receipts}
                results = [by_id[o.message_id] if isinstance(o, _Prepared) else o for o in outcomes]
                await self._remember(tx, caller, idempotency, results, now)
            if self._last_purge is None or now - self._last_purge > _PURGE_EVERY:
                await tx.idempotency.delete_expired(now)
                self._last_purge = now
        return receipts

    async def _enqueue(
        self,
        tx: Transaction,
        caller: SendingCaller,
        stored: Sequence[tuple[_Prepared, BlobRef]],
        now: datetime,
    ) -> list[SendReceipt]:
        everyone = {a for p, _ in stored for a in p.checked.envelope}
        suppressed = await tx.suppressions.find_many(sorted(everyone))
        new = [_new_message(caller, p, blob, suppressed, now) for p, blob in stored]
        ids = await tx.api_messages.add_many(new)
        accepted: Counter[str] = Counter()
        receipts = []
        for message, recipient_ids in zip(new, ids, strict=True):
            recipients = tuple(
                RecipientReceipt(i, r.address, r.status)
                for i, r in zip(recipient_ids, message.recipients, strict=True)
            )
            accepted[message.domain] += sum(r.status is RecipientStatus.QUEUED for r in recipients)
            receipts.append(SendReceipt(message.id, now, caller.sandbox, recipients))
        for domain, count in sorted(accepted.items()):
            if count:
                await tx.usage.add(month_of(now), caller.key_prefix, domain, accepted=count)
        return receipts

    async def _remember(
        self,
        tx: Transaction,
        caller: SendingCaller,
        idempotency: IdempotencyKey,
        results: Sequence[Outcome],
        now: datetime,
    ) -> None:
        await tx.idempotency.delete_expired(
            now, api_key_prefix=caller.key_prefix, key=idempotency.key
        )
        record = IdempotencyRecord(
            api_key_prefix=caller.key_prefix,
            key=idempotency.key,
            request_hash=idempotency.fingerprint,
            status_code=202,
            response={"results": [_outcome_json(r) for r in results]},
            created_at=now,
            expires_at=now + self.policy.idempotency_lifetime,
        )
        if not await tx.idempotency.add(record):
            raise _LostRace()

    async def _replay(
        self, caller: SendingCaller, idempotency: IdempotencyKey, now: datetime
    ) -> list[Outcome] | None:
        """The stored outcome of an earlier request with this key, or None.

        Raises: Conflict when the key came with another request.
        """
        async with self._db.snapshot() as tx:
            record = await tx.idempotency.find(caller.key_prefix, idempotency.key)
        if record is None or record.expires_at <= now:
            return None
        if record.request_hash != idempotency.fingerprint:
            raise Conflict(
                "This Idempotency-Key was used with a different request; use a new key for a "
                "new request."
            )
        return [_outcome_from_json(item) for item in record.response["results"]]


def _new_message(
    caller: SendingCaller, prepared: _Prepared, blob: BlobRef, suppressed: set[str], now: datetime
) -> NewApiMessage:
    checked = prepared.checked
    recipients = []
    for address in checked.envelope:
        if address in suppressed:
            recipients.append(NewRecipient(address, RecipientStatus.SUPPRESSED, SUPPRESSED_REPLY))
        elif caller.sandbox:
            recipients.append(NewRecipient(address, RecipientStatus.SANDBOXED, SANDBOXED_REPLY))
        else:
            recipients.append(NewRecipient(address, RecipientStatus.QUEUED, ""))
    return NewApiMessage(
        id=prepared.message_id,
        api_key_prefix=caller.key_prefix,
        domain=checked.domain,
        from_address=checked.sender.address,
        subject=prepared.subject,
        tags=checked.tags,
        metadata=checked.metadata,
        template_name=prepared.template.name if prepared.template else None,
        template_version=prepared.template.version if prepared.template else None,
        sandbox=caller.sandbox,
        created_at=now,
        blob=blob.digest,
        size=blob.size,
        submitted_by=caller.actor.name,
        recipients=tuple(recipients),
    )


_ERRORS: dict[str, type[MailwrightError]] = {
    "not-found": NotFound,
    "conflict": Conflict,
    "permission-denied": PermissionDenied,
}


def _outcome_json(outcome: Outcome) -> dict[str, Any]:
    if isinstance(outcome, MailwrightError):
        problems = outcome.problems if isinstance(outcome, InvalidInput) else ()
        return {
            "error": outcome.kind,
            "message": outcome.message,
            "problems": [[p.field, p.message] for p in problems],
        }
    return {
        "id": outcome.message_id,
        "created_at": outcome.created_at.isoformat(),
        "sandbox": outcome.sandbox,
        "recipients": [[r.id, r.address, r.status.value] for r in outcome.recipients],
    }


def _outcome_from_json(item: dict[str, Any]) -> Outcome:
    if "error" in item:
        if item["error"] in _ERRORS:
            return _ERRORS[item["error"]](item["message"])
        problems = [FieldProblem(field, message) for field, message in item["problems"]]
        refused = InvalidInput(item["message"], problems)
        refused.kind = item["error"]  # "validation" (the schema) or "invalid-input"
        return refused
    return SendReceipt(
        message_id=item["id"],
        created_at=datetime.fromisoformat(item["created_at"]),
        sandbox=item["sandbox"],
        recipients=tuple(
            RecipientReceipt(i, address, RecipientStatus(status))
            for i, address, status in item["recipients"]
        ),
    )
