"""Send keys beyond the world's one, messages to send, and reading back what was queued."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from mailwright.model.actors import Actor
from mailwright.model.api_keys import ApiKeyScope
from mailwright.model.outbound import EventKind
from mailwright.services.container import Services


@dataclass(frozen=True)
class SendKeys:
    """Send-scope keys: ``root`` (global admin, any domain), ``limited`` (global admin, only
    other.test), ``sandbox`` (global admin, sandboxed), ``dom`` (domain admin of
    example.test); ``prefixes`` by the same names."""

    keys: dict[str, str]
    prefixes: dict[str, str]

    def auth(self, name: str, **headers: str) -> dict[str, str]:
        """The Authorization header of the named key, plus ``headers``."""
        return {"Authorization": f"Bearer {self.keys[name]}", **headers}


async def make_send_keys(services: Services, operator: Actor, root_key: str, root: str) -> SendKeys:
    """Create the extra send keys (``root_key``/``root`` are the world's send key)."""
    keys = {"root": root_key}
    prefixes = {"root": root}
    made = {
        "limited": ("root@example.test", {"domains": ["other.test"]}),
        "sandbox": ("root@example.test", {"sandbox": True}),
        "dom": ("dom@example.test", {}),
    }
    for name, (admin, options) in made.items():
        created = await services.api_keys.create(operator, admin, ApiKeyScope.SEND, **options)
        keys[name], prefixes[name] = created.key, created.api_key.prefix
    return SendKeys(keys, prefixes)


def message(**fields: Any) -> dict[str, Any]:
    """A valid message body with ``fields`` replaced."""
    body: dict[str, Any] = {
        "from": "Root <root@example.test>",
        "to": ["bob@remote.test"],
        "subject": "Welcome",
        "text": "Hello Bob",
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


async def queued_bytes(services: Services, message_id: str) -> bytes:
    """The stored bytes of a queued message."""
    async with services.database.snapshot() as tx:
        queued = await tx.outbound.find(message_id)
    assert queued is not None
    return services.blobs.read(queued.blob)


async def parsed(services: Services, message_id: str) -> EmailMessage:
    """The queued message, parsed by the stdlib."""
    data = await queued_bytes(services, message_id)
    parsed_message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed_message, EmailMessage)
    return parsed_message


async def event_kinds(services: Services, message_id: str) -> list[tuple[str, EventKind]]:
    """(recipient, kind) of every event of a message, oldest first."""
    async with services.database.snapshot() as tx:
        found = await tx.delivery.list_events(message_id=message_id, limit=1000)
    return [(e.recipient, e.kind) for e in found]
