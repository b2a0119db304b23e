"""``/messages``: send mail (one message, or a batch) and look up what became of it.

Send keys only. ``202 Accepted`` means durably queued: the message file is fsynced and the
queue entries are committed before the answer. ``Idempotency-Key`` makes a retried request
answer what the first one did (``docs/sending.md``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mailwright.model.errors import FieldProblem, InvalidInput, MailwrightError
from mailwright.model.outbound import DeliveryEvent, EventKind, QueuedRecipient, RecipientStatus
from mailwright.model.sending import (
    ApiMessage,
    Attachment,
    IdempotencyKey,
    MetadataValue,
    SendReceipt,
    SendRequest,
)
from mailwright.services.message_log import MessageFilter, MessageSummary, MessageTrace
from mailwright.services.sending import parse_idempotency_key
from mailwright.web.api.callers import SendCaller
from mailwright.web.api.dependencies import ServicesDep
from mailwright.web.api.fields import AddressText
from mailwright.web.api.pagination import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    Page,
    decode_cursor,
    encode_cursor,
)
from mailwright.web.api.problems import (
    KINDS,
    PROBLEM_BASE,
    Problem,
    ProblemField,
    problem_responses,
)

router = APIRouter(prefix="/messages", tags=["messages"])

MAX_TEXT = 2_000_000
MAX_LINE = 1000
AddressLine = Annotated[str, Field(min_length=1, max_length=MAX_LINE, examples=["Bob <bob@x.org>"])]
TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: {"model": Problem, "description": "The request body is larger than allowed."},
}
IdempotencyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        description="Repeat a request safely: the same key and body get the first answer again "
        "(for 24 hours by default); the same key with another body is a 409.",
    ),
]


class SchemaInvalid(InvalidInput):
    """A batch message that does not fit the schema (the ``validation`` problem)."""

    kind = "validation"


def check_unicode(value: object) -> None:
    """Raises ValueError for lone surrogates anywhere (JSON allows ``\\ud800``; no mail
    encoding does)."""
    if isinstance(value, str):
        if value.isascii():
            return
        try:
            value.encode("utf-8")  # fails exactly on lone surrogates, at C speed
        except UnicodeEncodeError:
            raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            check_unicode(key)
            check_unicode(item)
    elif isinstance(value, list):
        for item in value:
            check_unicode(item)


class AttachmentSubmit(BaseModel):
    """A file to attach."""

    model_config = ConfigDict(extra="forbid")

    filename: Annotated[str, Field(min_length=1, max_length=255)]
    content_type: Annotated[str, Field(min_length=3, max_length=255)] = "application/octet-stream"
    content: str = Field(
        description="The file, base64-encoded.", json_schema_extra={"contentEncoding": "base64"}
    )


class MessageSubmit(BaseModel):
    """A message to send: `subject` with `text` and/or `html`, or a `template`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    sender: AddressLine = Field(
        alias="from", description="`address` or `Name <address>`, of a domain the key may use."
    )
    to: list[AddressLine] = Field(default_factory=list, max_length=1000)
    cc: list[AddressLine] = Field(default_factory=list, max_length=1000)
    bcc: list[AddressLine] = Field(default_factory=list, max_length=1000)
    reply_to: AddressLine | None = None
    subject: Annotated[str, Field(max_length=MAX_LINE)] | None = None
    text: Annotated[str, Field(max_length=MAX_TEXT)] | None = None
    html: Annotated[str, Field(max_length=MAX_TEXT)] | None = None
    headers: dict[
        Annotated[str, Field(max_length=100)], Annotated[str, Field(max_length=MAX_LINE)]
    ] = Field(default_factory=dict, max_length=50, description="Extra header fields.")
    attachments: list[AttachmentSubmit] = Field(default_factory=list, max_length=50)
    tags: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=10
    )
    metadata: dict[Annotated[str, Field(max_length=64)], MetadataValue] = Field(
        default_factory=dict, max_length=50, description="Your own keys and values (4 KiB)."
    )
    template: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    template_version: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    variables: dict[str, Any] = Field(
        default_factory=dict, description="Values for the template's variables."
    )

    @model_validator(mode="before")
    @classmethod
    def _valid_unicode(cls, data: Any) -> Any:
        check_unicode(data)
        return data

    def to_request(self) -> SendRequest:
        """The service's view. Raises: InvalidInput for attachment content not in base64."""
        attachments = []
        for index, item in enumerate(self.attachments):
            try:
                content = base64.b64decode("".join(item.content.split()), validate=True)
            except (binascii.Error, ValueError):
                raise InvalidInput.for_field(
                    f"attachments.{index}.content", "The content is not valid base64."
                ) from None
            attachments.append(Attachment(item.filename, content, item.content_type))
        return SendRequest(
            sender=self.sender,
            to=tuple(self.to),
            cc=tuple(self.cc),
            bcc=tuple(self.bcc),
            reply_to=self.reply_to,
            subject=self.subject,
            text=self.text,
            html=self.html,
            headers=dict(self.headers),
            attachments=tuple(attachments),
            tags=tuple(self.tags),
            metadata=dict(self.metadata),
            template=self.template,
            template_version=self.template_version,
            variables=dict(self.variables),
        )


class BatchSubmit(BaseModel):
    """Up to `max_batch` messages (500 by default), each as `POST /messages` takes it."""

    model_config = ConfigDict(extra="forbid")

    messages: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=5000,
        json_schema_extra={"items": {"$ref": "#/components/schemas/MessageSubmit"}},
    )


class RecipientAccepted(BaseModel):
    """An envelope recipient of an accepted message."""

    id: int
    address: str
    status: RecipientStatus = Field(
        description="`queued`; `suppressed` (on the suppression list: never sent); `sandboxed` "
        "(sandbox key: recorded, never sent)."
    )


class MessageAccepted(BaseModel):
    """A message durably queued for delivery."""

    id: str = Field(description="The message id, for `GET /messages/{id}`.")
    created_at: datetime
    sandbox: bool
    recipients: list[RecipientAccepted]

    @classmethod
    def of(cls, receipt: SendReceipt) -> MessageAccepted:
        """The public view of ``receipt``."""
        return cls(
            id=receipt.message_id,
            created_at=receipt.created_at,
            sandbox=receipt.sandbox,
            recipients=[
                RecipientAccepted(id=r.id, address=r.address, status=r.status)
                for r in receipt.recipients
            ],
        )


class BatchResult(BaseModel):
    """What became of one message of a batch: `message` when accepted, else `error`."""

    index: int = Field(description="Position in the request's `messages`.")
    status: int = Field(description="202, or the status the message alone would have got.")
    message: MessageAccepted | None = None
    error: Problem | None = None


class BatchAccepted(BaseModel):
    """The outcome of every message of a batch, in request order."""

    accepted: int
    rejected: int
    results: list[BatchResult]


class RecipientState(BaseModel):
    """Where one recipient stands."""

    id: int
    address: str
    status: RecipientStatus
    attempts: int
    next_attempt_at: datetime | None
    last_reply: str

    @classmethod
    def of(cls, recipient: QueuedRecipient) -> RecipientState:
        """The public view of ``recipient``."""
        return cls(
            id=recipient.id,
            address=recipient.recipient,
            status=recipient.status,
            attempts=recipient.attempts,
            next_attempt_at=recipient.next_attempt_at,
            last_reply=recipient.last_reply,
        )


class DeliveryEventPublic(BaseModel):
    """One step of one recipient's delivery."""

    id: int
    recipient: str
    kind: EventKind
    at: datetime
    reply: str = Field(description="The remote server's reply, or why there was none.")
    remote_host: str

    @classmethod
    def of(cls, event: DeliveryEvent) -> DeliveryEventPublic:
        """The public view of ``event``."""
        return cls(
            id=event.id,
            recipient=event.recipient,
            kind=event.kind,
            at=event.at,
            reply=event.reply,
            remote_host=event.remote_host,
        )


class MessagePublic(BaseModel):
    """A message sent through the API, with each recipient's state."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    sender: str = Field(alias="from", description="The sender address.")
    domain: str
    subject: str
    tags: list[str]
    metadata: dict[str, MetadataValue]
    template: str | None
    template_version: int | None
    sandbox: bool
    created_at: datetime
    recipients: list[RecipientState]

    @classmethod
    def fields_of(cls, message: ApiMessage, recipients: Any) -> dict[str, Any]:
        """Field values for ``message`` and its recipients."""
        return {
            "id": message.id,
            "from": message.from_address,
            "domain": message.domain,
            "subject": message.subject,
            "tags": list(message.tags),
            "metadata": dict(message.metadata),
            "template": message.template_name,
            "template_version": message.template_version,
            "sandbox": message.sandbox,
            "created_at": message.created_at,
            "recipients": [RecipientState.of(r) for r in recipients],
        }

    @classmethod
    def of(cls, summary: MessageSummary) -> MessagePublic:
        """The public view of a listed message."""
        return cls(**cls.fields_of(summary.message, summary.recipients))


class MessageDetail(MessagePublic):
    """The message trace: the message, each recipient's state, every event oldest first."""

    events: list[DeliveryEventPublic]

    @classmethod
    def of_trace(cls, trace: MessageTrace) -> MessageDetail:
        """The public view of ``trace``."""
        return cls(
            **cls.fields_of(trace.message, trace.recipients),
            events=[DeliveryEventPublic.of(e) for e in trace.events],
        )


class MessagePage(Page[MessagePublic]):
    """One page of messages, newest first."""


def fingerprint(route: str, payload: Any) -> str:
    """What makes two requests "the same" for idempotency: route and JSON body, canonical."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{route}\n{text}".encode()).hexdigest()


def _idempotency(header: str | None, route: str, payload: Any) -> IdempotencyKey | None:
    if header is None:
        return None
    return IdempotencyKey(parse_idempotency_key(header), fingerprint(route, payload))


def problem_of(error: MailwrightError) -> Problem:
    """The problem document of ``error`` (as the API would answer it alone)."""
    kind = error.kind if error.kind in KINDS else "invalid-input"
    code, title = KINDS[kind]
    fields = None
    if isinstance(error, InvalidInput):
        fields = [ProblemField(field=p.field, message=p.message) for p in error.problems]
    return Problem(
        type=PROBLEM_BASE + kind, title=title, status=code, detail=error.message, errors=fields
    )


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=MessageAccepted,
    responses={**problem_responses(409), **TOO_LARGE},
)
async def send_message(
    body: MessageSubmit,
    services: ServicesDep,
    caller: SendCaller,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> MessageAccepted:
    """Send one message; answers once it is durably queued."""
    payload = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
    idempotency = _idempotency(idempotency_key, "POST /messages", payload)
    receipt = await services.sending.submit(caller, body.to_request(), idempotency=idempotency)
    response.headers["Location"] = f"/api/v1/messages/{receipt.message_id}"
    return MessageAccepted.of(receipt)


def _batch_request(item: dict[str, Any]) -> SendRequest | InvalidInput:
    """One message of a batch as the service takes it, or why it does not fit the schema."""
    try:
        return MessageSubmit.model_validate(item).to_request()
    except ValidationError as error:
        problems = [
            FieldProblem(".".join(str(p) for p in e["loc"]) or "body", e["msg"])
            for e in error.errors(include_url=False, include_input=False)
        ]
        detail = "; ".join(f"{p.field}: {p.message}" for p in problems[:5])
        return SchemaInvalid(detail or "The message does not fit the schema.", problems)
    except InvalidInput as error:
        return error


@router.post(
    "/batch",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=BatchAccepted,
    responses={**problem_responses(409), **TOO_LARGE},
)
async def send_batch(
    body: BatchSubmit,
    services: ServicesDep,
    caller: SendCaller,
    idempotency_key: IdempotencyHeader = None,
) -> BatchAccepted:
    """Send many messages in one request; each is accepted or refused on its own."""
    payload = body.model_dump(mode="json")
    idempotency = _idempotency(idempotency_key, "POST /messages/batch", payload)
    requests = [_batch_request(item) for item in body.messages]
    outcomes = await services.sending.submit_batch(caller, requests, idempotency=idempotency)
    results = []
    for index, outcome in enumerate(outcomes):
        if isinstance(outcome, MailwrightError):
            problem = problem_of(outcome)
            results.append(BatchResult(index=index, status=problem.status, error=problem))
        else:
            results.append(
                BatchResult(index=index, status=202, message=MessageAccepted.of(outcome))
            )
    accepted = sum(r.message is not None for r in results)
    return BatchAccepted(accepted=accepted, rejected=len(results) - accepted, results=results)


def _filter_key(filters: MessageFilter) -> str:
    text = json.dumps(
        [
            filters.tag,
            filters.recipient,
            filters.status,
            filters.since and filters.since.isoformat(),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@router.get("", response_model=MessagePage, responses=problem_responses())
async def list_messages(
    services: ServicesDep,
    caller: SendCaller,
    tag: Annotated[
        str | None, Query(max_length=64, description="Only messages with this tag.")
    ] = None,
    recipient: Annotated[
        AddressText | None, Query(description="Only messages to this address.")
    ] = None,
    message_status: Annotated[
        RecipientStatus | None,
        Query(alias="status", description="Only messages with a recipient in this state."),
    ] = None,
    since: Annotated[
        datetime | None, Query(description="Only messages accepted at or after (ISO 8601).")
    ] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> MessagePage:
    """Messages sent with this key, newest first."""
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    filters = MessageFilter(tag=tag, recipient=recipient, status=message_status, since=since)
    after = None
    if cursor:
        parts = decode_cursor(cursor)
        if len(parts) != 3 or parts[2] != _filter_key(filters):
            raise InvalidInput.for_field("cursor", "The page cursor is not valid.")
        try:
            after = (datetime.fromisoformat(parts[0]), parts[1])
        except ValueError:
            raise InvalidInput.for_field("cursor", "The page cursor is not valid.") from None
    found = await services.message_log.list_messages(caller, filters, after=after, limit=limit + 1)
    page = found[:limit]
    next_cursor = None
    if len(found) > limit:
        last = page[-1].message
        next_cursor = encode_cursor([last.created_at.isoformat(), last.id, _filter_key(filters)])
    return MessagePage(items=[MessagePublic.of(s) for s in page], next_cursor=next_cursor)


@router.get("/{message_id}", response_model=MessageDetail, responses=problem_responses(404))
async def get_message(
    message_id: Annotated[str, Path(min_length=1, max_length=64)],
    services: ServicesDep,
    caller: SendCaller,
) -> MessageDetail:
    """The message trace: each recipient's state and every delivery event with its reply."""
    return MessageDetail.of_trace(await services.message_log.trace(caller, message_id))
