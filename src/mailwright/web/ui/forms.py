"""Reading submitted forms: text fields, checkboxes, numbers and sizes, with problems named by
the same field names the services use, so errors land next to the right input."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from starlette.datastructures import FormData
from starlette.requests import Request

from mailwright.model.errors import InvalidInput

MIB = 1024 * 1024
MAX_TEXT = 4096


async def read_form(request: Request) -> FormData:
    """The submitted form (parsed once per request; the guard has read it already)."""
    return await request.form()


def text(form: FormData, name: str) -> str:
    """A text field's value ('' when missing or a file), bounded in length."""
    value = form.get(name)
    return value[:MAX_TEXT] if isinstance(value, str) else ""


def page_within(target: str, section: str, default: str) -> str:
    """A "next page" field's value when it names a page under ``section`` (e.g. ``/admin``),
    else ``default``: no open redirect to another site or section."""
    if target.startswith(f"{section}/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def checked(form: FormData, name: str) -> bool:
    """True when the checkbox was ticked."""
    return isinstance(form.get(name), str)


def optional_int(value: str, field: str, label: str) -> int | None:
    """A whole number, or None for an empty field. Raises: InvalidInput naming ``field``."""
    value = value.strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInput.for_field(field, f"{label} must be a whole number.") from None


def optional_mib(value: str, field: str) -> int | None:
    """A size typed in MiB (decimals allowed) as bytes, or None for an empty field.

    Raises:
        InvalidInput: not a number, or negative.
    """
    value = value.strip().replace(",", ".")
    if not value:
        return None
    try:
        mib = float(value)
    except ValueError:
        raise InvalidInput.for_field(field, "Give the size in MiB, e.g. 500 or 2048.") from None
    if mib < 0 or mib != mib or mib > 2**40:
        raise InvalidInput.for_field(field, "The size cannot be negative.")
    return int(mib * MIB)


def mib_value(size: int | None) -> str:
    """Bytes as the MiB text an edit form shows ('' for unlimited)."""
    if size is None:
        return ""
    mib = size / MIB
    return f"{mib:.0f}" if mib == int(mib) else f"{mib:.2f}"


def address_list(value: str) -> list[str]:
    """Addresses separated by commas, spaces or new lines."""
    return [part for part in value.replace(",", " ").split() if part]


def optional_day(value: str, field: str, *, end: bool = False) -> datetime | None:
    """A ``YYYY-MM-DD`` day as the UTC moment it starts (or, with ``end``, the next day
    starts, so a range includes its last day). Raises: InvalidInput."""
    value = value.strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput.for_field(field, "Give a date like 2026-01-31.") from None
    moment = datetime.combine(day, time(0, 0), tzinfo=UTC)
    return moment + timedelta(days=1) if end else moment
