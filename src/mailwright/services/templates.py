"""Message templates: named, versioned subject/text/HTML sources, rendered in the sandbox.

Saving a template under an existing name makes its next version; messages name a template
and get its newest version unless they ask for one. Versions are immutable, so a message can
always say which text it was made from. Access rules are in ``sending_access``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mailwright.model.errors import InvalidInput, NotFound
from mailwright.model.interfaces import Clock, Database, Transaction
from mailwright.model.sending import RenderedMessage, SendingCaller, Template
from mailwright.protocols.mime.html_text import html_to_text
from mailwright.services.audit import AuditLog
from mailwright.services.sending_access import require_shared_editor
from mailwright.services.template_rendering import TemplateRenderer

MAX_NAME = 128
MAX_SUBJECT_SOURCE = 2000
MAX_PART_SOURCE = 1024 * 1024
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def parse_template_name(text: str, field: str = "name") -> str:
    """A template name: lower-case letters, digits, ``.``, ``_`` and ``-`` (case folded).

    Raises: InvalidInput.
    """
    name = text.strip().lower()
    if not name or len(name) > MAX_NAME or not _NAME.match(name):
        raise InvalidInput.for_field(
            field,
            f"A template name is 1 to {MAX_NAME} lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit.",
        )
    return name


def _check_sources(subject: str, text: str | None, html: str | None) -> None:
    problems: dict[str, str] = {}
    if not subject.strip():
        problems["subject"] = "A template needs a subject."
    elif len(subject) > MAX_SUBJECT_SOURCE:
        problems["subject"] = f"The subject is longer than {MAX_SUBJECT_SOURCE} characters."
    if text is None and html is None:
        problems["text"] = "A template needs a text part, an HTML part, or both."
    for part, source in (("text", text), ("html", html)):
        if source is not None and len(source) > MAX_PART_SOURCE:
            problems[part] = f"The {part} part is longer than {MAX_PART_SOURCE} characters."
    if problems:
        raise InvalidInput.from_mapping(problems)


def with_text_part(rendered: RenderedMessage) -> RenderedMessage:
    """``rendered`` with a text part made from its HTML when it has none."""
    if rendered.text is not None or rendered.html is None:
        return rendered
    return RenderedMessage(rendered.subject, html_to_text(rendered.html), rendered.html)


class TemplateService:
    """Create, read, delete and render templates."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        audit: AuditLog,
        renderer: TemplateRenderer | None = None,
    ) -> None:
        self._db = database
        self._clock = clock
        self._audit = audit
        self.renderer = renderer or TemplateRenderer()

    async def create(
        self, caller: SendingCaller, name: str, *, subject: str, text: str | None, html: str | None
    ) -> Template:
        """Save the next version of ``name`` (version 1 for a new name).

        Raises:
            InvalidInput: a bad name, a missing or oversized part, a part that does not
                compile (named by field). PermissionDenied. Conflict: a concurrent save.
        """
        require_shared_editor(caller, "templates")
        template_name = parse_template_name(name)
        _check_sources(subject, text, html)
        self.renderer.check_syntax(subject, text, html)
        async with self._db.transaction() as tx:
            stored = await tx.templates.add(
                template_name,
                subject=subject,
                text=text,
                html=html,
                created_at=self._clock.now(),
                created_by=caller.actor.name,
            )
            await self._audit.record(
                tx,
                caller.actor,
                "template.create",
                template_name,
                details={"version": stored.version},
            )
        return stored

    async def list_templates(
        self, caller: SendingCaller, *, after: str | None = None, limit: int = 100
    ) -> list[Template]:
        """The newest version of each template, by name (every caller may read them)."""
        async with self._db.snapshot() as tx:
            return await tx.templates.list_latest(after=after, limit=limit)

    async def get(self, caller: SendingCaller, name: str, version: int | None = None) -> Template:
        """One version (None: the newest). Raises: NotFound, InvalidInput (bad name)."""
        async with self._db.snapshot() as tx:
            return await self.load(tx, name, version)

    async def versions(self, caller: SendingCaller, name: str) -> list[Template]:
        """Every version of ``name``, newest first. Raises: NotFound."""
        template_name = parse_template_name(name)
        async with self._db.snapshot() as tx:
            found = await tx.templates.list_versions(template_name)
        if not found:
            raise NotFound(f"There is no template {template_name}.")
        return found

    async def delete(self, caller: SendingCaller, name: str, version: int | None = None) -> int:
        """Delete one version, or (None) every version; returns how many.

        Raises: NotFound, PermissionDenied.
        """
        require_shared_editor(caller, "templates")
        template_name = parse_template_name(name)
        async with self._db.transaction() as tx:
            count = await tx.templates.delete(template_name, version)
            if not count:
                raise NotFound(_missing(template_name, version))
            await self._audit.record(
                tx, caller.actor, "template.delete", template_name, details={"version": version}
            )
        return count

    async def render(
        self,
        caller: SendingCaller,
        name: str,
        variables: Mapping[str, Any],
        version: int | None = None,
    ) -> tuple[Template, RenderedMessage]:
        """Render a template as a message would get it (a text part made from HTML when
        there is none). Raises: NotFound, InvalidInput (a missing variable, a failure)."""
        template = await self.get(caller, name, version)
        return template, with_text_part(self.renderer.render(template, variables))

    async def load(self, tx: Transaction, name: str, version: int | None = None) -> Template:
        """A template inside the caller's transaction. Raises: NotFound, InvalidInput."""
        template_name = parse_template_name(name)
        found = await tx.templates.find(template_name, version)
        if found is None:
            raise NotFound(_missing(template_name, version))
        return found


def _missing(name: str, version: int | None) -> str:
    if version is None:
        return f"There is no template {name}."
    return f"There is no version {version} of the template {name}."
