"""Mail clients configure themselves: Thunderbird autoconfig and Outlook autodiscover.

- Thunderbird asks ``GET /.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=...`` on
  the mail domain, or ``GET /mail/config-v1.1.xml?emailaddress=...`` on ``autoconfig.<domain>``
  (format: https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat).
- Outlook posts an autodiscover request (Outlook 2006 request schema) to
  ``/autodiscover/autodiscover.xml`` on the mail domain or ``autodiscover.<domain>`` and reads
  the ``responseschema/2006a`` answer ([MS-OXDSCLI]).

Both answer with the platform's IMAP (implicit TLS and STARTTLS) and SMTP submission endpoints
and the full address as the login name, for any address of a hosted domain (mailboxes are not
looked up, so nothing is revealed about them); other domains get a plain 404.

XML is built with ElementTree, never by pasting request text into markup. Autodiscover
requests are untrusted XML: bodies are capped at 16 KiB, and the parser refuses any document
type declaration (the door to entity expansion and external entities).
"""

from __future__ import annotations

from xml.etree import ElementTree
from xml.parsers import expat

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from mailwright.services.client_setup import ClientSettings, Endpoint, Security
from mailwright.services.container import Services

THUNDERBIRD_PATHS = ("/.well-known/autoconfig/mail/config-v1.1.xml", "/mail/config-v1.1.xml")
# Outlook spells the path both ways; HTTP paths are case-sensitive.
AUTODISCOVER_PATHS = ("/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml")
RESPONSE_NS = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
OUTLOOK_NS = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
MAX_REQUEST = 16 * 1024
XML_TYPE = "application/xml; charset=utf-8"
HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "max-age=3600"}
SOCKET_TYPES = {Security.TLS: "SSL", Security.STARTTLS: "STARTTLS"}
# [MS-OXDSCLI] 2.2.4.1.1.2.6: Encryption overrides SSL; "TLS" means STARTTLS.
ENCRYPTION = {Security.TLS: "SSL", Security.STARTTLS: "TLS"}


def _add(parent: ElementTree.Element, tag: str, text: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag)
    element.text = text
    return element


def _xml(root: ElementTree.Element) -> Response:
    body = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type=XML_TYPE, headers=HEADERS)


def thunderbird_config(settings: ClientSettings) -> ElementTree.Element:
    """``clientConfig`` version 1.1 for a hosted domain."""
    root = ElementTree.Element("clientConfig", version="1.1")
    provider = ElementTree.SubElement(root, "emailProvider", id=settings.domain)
    _add(provider, "domain", settings.domain)
    _add(provider, "displayName", f"{settings.domain} mail")
    _add(provider, "displayShortName", settings.domain)
    for endpoint in settings.incoming:
        _thunderbird_server(provider, "incomingServer", "imap", endpoint)
    for endpoint in settings.outgoing:
        _thunderbird_server(provider, "outgoingServer", "smtp", endpoint)
    return root


def _thunderbird_server(
    provider: ElementTree.Element, tag: str, kind: str, endpoint: Endpoint
) -> None:
    server = ElementTree.SubElement(provider, tag, type=kind)
    _add(server, "hostname", endpoint.hostname)
    _add(server, "port", str(endpoint.port))
    _add(server, "socketType", SOCKET_TYPES[endpoint.security])
    _add(server, "authentication", "password-cleartext")
    # Thunderbird substitutes the address the user typed.
    _add(server, "username", "%EMAILADDRESS%")


def autodiscover_response(settings: ClientSettings, address: str) -> ElementTree.Element:
    """The Outlook 2006a ``settings`` answer for ``address``."""
    root = ElementTree.Element("Autodiscover", xmlns=RESPONSE_NS)
    response = ElementTree.SubElement(root, "Response", xmlns=OUTLOOK_NS)
    account = ElementTree.SubElement(response, "Account")
    _add(account, "AccountType", "email")
    _add(account, "Action", "settings")
    # Implicit TLS first: Outlook takes the first protocol of each type it can use.
    for endpoint in (*settings.incoming, *settings.outgoing):
        protocol = ElementTree.SubElement(account, "Protocol")
        _add(protocol, "Type", endpoint.protocol.upper())
        _add(protocol, "Server", endpoint.hostname)
        _add(protocol, "Port", str(endpoint.port))
        _add(protocol, "DomainRequired", "off")
        _add(protocol, "LoginName", address)
        _add(protocol, "SPA", "off")
        _add(protocol, "SSL", "on")
        _add(protocol, "Encryption", ENCRYPTION[endpoint.security])
        _add(protocol, "AuthRequired", "on")
        if endpoint.protocol == "smtp":
            _add(protocol, "UsePOPAuth", "off")
            _add(protocol, "SMTPLast", "off")
    return root


async def read_capped(request: Request, limit: int = MAX_REQUEST) -> bytes | None:
    """The request body, or None when it is longer than ``limit`` (not read any further)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


class _Refused(Exception):
    """The request declares a document type or entities."""


def _refuse(*_: object) -> None:
    raise _Refused


def requested_address(body: bytes) -> str | None:
    """The ``EMailAddress`` of an autodiscover request, or None when the body is not one.

    Parsed by expat directly with a handler that refuses any document type declaration, so no
    entity is ever defined, expanded (billion laughs) or fetched (XXE), whatever the encoding
    the document declares.
    """
    if len(body) > MAX_REQUEST:
        return None
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    text: list[str] = []
    found: list[str] = []
    inside = False

    def start(name: str, _attributes: dict[str, str]) -> None:
        nonlocal inside
        # Namespaces vary between clients (and some send none): match the local name.
        inside = name.rpartition("}")[2] == "EMailAddress"
        text.clear()

    def end(_name: str) -> None:
        nonlocal inside
        if inside:
            found.append("".join(text).strip())
        inside = False

    def characters(data: str) -> None:
        if inside:
            text.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        parser.Parse(body, True)
    except (expat.ExpatError, _Refused):
        return None
    return next((address for address in found if address), None)


def not_hosted(what: str) -> Response:
    """The clean 404 for a domain not hosted here."""
    return PlainTextResponse(f"No mail domain is hosted here for {what}.\n", status_code=404)


def domain_from_host(request: Request) -> str:
    """The mail domain a client names by asking ``autoconfig.<domain>`` (or the domain)."""
    host = request.headers.get("host", "").rpartition(":")[0] or request.headers.get("host", "")
    return host.removeprefix("autoconfig.")


def autoconfig_router(services: Services) -> APIRouter:
    """The autoconfiguration routes."""
    router = APIRouter(include_in_schema=False)

    async def thunderbird(request: Request, emailaddress: str = "") -> Response:
        wanted = emailaddress.strip() or domain_from_host(request)
        found = await services.client_setup.find(wanted)
        if found is None:
            return not_hosted("that address")
        return _xml(thunderbird_config(found))

    async def outlook(request: Request) -> Response:
        body = await read_capped(request)
        address = requested_address(body) if body is not None else None
        if address is None:
            return PlainTextResponse("Expected an Outlook autodiscover request.\n", 400)
        found = await services.client_setup.find(address)
        if found is None or found.address is None:
            return not_hosted("that address")
        return _xml(autodiscover_response(found, found.address))

    for path in THUNDERBIRD_PATHS:
        router.add_api_route(path, thunderbird, methods=["GET"])
    for path in AUTODISCOVER_PATHS:
        router.add_api_route(path, outlook, methods=["POST"])
    return router
