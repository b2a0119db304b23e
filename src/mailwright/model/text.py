"""Free text from people (reasons, names, search terms): rules shared by every front end."""

from __future__ import annotations

from mailwright.model.errors import InvalidInput


def parse_line(value: str, field: str, *, max_length: int) -> str:
    """One line of text with runs of whitespace folded to single spaces.

    Raises:
        InvalidInput: it contains control characters (NUL and friends, which PostgreSQL and
            mail headers refuse) or is longer than ``max_length``.
    """
    if any((ord(c) < 32 and c not in "\t\r\n") or ord(c) == 127 for c in value):
        raise InvalidInput.for_field(
            field, f"The {field.replace('_', ' ')} contains control characters."
        )
    line = " ".join(value.split())
    if len(line) > max_length:
        raise InvalidInput.for_field(
            field, f"The {field.replace('_', ' ')} is longer than {max_length} characters."
        )
    return line
