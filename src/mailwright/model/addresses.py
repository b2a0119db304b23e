"""Email addresses and mail domain names: parsing and normalisation.

Mailwright stores every domain in lower-case ASCII (IDNA A-labels) and every local part in lower
case, so ``Alice@Example.TEST`` and ``alice@example.test`` are one mailbox (RFC 5321 2.4 allows
case-sensitive local parts; every mainstream server folds them, and users expect it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from mailwright.model.errors import InvalidInput

# RFC 5321 4.5.3.1: 64 octets of local part, 255 of domain, 254 of path in practice (RFC 3696
# errata 1690).
MAX_LOCAL_PART = 64
MAX_DOMAIN = 253
MAX_ADDRESS = 254

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# RFC 5322 3.2.3 atext plus dots between atoms; UTF-8 allowed for SMTPUTF8 (RFC 6531).
_LOCAL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\U0010ffff]+"
    r"(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\U0010ffff]+)*$"
)


def parse_domain(text: str, field: str = "domain") -> str:
    """Return the normalised (lower-case, ASCII) form of a mail domain name.

    Raises:
        InvalidInput: the text is not a valid domain name.
    """
    name = text.strip().rstrip(".").lower()
    if not name:
        raise InvalidInput.for_field(field, "A domain name is required.")
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidInput.for_field(field, f"'{text}' is not a valid domain name.") from None
    labels = ascii_name.split(".")
    if len(ascii_name) > MAX_DOMAIN or len(labels) < 2 or not all(_LABEL.match(x) for x in labels):
        raise InvalidInput.for_field(
            field, f"'{text}' is not a valid domain name (expected something like example.org)."
        )
    if labels[-1].isdigit():
        raise InvalidInput.for_field(field, f"'{text}' is not a domain name.")
    return ascii_name


@dataclass(frozen=True, order=True)
class Address:
    """A normalised mailbox address ``local@domain``."""

    local: str
    domain: str

    def __str__(self) -> str:
        return f"{self.local}@{self.domain}"


def parse_address(text: str, field: str = "address") -> Address:
    """Parse and normalise ``local@domain``.

    Raises:
        InvalidInput: the text is not a valid address.
    """
    raw = text.strip()
    local, sep, domain = raw.rpartition("@")
    if not sep or not local:
        raise InvalidInput.for_field(
            field, f"'{text}' is not an email address (expected name@domain)."
        )
    if len(local.encode()) > MAX_LOCAL_PART:
        raise InvalidInput.for_field(
            field, f"The part before @ in '{text}' is longer than 64 octets."
        )
    if not _LOCAL.match(local):
        raise InvalidInput.for_field(
            field, f"'{text}' contains characters not allowed in an address."
        )
    address = Address(local.lower(), parse_domain(domain, field))
    if len(str(address).encode()) > MAX_ADDRESS:
        raise InvalidInput.for_field(field, f"'{text}' is longer than 254 octets.")
    return address


@lru_cache(maxsize=4096)
def find_address(text: str) -> Address | None:
    """Return the parsed address, or None when the text is not one (remembered: a mail server
    parses the same few addresses at RCPT, in routing and in headers again and again)."""
    try:
        return parse_address(text)
    except InvalidInput:
        return None
