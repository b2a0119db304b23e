"""The world every API test starts from, and how a problem document must look."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from mailwright.model.actors import Actor
from mailwright.model.admins import Role
from mailwright.model.api_keys import ApiKeyScope
from mailwright.services.container import Services
from tests.values import STRONG

PROBLEM_TYPE = "https://mailwright.dev/problems/"

# name -> (address, role, scope)
ADMINS = {
    "root": ("root@example.test", Role.GLOBAL_ADMIN, []),
    "dom": ("dom@example.test", Role.DOMAIN_ADMIN, ["example.test"]),
    "help": ("help@example.test", Role.HELPDESK, ["example.test"]),
    "dom2": ("dom2@other.test", Role.DOMAIN_ADMIN, ["other.test"]),
}
ORDINARY = ["alice@example.test", "bob@other.test"]

# Every (path, method) of the REST API, relative to /api/v1.
OPERATIONS = {
    ("/domains", "get"),
    ("/domains", "post"),
    ("/domains/{name}", "get"),
    ("/domains/{name}", "patch"),
    ("/domains/{name}", "delete"),
    ("/mailboxes", "get"),
    ("/mailboxes", "post"),
    ("/mailboxes/{address}", "get"),
    ("/mailboxes/{address}", "patch"),
    ("/mailboxes/{address}", "delete"),
    ("/mailboxes/{address}/password", "post"),
    ("/mailboxes/{address}/password/verify", "post"),
    ("/aliases", "get"),
    ("/aliases", "post"),
    ("/aliases/{source}", "get"),
    ("/aliases/{source}", "delete"),
    ("/admins", "get"),
    ("/admins", "post"),
    ("/admins/{address}", "get"),
    ("/admins/{address}", "delete"),
    ("/api-keys", "get"),
    ("/api-keys", "post"),
    ("/api-keys/{prefix}", "get"),
    ("/api-keys/{prefix}", "delete"),
    ("/audit-events", "get"),
    ("/events", "get"),
    ("/webhooks", "get"),
    ("/webhooks", "post"),
    ("/webhooks/{webhook_id}", "get"),
    ("/webhooks/{webhook_id}", "patch"),
    ("/webhooks/{webhook_id}", "delete"),
    ("/webhooks/{webhook_id}/deliveries", "get"),
    ("/webhooks/{webhook_id}/test", "post"),
    ("/usage", "get"),
    ("/messages", "get"),
    ("/messages", "post"),
    ("/messages/batch", "post"),
    ("/messages/{message_id}", "get"),
    ("/templates", "get"),
    ("/templates", "post"),
    ("/templates/{name}", "get"),
    ("/templates/{name}", "delete"),
    ("/templates/{name}/render", "post"),
    ("/suppressions", "get"),
    ("/suppressions", "post"),
    ("/suppressions/export", "get"),
    ("/suppressions/{address}", "get"),
    ("/suppressions/{address}", "delete"),
}


@dataclass(frozen=True)
class World:
    """Two domains, two ordinary mailboxes, one admin of each role, and keys.

    ``keys`` maps ``root``, ``dom``, ``help``, ``dom2`` to admin-scope keys of those admins,
    and ``send`` to a send-scope key of ``root``; ``prefixes`` maps the same names to prefixes.
    """

    keys: dict[str, str]
    prefixes: dict[str, str]

    def auth(self, name: str) -> dict[str, str]:
        """The Authorization header of the named key."""
        return {"Authorization": f"Bearer {self.keys[name]}"}


async def build_world(services: Services, operator: Actor) -> World:
    """Create the world (see ``World``) through the services, as the operator."""
    await services.domains.add(operator, "example.test")
    await services.domains.add(operator, "other.test")
    for address in [*ORDINARY, *(a for a, _, _ in ADMINS.values())]:
        await services.mailboxes.create(operator, address, STRONG)
    keys: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    for name, (address, role, domains) in ADMINS.items():
        await services.admins.add(operator, address, role, domains)
        created = await services.api_keys.create(operator, address, ApiKeyScope.ADMIN, name=name)
        keys[name], prefixes[name] = created.key, created.api_key.prefix
    send = await services.api_keys.create(operator, "root@example.test", ApiKeyScope.SEND)
    keys["send"], prefixes["send"] = send.key, send.api_key.prefix
    return World(keys, prefixes)


def assert_problem(response: httpx.Response, status: int, kind: str) -> dict[str, object]:
    """Check that ``response`` is an RFC 9457 problem of ``kind``; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    assert body["type"] == PROBLEM_TYPE + kind
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert "Traceback" not in response.text
    return body


def field_errors(body: dict[str, object]) -> dict[str, str]:
    """The problem's per-field errors as ``{field: message}``."""
    errors = body["errors"]
    assert isinstance(errors, list)
    return {e["field"]: e["message"] for e in errors}
