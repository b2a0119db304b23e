"""Destination lookup: routes, smarthost, MX with a real DNS exchange on loopback."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import dns.asyncresolver
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from mailwright.delivery.routes import Router, make_resolver, parse_host_port

ZONE = {
    ("mx.test", dns.rdatatype.MX): ["20 mail2.mx.test.", "10 mail1.mx.test."],
    ("nullmx.test", dns.rdatatype.MX): ["0 ."],
    ("nomx.test", dns.rdatatype.A): ["127.0.0.9"],
}
KNOWN = {"mx.test", "nullmx.test", "nomx.test"}


@pytest.fixture
def nameserver() -> Iterator[int]:
    """A tiny authoritative DNS server on 127.0.0.1 answering from ZONE."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(data)
            question = query.question[0]
            name = question.name.to_text().rstrip(".")
            response = dns.message.make_response(query)
            records = ZONE.get((name, question.rdtype))
            if records:
                response.answer.append(
                    dns.rrset.from_text_list(question.name, 60, "IN", question.rdtype, records)
                )
            elif name not in KNOWN:
                response.set_rcode(dns.rcode.NXDOMAIN)
            sock.sendto(response.to_wire(), peer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(sock.getsockname()[1])
    stop.set()
    thread.join(2)
    sock.close()


def resolver(port: int) -> dns.asyncresolver.Resolver:
    r = dns.asyncresolver.Resolver(configure=False)
    r.nameservers = ["127.0.0.1"]
    r.port = port
    r.lifetime = 2
    return r


async def test_mx_records_by_preference(nameserver: int) -> None:
    """MX hosts are tried in preference order, on port 25."""
    destination = await Router(routes={}, resolver=resolver(nameserver)).route("MX.test")
    assert destination.hosts == [("mail1.mx.test", 25), ("mail2.mx.test", 25)]


async def test_null_mx_and_nxdomain_are_permanent(nameserver: int) -> None:
    """A null MX (RFC 7505) and a domain that does not exist bounce at once."""
    router = Router(routes={}, resolver=resolver(nameserver))
    null = await router.route("nullmx.test")
    missing = await router.route("nowhere.test")
    assert null.permanent and "null MX" in null.error
    assert missing.permanent and "does not exist" in missing.error


async def test_implicit_mx_falls_back_to_address(nameserver: int) -> None:
    """Without MX records the domain's own A record is used (RFC 5321 5.1)."""
    destination = await Router(routes={}, resolver=resolver(nameserver)).route("nomx.test")
    assert destination.hosts == [("nomx.test", 25)]


async def test_routes_and_smarthost_win_over_dns() -> None:
    """A configured route beats the smarthost, which beats DNS."""
    router = Router(
        routes={"example.net": "127.0.0.1:2525"}, smarthost="relay.test:587", credentials=("u", "p")
    )
    assert (await router.route("EXAMPLE.net")).hosts == [("127.0.0.1", 2525)]
    relayed = await router.route("other.test")
    assert relayed.hosts == [("relay.test", 587)] and relayed.credentials == ("u", "p")


def test_parse_host_port() -> None:
    """host, host:port and [v6]:port forms."""
    assert parse_host_port("mx.test") == ("mx.test", 25)
    assert parse_host_port("mx.test:2525") == ("mx.test", 2525)
    assert parse_host_port("[::1]:26") == ("::1", 26)


def test_configured_nameserver_is_the_only_one_asked() -> None:
    """``delivery.nameserver`` replaces the system's resolvers; empty keeps them."""
    configured = make_resolver("127.0.0.1:5353", 3)
    assert (configured.nameservers, configured.port, configured.lifetime) == (
        ["127.0.0.1"],
        5353,
        3,
    )
    assert make_resolver("::1").port == 53
    assert make_resolver("[::1]:5353").nameservers == ["::1"]


async def test_unanswered_lookup_is_a_temporary_failure() -> None:
    """A nameserver port where nobody answers (the tests' setting) fails the lookup
    temporarily, so the mail is deferred, not bounced."""
    destination = await Router(routes={}, resolver=make_resolver("127.0.0.1:9", 0.2)).route(
        "x.test"
    )
    assert destination.hosts == [] and not destination.permanent
    assert destination.error is not None and destination.error.startswith("DNS lookup")
