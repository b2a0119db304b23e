"""Field types shared by the request schemas.

The services parse and normalise every value; these types only bound sizes and keep out
characters no field may hold (control characters would end up in the audit log, and
PostgreSQL refuses NUL in text), so such input is a 422, never a database error.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

# RFC 5321 4.5.3.1.3 allows 256 octets for a path; the columns hold 320 characters.
MAX_ADDRESS = 320
MAX_PASSWORD = 1024
_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"


def _no_surrogates(value: str) -> str:
    # JSON may carry lone surrogates (\ud800), which no encoder downstream accepts.
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise ValueError("must be valid Unicode text")
    return value


AddressText = Annotated[
    str,
    Field(min_length=1, max_length=MAX_ADDRESS, pattern=_PRINTABLE, examples=["alice@example.org"]),
    AfterValidator(_no_surrogates),
]
"""An email address as given (the services normalise it)."""

DomainText = Annotated[
    str,
    Field(min_length=1, max_length=253, pattern=_PRINTABLE, examples=["example.org"]),
    AfterValidator(_no_surrogates),
]
"""A mail domain name as given."""

PlainText = Annotated[str, Field(pattern=_PRINTABLE), AfterValidator(_no_surrogates)]
"""Printable text (bound its length with ``max_length`` where used)."""

PasswordText = Annotated[
    str,
    Field(min_length=1, max_length=MAX_PASSWORD, json_schema_extra={"writeOnly": True}),
    AfterValidator(_no_surrogates),
]
"""A password: any characters (the policy judges it); the length bound only stops huge bodies
from reaching the hasher."""

ByteCount = Annotated[int, Field(ge=0, le=2**63 - 1)]
"""A size in bytes (fits the 64-bit columns)."""
