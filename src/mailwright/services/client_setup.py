"""How mail clients reach the platform: the IMAP and SMTP submission endpoints, for the account
portal's "Mail client settings" and for autoconfiguration (Thunderbird autoconfig, Outlook
autodiscover).

Answers are given for any address of a hosted domain without looking the mailbox up, so
autoconfiguration tells nobody which mailboxes exist (which domains are hosted is public
anyway, in DNS).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mailwright.model.addresses import find_address, parse_domain
from mailwright.model.errors import InvalidInput
from mailwright.model.interfaces import Database


class Security(StrEnum):
    """How a connection is protected."""

    TLS = "tls"
    """Implicit TLS: TLS from the first byte (IMAPS, submissions; RFC 8314)."""
    STARTTLS = "starttls"
    """Plain connection upgraded by STARTTLS before any password is sent."""


@dataclass(frozen=True)
class Endpoint:
    """One way in: protocol, host, port and protection. Passwords are sent in clear text
    inside TLS (PLAIN/LOGIN)."""

    protocol: str
    hostname: str
    port: int
    security: Security


@dataclass(frozen=True)
class ClientSettings:
    """Everything a mail client needs for the mailbox ``address`` (or a whole domain); the
    login name is always the full address."""

    domain: str
    address: str | None
    incoming: tuple[Endpoint, ...]
    outgoing: tuple[Endpoint, ...]


class ClientSetup:
    """Client settings from the platform's configuration, for hosted domains only."""

    def __init__(
        self,
        database: Database,
        *,
        hostname: str,
        imap_port: int,
        imaps_port: int,
        submission_port: int,
        submissions_port: int,
    ) -> None:
        self._db = database
        # Implicit TLS first: RFC 8314 3 recommends it over STARTTLS for mail submission
        # and access; clients try the endpoints in this order.
        self._incoming = (
            Endpoint("imap", hostname, imaps_port, Security.TLS),
            Endpoint("imap", hostname, imap_port, Security.STARTTLS),
        )
        self._outgoing = (
            Endpoint("smtp", hostname, submissions_port, Security.TLS),
            Endpoint("smtp", hostname, submission_port, Security.STARTTLS),
        )

    def settings_for(self, domain: str, address: str | None = None) -> ClientSettings:
        """The settings for ``domain`` (not checked to be hosted)."""
        return ClientSettings(domain, address, self._incoming, self._outgoing)

    async def find(self, text: str) -> ClientSettings | None:
        """Settings for an address or a domain name, or None when its domain is not hosted
        here (or the text is neither)."""
        parsed = find_address(text)
        if parsed is not None:
            domain, address = parsed.domain, str(parsed)
        else:
            try:
                domain, address = parse_domain(text), None
            except InvalidInput:
                return None
        async with self._db.read() as tx:
            hosted = await tx.domains.find_by_name(domain)
        return None if hosted is None else self.settings_for(domain, address)
