"""``/templates``: named, versioned message templates (Jinja2 in its sandbox).

Keys of either scope read and render them; keys of global admins that are not sandboxed save
and delete them. Saving under an existing name makes the next version.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field, model_validator

from mailwright.model.errors import InvalidInput
from mailwright.model.sending import Template
from mailwright.services.templates import MAX_NAME, MAX_PART_SOURCE, MAX_SUBJECT_SOURCE
from mailwright.web.api.callers import AnyCaller
from mailwright.web.api.dependencies import ServicesDep
from mailwright.web.api.messages import check_unicode
from mailwright.web.api.pagination import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    Page,
    decode_cursor,
    encode_cursor,
)
from mailwright.web.api.problems import problem_responses

router = APIRouter(prefix="/templates", tags=["templates"])
TemplateName = Annotated[
    str, Path(min_length=1, max_length=MAX_NAME, examples=["welcome"], description="The name.")
]
Version = Annotated[
    int | None, Query(ge=1, le=2**31 - 1, description="A version; omit for the newest.")
]


class _Unicode(BaseModel):
    @model_validator(mode="before")
    @classmethod
    def _valid_unicode(cls, data: Any) -> Any:
        check_unicode(data)
        return data


class TemplateCreate(_Unicode):
    """A template (or the next version of one): Jinja2 sources of the subject and the text
    and/or HTML part."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=MAX_NAME, examples=["welcome"])]
    subject: Annotated[str, Field(min_length=1, max_length=MAX_SUBJECT_SOURCE)]
    text: Annotated[str, Field(max_length=MAX_PART_SOURCE)] | None = None
    html: Annotated[str, Field(max_length=MAX_PART_SOURCE)] | None = None


class TemplateRender(_Unicode):
    """Values for a preview."""

    model_config = ConfigDict(extra="forbid")

    variables: dict[str, Any] = Field(default_factory=dict)
    version: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None


class TemplateSummary(BaseModel):
    """The newest version of a template, without its parts."""

    name: str
    version: int
    subject: str = Field(description="The subject's source.")
    has_text: bool
    has_html: bool
    created_at: datetime = Field(description="When this version was saved.")
    created_by: str

    @classmethod
    def of(cls, template: Template) -> TemplateSummary:
        """The summary of ``template``."""
        return cls(
            name=template.name,
            version=template.version,
            subject=template.subject,
            has_text=template.text is not None,
            has_html=template.html is not None,
            created_at=template.created_at,
            created_by=template.created_by,
        )


class TemplatePublic(BaseModel):
    """One version of a template."""

    name: str
    version: int
    subject: str
    text: str | None
    html: str | None
    created_at: datetime
    created_by: str

    @classmethod
    def of(cls, template: Template) -> TemplatePublic:
        """The public view of ``template``."""
        return cls(
            name=template.name,
            version=template.version,
            subject=template.subject,
            text=template.text,
            html=template.html,
            created_at=template.created_at,
            created_by=template.created_by,
        )


class TemplatePage(Page[TemplateSummary]):
    """One page of templates, by name."""


class RenderedTemplate(BaseModel):
    """A template rendered as a message would get it (with a text part made from the HTML
    when the template has none)."""

    name: str
    version: int
    subject: str
    text: str | None
    html: str | None


def _after(cursor: str | None) -> str | None:
    if not cursor:
        return None
    parts = decode_cursor(cursor)
    if len(parts) != 1:
        raise InvalidInput.for_field("cursor", "The page cursor is not valid.")
    return parts[0]


@router.get("", response_model=TemplatePage, responses=problem_responses())
async def list_templates(
    services: ServicesDep, caller: AnyCaller, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> TemplatePage:
    """Templates by name, each at its newest version."""
    after = _after(cursor)
    found = await services.templates.list_templates(caller, after=after, limit=limit + 1)
    page = found[:limit]
    next_cursor = encode_cursor([page[-1].name]) if len(found) > limit else None
    return TemplatePage(items=[TemplateSummary.of(t) for t in page], next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=TemplatePublic,
    responses=problem_responses(409),
)
async def create_template(
    body: TemplateCreate, services: ServicesDep, caller: AnyCaller, response: Response
) -> TemplatePublic:
    """Save a template; under an existing name, its next version."""
    template = await services.templates.create(
        caller, body.name, subject=body.subject, text=body.text, html=body.html
    )
    response.headers["Location"] = f"/api/v1/templates/{template.name}?version={template.version}"
    return TemplatePublic.of(template)


@router.get("/{name}", response_model=TemplatePublic, responses=problem_responses(404))
async def get_template(
    name: TemplateName, services: ServicesDep, caller: AnyCaller, version: Version = None
) -> TemplatePublic:
    """The newest version of a template, or the one asked for."""
    return TemplatePublic.of(await services.templates.get(caller, name, version))


@router.delete("/{name}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404))
async def delete_template(
    name: TemplateName, services: ServicesDep, caller: AnyCaller, version: Version = None
) -> None:
    """Delete a template with every version, or only the version given."""
    await services.templates.delete(caller, name, version)


@router.post("/{name}/render", response_model=RenderedTemplate, responses=problem_responses(404))
async def render_template(
    name: TemplateName, body: TemplateRender, services: ServicesDep, caller: AnyCaller
) -> RenderedTemplate:
    """Preview a template with variables; a missing variable is a 422 naming it."""
    template, rendered = await services.templates.render(caller, name, body.variables, body.version)
    return RenderedTemplate(
        name=template.name,
        version=template.version,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
    )
