"""Thunderbird autoconfig and Outlook autodiscover: parsed and checked against what the clients
read, for hosted domains only, and safe against hostile XML."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest

from mailwright.bootstrap import open_services, prepare_data_dir
from mailwright.model.actors import Actor
from mailwright.testing.clock import FakeClock
from mailwright.web.app import create_app
from tests.conftest import make_settings

RESPONSE_NS = "{http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006}"
OUTLOOK_NS = "{http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a}"
REQUEST = """<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>{address}</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>"""
# Ports as an installation would configure them (the tests' usual settings use port 0).
PORTS = {"imap": 993, "imaps": 1993, "submission": 587, "submissions": 465}


@pytest.fixture
async def http(
    tmp_path: Path, database_url: str, clock: FakeClock, operator: Actor
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an application whose settings name real ports, hosting example.test."""
    settings = make_settings(
        tmp_path / "data",
        database_url,
        imap={"port": PORTS["imap"], "imaps_port": PORTS["imaps"]},
        smtp={
            "inbound_port": 0,
            "submission_port": PORTS["submission"],
            "submissions_port": PORTS["submissions"],
        },
    )
    prepare_data_dir(settings, hostname="mail.example.test")
    async with open_services(settings, clock=clock) as services:
        await services.domains.add(operator, "example.test")
        transport = httpx.ASGITransport(app=create_app(services, settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://example.test") as c:
            yield c


def parse_xml(content: bytes) -> ElementTree.Element:
    """Parse one of our own answers (trusted input)."""
    return ElementTree.fromstring(content)  # noqa: S314 (our own answer, not a client's)


def servers(provider: ElementTree.Element, tag: str) -> list[dict[str, str]]:
    """The servers of one kind in a Thunderbird config, as {child: text}, type included."""
    found = []
    for server in provider.findall(tag):
        entry = {child.tag: child.text or "" for child in server}
        entry["type"] = server.get("type", "")
        found.append(entry)
    return found


@pytest.mark.parametrize(
    "path",
    ["/.well-known/autoconfig/mail/config-v1.1.xml", "/mail/config-v1.1.xml"],
)
async def test_thunderbird_config_lists_imap_and_submission(
    http: httpx.AsyncClient, path: str
) -> None:
    """The config names the domain, IMAP on the implicit-TLS (SSL) and STARTTLS ports and
    SMTP submission likewise, each with %EMAILADDRESS% and a normal password."""
    response = await http.get(path, params={"emailaddress": "anyone@example.test"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    root = parse_xml(response.content)
    assert (root.tag, root.get("version")) == ("clientConfig", "1.1")
    provider = root.find("emailProvider")
    assert provider is not None and provider.get("id") == "example.test"
    assert [d.text for d in provider.findall("domain")] == ["example.test"]
    assert provider.findtext("displayName")
    incoming = servers(provider, "incomingServer")
    outgoing = servers(provider, "outgoingServer")
    assert [(s["type"], s["port"], s["socketType"]) for s in incoming] == [
        ("imap", str(PORTS["imaps"]), "SSL"),
        ("imap", str(PORTS["imap"]), "STARTTLS"),
    ]
    assert [(s["type"], s["port"], s["socketType"]) for s in outgoing] == [
        ("smtp", str(PORTS["submissions"]), "SSL"),
        ("smtp", str(PORTS["submission"]), "STARTTLS"),
    ]
    for server in incoming + outgoing:
        assert server["hostname"] == "mail.example.test"
        assert server["username"] == "%EMAILADDRESS%"
        assert server["authentication"] == "password-cleartext"


async def test_thunderbird_config_from_the_autoconfig_host(http: httpx.AsyncClient) -> None:
    """Without emailaddress, the domain comes from the autoconfig.<domain> host name."""
    response = await http.get(
        "/mail/config-v1.1.xml", headers={"Host": "autoconfig.example.test:8080"}
    )
    assert response.status_code == 200
    provider = parse_xml(response.content).find("emailProvider")
    assert provider is not None and provider.get("id") == "example.test"


async def test_unknown_domains_get_a_clean_404(http: httpx.AsyncClient) -> None:
    """Domains not hosted here, and text that is no address, get a plain 404."""
    for address in ("someone@elsewhere.test", "nonsense", ""):
        response = await http.get(
            "/.well-known/autoconfig/mail/config-v1.1.xml",
            params={"emailaddress": address},
            headers={"Host": "mail.example.test"},
        )
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/plain")
    outlook = await http.post(
        "/autodiscover/autodiscover.xml", content=REQUEST.format(address="a@elsewhere.test")
    )
    assert outlook.status_code == 404


@pytest.mark.parametrize(
    "path", ["/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml"]
)
async def test_outlook_autodiscover_answers_the_2006a_settings(
    http: httpx.AsyncClient, path: str
) -> None:
    """The answer is an Outlook 2006a "settings" account with IMAP and SMTP protocols, SSL on,
    the encryption of each port, and the full address as the login name."""
    response = await http.post(path, content=REQUEST.format(address="Anyone@Example.test"))
    assert response.status_code == 200
    root = parse_xml(response.content)
    assert root.tag == f"{RESPONSE_NS}Autodiscover"
    account = root.find(f"{OUTLOOK_NS}Response/{OUTLOOK_NS}Account")
    assert account is not None
    assert account.findtext(f"{OUTLOOK_NS}AccountType") == "email"
    assert account.findtext(f"{OUTLOOK_NS}Action") == "settings"
    protocols = [
        {child.tag.removeprefix(OUTLOOK_NS): child.text for child in protocol}
        for protocol in account.findall(f"{OUTLOOK_NS}Protocol")
    ]
    assert [(p["Type"], p["Port"], p["Encryption"]) for p in protocols] == [
        ("IMAP", str(PORTS["imaps"]), "SSL"),
        ("IMAP", str(PORTS["imap"]), "TLS"),
        ("SMTP", str(PORTS["submissions"]), "SSL"),
        ("SMTP", str(PORTS["submission"]), "TLS"),
    ]
    for protocol in protocols:
        assert protocol["Server"] == "mail.example.test"
        assert protocol["LoginName"] == "anyone@example.test"
        assert (protocol["SSL"], protocol["AuthRequired"], protocol["SPA"]) == ("on", "on", "off")


async def test_autodiscover_refuses_hostile_or_malformed_xml(http: httpx.AsyncClient) -> None:
    """Document type declarations (entity expansion, external entities), bodies over 16 KiB
    and non-XML are refused with 400 before anything is looked up."""
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<Autodiscover><Request><EMailAddress>&b;@example.test</EMailAddress></Request>"
        "</Autodiscover>"
    )
    external = (
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<Autodiscover><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>"
    )
    utf16 = REQUEST.replace("utf-8", "utf-16").replace(
        "<Autodiscover", '<!DOCTYPE a [<!ENTITY x "y">]><Autodiscover', 1
    )
    bodies = [
        laughs.encode(),
        external.encode(),
        utf16.encode("utf-16"),
        b"not xml",
        REQUEST.format(address="a@example.test").encode() + b" " * 20_000,
    ]
    for body in bodies:
        response = await http.post("/autodiscover/autodiscover.xml", content=body)
        assert response.status_code == 400, body[:60]
        assert b"passwd" not in response.content


async def test_xml_is_built_not_pasted(http: httpx.AsyncClient) -> None:
    """Markup in the requested address cannot reach the answer's structure."""
    hostile = "<x>&lt;/LoginName&gt;@example.test"
    body = REQUEST.replace("{address}", "&lt;/LoginName&gt;&lt;Evil/&gt;@example.test")
    response = await http.post("/autodiscover/autodiscover.xml", content=body)
    assert response.status_code == 404
    thunderbird = await http.get(
        "/mail/config-v1.1.xml", params={"emailaddress": hostile}, headers={"Host": "x.test"}
    )
    assert thunderbird.status_code == 404
    assert b"<Evil" not in response.content and b"<x>" not in thunderbird.content
