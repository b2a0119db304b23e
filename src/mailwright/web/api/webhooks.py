"""``/webhooks``: endpoints that are POSTed delivery events, and their delivery logs (global
admins only). The signing secret is in the creation response only; see ``docs/webhooks.md``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from mailwright.model.outbound import EventKind
from mailwright.model.webhooks import MAX_DESCRIPTION, MAX_URL, Webhook, WebhookDelivery
from mailwright.model.webhooks import WebhookDeliveryStatus as DeliveryStatus
from mailwright.web.api.dependencies import AdminActor, ServicesDep
from mailwright.web.api.events import before_id
from mailwright.web.api.fields import PlainText
from mailwright.web.api.pagination import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    Page,
    encode_cursor,
    paginate,
)
from mailwright.web.api.problems import problem_responses

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
WebhookId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The webhook's id.")]
UrlText = Annotated[
    PlainText,
    Field(
        min_length=1,
        max_length=MAX_URL,
        description="Where events are POSTed: an http or https URL with a public address.",
        examples=["https://app.example.org/hooks/mailwright"],
    ),
]
DescriptionText = Annotated[PlainText, Field(max_length=MAX_DESCRIPTION)]
EventKinds = Annotated[
    list[EventKind],
    Field(max_length=len(EventKind), description="Event kinds to hear; empty: all."),
]


class WebhookPublic(BaseModel):
    """A webhook (never its secret)."""

    id: int
    url: str
    description: str
    events: list[EventKind] = Field(description="The event kinds it hears.")
    active: bool = Field(description="False: it hears nothing until enabled again.")
    created_at: datetime
    created_by: str

    @classmethod
    def of(cls, webhook: Webhook) -> WebhookPublic:
        """The public view of ``webhook``."""
        return cls(**_public_fields(webhook))


class WebhookCreated(WebhookPublic):
    """A new webhook, with its signing secret: shown this once, it cannot be shown again."""

    secret: str = Field(description="Verify `Mailwright-Signature` with it (HMAC-SHA256).")


class WebhookPage(Page[WebhookPublic]):
    """One page of webhooks."""


class WebhookCreate(BaseModel):
    """A webhook to make."""

    model_config = ConfigDict(extra="forbid")

    url: UrlText
    events: EventKinds = Field(default_factory=list)
    description: DescriptionText = ""


class WebhookUpdate(BaseModel):
    """Changes to a webhook; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    url: UrlText | None = None
    events: EventKinds | None = None
    active: bool | None = None
    description: DescriptionText | None = None


class WebhookDeliveryPublic(BaseModel):
    """One event POSTed (or to be POSTed) to a webhook, with the latest outcome."""

    id: int
    webhook_id: int
    event_id: int = Field(description="The delivery event; 0 for a test event.")
    status: DeliveryStatus
    attempts: int
    response_code: int | None = Field(description="The last HTTP status; null if none came.")
    response_body: str = Field(description="The start of the last answer, or why none came.")
    next_attempt_at: datetime | None = Field(description="When it is tried again (pending).")
    created_at: datetime
    delivered_at: datetime | None
    payload: dict[str, Any] = Field(description="The JSON body POSTed.")

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> WebhookDeliveryPublic:
        """The public view of ``delivery``."""
        return cls(
            id=delivery.id,
            webhook_id=delivery.webhook_id,
            event_id=delivery.event_id,
            status=delivery.status,
            attempts=delivery.attempts,
            response_code=delivery.response_code,
            response_body=delivery.response_body,
            next_attempt_at=delivery.next_attempt_at,
            created_at=delivery.created_at,
            delivered_at=delivery.delivered_at,
            payload=dict(delivery.payload),
        )


class WebhookDeliveryPage(Page[WebhookDeliveryPublic]):
    """One page of a webhook's delivery log."""


def _public_fields(webhook: Webhook) -> dict[str, object]:
    return {
        "id": webhook.id,
        "url": webhook.url,
        "description": webhook.description,
        "events": [k for k in EventKind if k in webhook.events],
        "active": webhook.active,
        "created_at": webhook.created_at,
        "created_by": webhook.created_by,
    }


@router.get("", response_model=WebhookPage, responses=problem_responses())
async def list_webhooks(
    services: ServicesDep, actor: AdminActor, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> WebhookPage:
    """List webhooks, oldest first."""
    hooks = await services.webhooks.list_webhooks(actor)
    page, next_cursor = paginate(hooks, lambda h: (f"{h.id:012d}",), limit=limit, cursor=cursor)
    return WebhookPage(items=[WebhookPublic.of(h) for h in page], next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookCreated,
    responses=problem_responses(),
)
async def create_webhook(
    body: WebhookCreate, services: ServicesDep, actor: AdminActor, response: Response
) -> WebhookCreated:
    """Make a webhook; the response holds its signing secret, this once."""
    created = await services.webhooks.create(
        actor, body.url, events=[k.value for k in body.events], description=body.description
    )
    response.headers["Location"] = f"/api/v1/webhooks/{created.webhook.id}"
    return WebhookCreated(**_public_fields(created.webhook), secret=created.secret)


@router.get("/{webhook_id}", response_model=WebhookPublic, responses=problem_responses(404))
async def get_webhook(
    webhook_id: WebhookId, services: ServicesDep, actor: AdminActor
) -> WebhookPublic:
    """One webhook."""
    return WebhookPublic.of(await services.webhooks.get(actor, webhook_id))


@router.patch("/{webhook_id}", response_model=WebhookPublic, responses=problem_responses(404))
async def update_webhook(
    webhook_id: WebhookId, body: WebhookUpdate, services: ServicesDep, actor: AdminActor
) -> WebhookPublic:
    """Change the URL, event kinds, description, or enable/disable it (a webhook enabled
    again hears events from then on)."""
    webhook = await services.webhooks.update(
        actor,
        webhook_id,
        url=body.url,
        events=[k.value for k in body.events] if body.events is not None else None,
        active=body.active,
        description=body.description,
    )
    return WebhookPublic.of(webhook)


@router.delete(
    "/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404)
)
async def delete_webhook(webhook_id: WebhookId, services: ServicesDep, actor: AdminActor) -> None:
    """Delete a webhook and its delivery log."""
    await services.webhooks.delete(actor, webhook_id)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=WebhookDeliveryPage,
    responses=problem_responses(404),
)
async def list_webhook_deliveries(
    webhook_id: WebhookId,
    services: ServicesDep,
    actor: AdminActor,
    status: Annotated[
        DeliveryStatus | None, Query(description="Only deliveries in this state.")
    ] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> WebhookDeliveryPage:
    """The webhook's delivery log, newest first."""
    found = await services.webhooks.deliveries(
        actor, webhook_id, status=status, before_id=before_id(cursor), limit=limit + 1
    )
    page = found[:limit]
    next_cursor = encode_cursor((str(page[-1].id),)) if len(found) > limit else None
    return WebhookDeliveryPage(
        items=[WebhookDeliveryPublic.of(d) for d in page], next_cursor=next_cursor
    )


@router.post(
    "/{webhook_id}/test", response_model=WebhookDeliveryPublic, responses=problem_responses(404)
)
async def test_webhook(
    webhook_id: WebhookId, services: ServicesDep, actor: AdminActor
) -> WebhookDeliveryPublic:
    """POST a test event now, once (also to a disabled webhook), and answer how it went."""
    return WebhookDeliveryPublic.of(await services.webhooks.send_test(actor, webhook_id))
