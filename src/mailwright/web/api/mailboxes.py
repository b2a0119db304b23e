"""``/mailboxes``: mailboxes keyed by address (passwords are in ``passwords.py``)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from mailwright.model.admins import Role
from mailwright.model.errors import InvalidInput
from mailwright.model.mailboxes import Mailbox, MailboxSort
from mailwright.services.mailboxes import MailboxChanges, MailboxDetails, decode_cursor
from mailwright.web.api.dependencies import AdminActor, ServicesDep
from mailwright.web.api.fields import AddressText, ByteCount, DomainText, PasswordText, PlainText
from mailwright.web.api.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from mailwright.web.api.problems import problem_responses

router = APIRouter(prefix="/mailboxes", tags=["mailboxes"])
MailboxAddress = Annotated[str, Path(min_length=1, max_length=320, examples=["alice@example.org"])]
DisplayName = Annotated[PlainText, Field(max_length=256)]


class MailboxOrder(StrEnum):
    """Sort orders of the mailbox list; a leading ``-`` reverses."""

    ADDRESS = "address"
    ADDRESS_DESCENDING = "-address"
    DISPLAY_NAME = "display_name"
    DISPLAY_NAME_DESCENDING = "-display_name"
    CREATED = "created"
    CREATED_DESCENDING = "-created"

    @property
    def sort(self) -> MailboxSort:
        """The column sorted by."""
        return MailboxSort(self.value.removeprefix("-"))

    @property
    def descending(self) -> bool:
        """True for the reversed orders."""
        return self.value.startswith("-")


class MailboxPublic(BaseModel):
    """A mailbox as the API shows it (never its password hash)."""

    address: str
    display_name: str
    disabled: bool
    must_change: bool = Field(description="The owner must choose a new password next.")
    quota_bytes: int | None = Field(description="null: unlimited.")
    used_bytes: int
    recovery_address: str | None
    password_changed_at: datetime | None
    last_imap_login_at: datetime | None
    last_smtp_login_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, mailbox: Mailbox) -> MailboxPublic:
        """The public view of ``mailbox``."""
        return cls(**_public_fields(mailbox))


class MailboxPage(Page[MailboxPublic]):
    """One page of mailboxes."""


class MailboxDetail(MailboxPublic):
    """A mailbox with the aliases delivering to it, its admin role and failed logins."""

    aliases: list[str]
    admin_role: Role | None = Field(description="The role it holds in the admin center, if any.")
    admin_domains: list[str]
    failed_logins: int = Field(description="Recent failed logins counted by the throttle.")

    @classmethod
    def of_details(cls, details: MailboxDetails) -> MailboxDetail:
        """The public view of a mailbox page."""
        return cls(
            **_public_fields(details.mailbox),
            aliases=[a.source for a in details.aliases],
            admin_role=details.admin.role if details.admin else None,
            admin_domains=sorted(details.admin.domains) if details.admin else [],
            failed_logins=details.failed_logins,
        )


class MailboxCreate(BaseModel):
    """A new mailbox: give a ``password`` or ask for ``generate: true``."""

    model_config = ConfigDict(extra="forbid")

    address: AddressText
    password: PasswordText | None = None
    generate: bool = Field(default=False, description="Generate a password (returned once).")
    display_name: DisplayName = ""
    quota_bytes: ByteCount | None = Field(default=None, description="null: the domain default.")
    recovery_address: AddressText | None = None
    must_change: bool = False


class MailboxCreated(MailboxPublic):
    """The new mailbox, with its generated password (shown this once) if one was asked for."""

    generated_password: str | None


class MailboxUpdate(BaseModel):
    """Fields to change; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    display_name: DisplayName | None = None
    quota_bytes: ByteCount | None = Field(default=None, description="null: unlimited.")
    recovery_address: AddressText | None = Field(default=None, description="null removes it.")
    disabled: bool | None = Field(
        default=None, description="true refuses every login and inbound message."
    )


def _public_fields(mailbox: Mailbox) -> dict[str, object]:
    return {
        "address": mailbox.address,
        "display_name": mailbox.display_name,
        "disabled": mailbox.disabled,
        "must_change": mailbox.must_change,
        "quota_bytes": mailbox.quota_bytes,
        "used_bytes": mailbox.used_bytes,
        "recovery_address": mailbox.recovery_address,
        "password_changed_at": mailbox.password_changed_at,
        "last_imap_login_at": mailbox.last_imap_login_at,
        "last_smtp_login_at": mailbox.last_smtp_login_at,
        "created_at": mailbox.created_at,
    }


def _check_cursor(cursor: str, order: MailboxOrder) -> None:
    """Refuse cursors that would reach the database as nonsense (a cursor of another order,
    or one edited by hand). Raises: InvalidInput."""
    value, address = decode_cursor(cursor)
    invalid = InvalidInput.for_field("cursor", "The page cursor is not valid for this order.")
    if any(ord(c) < 32 for c in value + address):
        raise invalid
    if order.sort is MailboxSort.CREATED:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise invalid from None
        if moment.tzinfo is None:
            raise invalid


@router.get("", response_model=MailboxPage, responses=problem_responses())
async def list_mailboxes(
    services: ServicesDep,
    actor: AdminActor,
    search: Annotated[
        PlainText | None,
        Query(max_length=256, description="Part of the address or display name."),
    ] = None,
    domain: Annotated[DomainText | None, Query(description="Only this domain.")] = None,
    sort: Annotated[MailboxOrder, Query(description="Order; `-` reverses.")] = (
        MailboxOrder.ADDRESS
    ),
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> MailboxPage:
    """List mailboxes the key's admin may see, filtered and sorted."""
    if cursor:
        _check_cursor(cursor, sort)
    page = await services.mailboxes.list_page(
        actor,
        domain=domain,
        search=search,
        sort=sort.sort,
        descending=sort.descending,
        limit=limit,
        cursor=cursor,
        count=False,
    )
    return MailboxPage(
        items=[MailboxPublic.of(m) for m in page.items], next_cursor=page.next_cursor
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=MailboxCreated,
    responses=problem_responses(404, 409),
)
async def create_mailbox(
    body: MailboxCreate, services: ServicesDep, actor: AdminActor, response: Response
) -> MailboxCreated:
    """Create a mailbox with the given password, or a generated one (returned once)."""
    if body.generate == (body.password is not None):
        raise InvalidInput.for_field(
            "password", "Give either a password or generate: true (not both)."
        )
    created = await services.mailboxes.create(
        actor,
        body.address,
        body.password,
        display_name=body.display_name,
        quota_bytes=body.quota_bytes,
        recovery_address=body.recovery_address,
        must_change=body.must_change,
    )
    response.headers["Location"] = f"/api/v1/mailboxes/{created.mailbox.address}"
    return MailboxCreated(
        **_public_fields(created.mailbox), generated_password=created.generated_password
    )


@router.get("/{address}", response_model=MailboxDetail, responses=problem_responses(404))
async def get_mailbox(
    address: MailboxAddress, services: ServicesDep, actor: AdminActor
) -> MailboxDetail:
    """One mailbox with its aliases, admin role and failed-login count."""
    return MailboxDetail.of_details(await services.mailboxes.details(actor, address))


@router.patch("/{address}", response_model=MailboxPublic, responses=problem_responses(404))
async def update_mailbox(
    address: MailboxAddress, body: MailboxUpdate, services: ServicesDep, actor: AdminActor
) -> MailboxPublic:
    """Change display name, quota, recovery address, or disable/enable the mailbox."""
    given = body.model_fields_set
    changes = MailboxChanges(
        display_name=body.display_name,
        quota_bytes=body.quota_bytes,
        clear_quota="quota_bytes" in given and body.quota_bytes is None,
        recovery_address=(
            ""
            if "recovery_address" in given and body.recovery_address is None
            else body.recovery_address
        ),
    )
    if given & {"display_name", "quota_bytes", "recovery_address"}:
        mailbox = await services.mailboxes.update(actor, address, changes)
    else:
        mailbox = await services.mailboxes.get(actor, address)
    if body.disabled is not None and body.disabled != mailbox.disabled:
        mailbox = await services.mailboxes.set_disabled(actor, address, body.disabled)
    return MailboxPublic.of(mailbox)


@router.delete(
    "/{address}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404, 409)
)
async def delete_mailbox(address: MailboxAddress, services: ServicesDep, actor: AdminActor) -> None:
    """Delete a mailbox and its mail (not while it holds an admin role)."""
    await services.mailboxes.remove(actor, address)
