"""Server-rendered pages: the Jinja2 environment, filters, and the error pages.

Templates live in ``web/templates/admin`` (the account portal's in ``web/templates/account``,
which use the admin center's macros); autoescaping is on for every template and undefined
names are errors, so a typo fails a test instead of rendering an empty string.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from mailwright.model.errors import InvalidInput

ADMIN = "/admin"


def mailbox_url(address: str, suffix: str = "") -> str:
    """The admin center page of a mailbox (``@`` kept readable in the path)."""
    return f"{ADMIN}/mailboxes/{quote(address, safe='@')}{suffix}"


def domain_url(name: str, suffix: str = "") -> str:
    """The admin center page of a domain."""
    return f"{ADMIN}/domains/{quote(name, safe='')}{suffix}"


def admin_url(address: str, suffix: str = "") -> str:
    """The admin center page of an admin grant."""
    return f"{ADMIN}/admins/{quote(address, safe='@')}{suffix}"


def with_query(path: str, **params: str | None) -> str:
    """``path`` with the non-empty ``params`` as its query string."""
    kept = {k: v for k, v in params.items() if v}
    return f"{path}?{urlencode(kept)}" if kept else path


def format_time(value: datetime | None) -> str:
    """A timestamp as people read it (UTC, to the minute); "never" for None."""
    if value is None:
        return "never"
    return value.strftime("%Y-%m-%d %H:%M UTC")


def format_size(value: int | None) -> str:
    """Bytes in binary units; "unlimited" for None."""
    if value is None:
        return "unlimited"
    size = float(value)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"


@dataclass
class FormErrors:
    """Problems of a submitted form: by field, and those no field on the page shows."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    @classmethod
    def from_error(cls, error: InvalidInput, known: set[str]) -> FormErrors:
        """Sort an ``InvalidInput``'s problems onto the form's fields."""
        errors = cls()
        for problem in error.problems:
            if problem.field in known:
                errors.fields.setdefault(problem.field, []).append(problem.message)
            else:
                errors.general.append(problem.message)
        if not error.problems:
            errors.general.append(error.message)
        return errors

    @classmethod
    def message(cls, text: str) -> FormErrors:
        """A single error not tied to a field."""
        return cls(general=[text])

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)


class Renderer:
    """Renders the templates of one folder (``admin`` or ``account``) into HTML responses."""

    def __init__(self, folder: str = "admin") -> None:
        self.folder = folder
        self.env = Environment(
            loader=PackageLoader("mailwright.web", "templates"),
            autoescape=select_autoescape(default=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["when"] = format_time
        self.env.filters["size"] = format_size
        self.env.globals.update(
            mailbox_url=mailbox_url,
            domain_url=domain_url,
            admin_url=admin_url,
            with_query=with_query,
            no_errors=FormErrors(),
        )

    def page(
        self,
        request: Request,
        template: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
    ) -> HTMLResponse:
        """Render ``<folder>/<template>`` with the signed-in admin's (or owner's) context."""
        values: dict[str, Any] = {
            "who": getattr(request.state, "who", None),
            "csrf_token": getattr(request.state, "csrf_token", ""),
            "section": "",
            "errors": FormErrors(),
        }
        values.update(context or {})
        html = self.env.get_template(f"{self.folder}/{template}").render(values)
        return HTMLResponse(html, status_code=status_code)

    def error(self, request: Request, status_code: int, title: str, message: str) -> HTMLResponse:
        """The page for a refused or failed request."""
        return self.page(
            request, "error.html", {"title": title, "message": message}, status_code=status_code
        )
