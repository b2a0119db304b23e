"""The running platform with a certificate from a test CA, a domain and two mailboxes, and
helpers that open verified imaplib connections to its IMAP listeners."""

from __future__ import annotations

import dataclasses
import imaplib
import ssl
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mailwright.config import Settings
from mailwright.model.actors import Actor
from mailwright.model.mail_access import MessageUpload
from mailwright.servers.imap.listener import ImapComponent
from mailwright.testing.certificates import TestAuthority
from mailwright.testing.live import LivePlatform
from tests.values import STRONG

HOST = "127.0.0.1"
ALICE = "alice@example.test"
BOB = "bob@example.test"


def message(number: int, *, subject: str | None = None, body: str = "Hello") -> bytes:
    """A small test message with a unique Message-ID."""
    subject = subject or f"Message {number}"
    return (
        f"From: Carol <carol@remote.test>\r\nTo: {ALICE}\r\nSubject: {subject}\r\n"
        f"Date: Mon, 5 Jan 2026 09:00:{number % 60:02d} +0100\r\n"
        f"Message-ID: <m{number}@remote.test>\r\n\r\n{body} {number}\r\n"
    ).encode()


@pytest.fixture(scope="session")
def authority() -> TestAuthority:
    """One test CA for the run."""
    return TestAuthority()


@pytest.fixture
def settings(settings: Settings, authority: TestAuthority) -> Settings:
    """The test settings with a server certificate signed by the test CA."""
    authority.issue_server(
        settings.resolve(settings.tls.certificate), settings.resolve(settings.tls.private_key)
    )
    return settings


@pytest.fixture
def ca_file(tmp_path: Path, authority: TestAuthority) -> Path:
    """The CA certificate clients trust."""
    return authority.write_ca(tmp_path / "test-ca.pem")


@dataclasses.dataclass
class Imap:
    """Client helpers for the live IMAP listeners."""

    live: LivePlatform
    ca_file: Path

    def context(self) -> ssl.SSLContext:
        """TLS that verifies the server against the test CA, host name included."""
        return ssl.create_default_context(cafile=str(self.ca_file))

    def connect(self) -> imaplib.IMAP4_SSL:
        """A connection to the implicit-TLS port."""
        port = self.live.port("imaps")
        return imaplib.IMAP4_SSL(HOST, port, ssl_context=self.context(), timeout=10)

    def plain(self) -> imaplib.IMAP4:
        """A connection to the STARTTLS port, still in plaintext."""
        return imaplib.IMAP4(HOST, self.live.port("imap"), timeout=10)

    def login(self, address: str = ALICE, password: str = STRONG) -> imaplib.IMAP4_SSL:
        """A logged-in connection."""
        client = self.connect()
        client.login(address, password)
        return client

    def mailbox_id(self, address: str = ALICE) -> int:
        """The id of a mailbox."""
        return self.live.run(self.live.services.mailboxes.get(Actor.system(), address)).id

    def seed(self, count: int, folder: str = "INBOX", address: str = ALICE) -> None:
        """Store ``count`` messages in a folder directly through the services."""
        uploads = [MessageUpload(message(n)) for n in range(1, count + 1)]
        mail = self.live.services.mail
        self.live.run(mail.append_many(self.mailbox_id(address), folder, uploads))

    def component(self) -> ImapComponent:
        """The running IMAP component."""
        found = [c for c in self.live.platform.components if isinstance(c, ImapComponent)]
        return found[0]

    def configure(self, **changes: Any) -> None:
        """Change limits or timeouts for connections opened from now on."""
        component = self.component()
        assert component.config is not None
        component.config = dataclasses.replace(component.config, **changes)


@pytest.fixture
def imap(live: LivePlatform, ca_file: Path) -> Imap:
    """example.test with the mailboxes alice and bob, both with the password STRONG."""
    operator = Actor.operator("tester")

    async def setup() -> None:
        await live.services.domains.add(operator, "example.test")
        for address in (ALICE, BOB):
            await live.services.mailboxes.create(operator, address, STRONG)

    live.run(setup())
    return Imap(live, ca_file)


def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Poll ``condition`` until it holds, failing after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.01)


def read_until(client: imaplib.IMAP4, predicate: Callable[[bytes], bool]) -> list[bytes]:
    """Read raw lines from the server until one satisfies ``predicate`` (socket timeout
    bounds the wait)."""
    lines = []
    while True:
        line = client.readline()
        if not line:
            raise AssertionError(f"connection closed; read {lines!r}")
        lines.append(line)
        if predicate(line):
            return lines


def raw(client: imaplib.IMAP4, tag: str, command: str) -> list[bytes]:
    """Send ``tag command`` and return every line up to the tagged answer (no literals)."""
    client.send(f"{tag} {command}\r\n".encode())
    return read_until(client, lambda line: line.startswith(tag.encode() + b" "))
