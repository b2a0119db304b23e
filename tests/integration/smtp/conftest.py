"""A running platform with a domain, mailboxes and aliases for SMTP tests."""

from __future__ import annotations

import ssl

import pytest

from mailwright.model.actors import Actor
from mailwright.model.mailstore import INBOX
from mailwright.services.mailboxes import MailboxChanges
from mailwright.testing.live import LivePlatform
from tests.values import STRONG


@pytest.fixture
def mail(live: LivePlatform) -> LivePlatform:
    """example.test with alice, bob, a disabled mailbox, a tiny-quota one, and aliases."""
    operator = Actor.operator("tester")
    s = live.services

    async def setup() -> None:
        await s.domains.add(operator, "example.test")
        for name in ("alice", "bob", "off", "tiny"):
            await s.mailboxes.create(operator, f"{name}@example.test", STRONG)
        await s.mailboxes.set_disabled(operator, "off@example.test", True)
        await s.mailboxes.update(operator, "tiny@example.test", MailboxChanges(quota_bytes=300))
        await s.aliases.add(
            operator, "sales@example.test", ["alice@example.test", "bob@example.test"]
        )
        await s.aliases.add(operator, "ali@example.test", ["alice@example.test"])

    live.run(setup())
    return live


def inbox(live: LivePlatform, address: str) -> list[bytes]:
    """The bodies in a mailbox's INBOX, oldest first."""
    s = live.services

    async def read() -> list[bytes]:
        mailbox = await s.mailboxes.get(Actor.system(), address)
        async with s.database.snapshot() as tx:
            folder = await tx.folders.find(mailbox.id, INBOX)
            assert folder is not None
            rows = await tx.messages.list_folder(folder.id)
        return [s.blobs.read(r.blob) for r in rows]

    return live.run(read())


def client_tls() -> ssl.SSLContext:
    """Clients in these tests trust anything: the certificate is the self-signed test one."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context
