"""Where a domain's mail goes: a configured route, the smarthost, or its MX records
(RFC 5321 5.1: MX by preference, else the domain's own address; RFC 7505 null MX)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import dns.asyncresolver
import dns.exception
import dns.rdatatype
import dns.resolver

SMTP_PORT = 25


@dataclass(frozen=True)
class Destination:
    """The hosts to try in order, or why there are none.

    ``permanent`` errors (no such domain, null MX) bounce at once; others defer.
    """

    hosts: list[tuple[str, int]] = field(default_factory=list)
    credentials: tuple[str, str] | None = None
    error: str = ""
    permanent: bool = False


def parse_host_port(text: str, default_port: int = SMTP_PORT) -> tuple[str, int]:
    """``host:port``, ``[v6]:port`` or ``host`` -> (host, port)."""
    text = text.strip()
    if text.count(":") > 1 and not text.startswith("["):
        return text, default_port  # a bare IPv6 address
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        return host, int(rest.lstrip(":") or default_port)
    host, sep, port = text.rpartition(":")
    if sep and port.isdigit() and host:
        return host, int(port)
    return text, default_port


def make_resolver(nameserver: str, timeout: float = 10.0) -> dns.asyncresolver.Resolver:
    """A resolver asking only ``host[:port]`` (an IP address), or the system's resolvers when
    ``nameserver`` is empty; each lookup gives up after ``timeout`` seconds."""
    if nameserver:
        host, port = parse_host_port(nameserver, default_port=53)
        resolver = dns.asyncresolver.Resolver(configure=False)
        resolver.nameservers = [host]
        resolver.port = port
    else:
        resolver = dns.asyncresolver.Resolver()
    resolver.lifetime = timeout
    return resolver


class Router:
    """Resolves destinations; routes and the smarthost win over DNS."""

    def __init__(
        self,
        *,
        routes: dict[str, str],
        smarthost: str = "",
        credentials: tuple[str, str] | None = None,
        resolver: dns.asyncresolver.Resolver | None = None,
    ) -> None:
        self._routes = {k.lower().rstrip("."): v for k, v in routes.items()}
        self._smarthost = smarthost
        self._credentials = credentials
        self._resolver = resolver

    async def route(self, domain: str) -> Destination:
        """Where mail for ``domain`` goes now."""
        name = domain.lower().rstrip(".")
        if name in self._routes:
            return Destination([parse_host_port(self._routes[name])])
        if self._smarthost:
            return Destination([parse_host_port(self._smarthost)], self._credentials)
        return await self._mx(name)

    async def _mx(self, domain: str) -> Destination:
        resolver = self._resolver or dns.asyncresolver.get_default_resolver()
        try:
            answer = await resolver.resolve(domain, dns.rdatatype.MX)
        except dns.resolver.NXDOMAIN:
            return Destination(error=f"The domain {domain} does not exist.", permanent=True)
        except dns.resolver.NoAnswer:
            return await self._implicit(domain, resolver)
        except (dns.exception.Timeout, dns.resolver.NoNameservers, OSError) as error:
            return Destination(error=f"DNS lookup of {domain} failed: {error}")
        records = sorted(answer, key=lambda r: r.preference)
        if len(records) == 1 and str(records[0].exchange) == ".":
            return Destination(
                error=f"The domain {domain} accepts no mail (null MX, RFC 7505).", permanent=True
            )
        hosts = [(str(r.exchange).rstrip("."), SMTP_PORT) for r in records]
        return Destination(hosts)

    async def _implicit(self, domain: str, resolver: dns.asyncresolver.Resolver) -> Destination:
        for kind in (dns.rdatatype.A, dns.rdatatype.AAAA):
            with contextlib.suppress(dns.exception.DNSException):
                if await resolver.resolve(domain, kind):
                    return Destination([(domain, SMTP_PORT)])
        return Destination(
            error=f"The domain {domain} has no MX or address records.", permanent=True
        )
