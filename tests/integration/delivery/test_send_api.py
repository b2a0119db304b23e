"""End to end through the sending API on a running platform: to a hosted mailbox read back
over IMAP, to a remote domain routed to an SMTP sink (DKIM verified), idempotent retries, and
a ``mailwright worker`` process killed with SIGKILL in the middle of a delivery."""

from __future__ import annotations

import asyncio
import email
import email.policy
import imaplib
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dkim
import httpx
import pytest
from aiosmtpd.controller import Controller

from mailwright.bootstrap import open_services, prepare_data_dir
from mailwright.config import Settings
from mailwright.model.actors import Actor
from mailwright.model.admins import Role
from mailwright.model.api_keys import ApiKeyScope
from mailwright.model.outbound import EventKind, RecipientStatus
from mailwright.model.sending import SendingCaller, SendRequest
from mailwright.services.container import Services
from mailwright.testing.live import LivePlatform
from mailwright.testing.sink import SinkHandler, SmtpSink
from tests.conftest import NO_DNS, make_settings
from tests.values import STRONG

OPERATOR = Actor.operator("tester")
DEADLINE = 60.0


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as running:
        yield running


@pytest.fixture
def settings(tmp_path: Path, database_url: str, sink: SmtpSink) -> Settings:
    """Test settings routing remote.test to the sink, with short leases for the restart."""
    result = make_settings(
        tmp_path / "data",
        database_url,
        delivery={"dkim_key_bits": 1024, **NO_DNS, "routes": {"remote.test": sink.address}},
    )
    prepare_data_dir(result, hostname="mail.example.test")
    return result


def wait_for(condition: Callable[[], bool], what: str, deadline: float = DEADLINE) -> None:
    """Poll ``condition`` until it holds; fail after ``deadline`` seconds."""
    end = time.monotonic() + deadline
    while not condition():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.02)


async def setup(services: Services) -> str:
    """example.test with alice, a global admin and a send key; returns the key."""
    await services.domains.add(OPERATOR, "example.test")
    for address in ("alice@example.test", "root@example.test"):
        await services.mailboxes.create(OPERATOR, address, STRONG)
    await services.admins.add(OPERATOR, "root@example.test", Role.GLOBAL_ADMIN, [])
    created = await services.api_keys.create(OPERATOR, "root@example.test", ApiKeyScope.SEND)
    return created.key


def statuses(live: LivePlatform, message_id: str) -> list[RecipientStatus]:
    """The recipients' statuses of a queued message."""

    async def read() -> list[RecipientStatus]:
        async with live.services.database.snapshot() as tx:
            found = await tx.outbound.find(message_id)
        assert found is not None
        return [r.status for r in found.recipients]

    return live.run(read())


@pytest.fixture
def api(live: LivePlatform) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    """An HTTP client of the live platform and the send key's Authorization header."""
    key = live.run(setup(live.services))
    host, port = live.listeners["http"]
    with httpx.Client(base_url=f"http://{host}:{port}/api/v1", timeout=30) as client:
        yield client, {"Authorization": f"Bearer {key}"}


def test_api_mail_to_a_hosted_mailbox_is_read_over_imap(
    live: LivePlatform, api: tuple[httpx.Client, dict[str, str]]
) -> None:
    """A message sent through the API to a hosted address arrives in its INBOX."""
    client, auth = api
    body = {
        "from": "Root <root@example.test>",
        "to": ["Alice <alice@example.test>"],
        "subject": "Hello Alice",
        "text": "Sent through the API.",
    }
    response = client.post("/messages", json=body, headers=auth)
    assert response.status_code == 202, response.text
    message_id = response.json()["id"]
    wait_for(lambda: statuses(live, message_id) == [RecipientStatus.DELIVERED], "delivery")
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the self-signed certificate of prepare_data_dir
    with imaplib.IMAP4_SSL("127.0.0.1", live.port("imaps"), ssl_context=context) as imap:
        imap.login("alice@example.test", STRONG)
        imap.select("INBOX")
        _, found = imap.search(None, "ALL")
        (number,) = found[0].split()
        _, data = imap.fetch(number, "(RFC822)")
    raw = data[0][1]
    assert isinstance(raw, bytes)
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    assert mail["Subject"] == "Hello Alice"
    assert mail["Message-ID"] == f"<{message_id}@example.test>"
    assert "Sent through the API." in raw.decode()
    trace = client.get(f"/messages/{message_id}", headers=auth).json()
    assert [(e["kind"], e["remote_host"]) for e in trace["events"]] == [
        ("queued", ""),
        ("delivered", "local"),
    ]


def test_api_mail_to_a_remote_domain_is_dkim_signed(
    live: LivePlatform, api: tuple[httpx.Client, dict[str, str]], sink: SmtpSink
) -> None:
    """A message for a routed remote domain reaches the sink with a valid DKIM signature."""
    client, auth = api
    body = {
        "from": "root@example.test",
        "to": ["bob@remote.test"],
        "subject": "Signed",
        "html": "<p>Signed <b>mail</b></p>",
    }
    message_id = client.post("/messages", json=body, headers=auth).json()["id"]
    wait_for(lambda: bool(sink.handler.received), "the sink to receive")
    (received,) = sink.handler.received
    assert received.sender == "root@example.test"
    assert received.recipients == ["bob@remote.test"]
    key = live.run(live.services.dkim.active_key("example.test"))
    assert key is not None

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name.decode().rstrip(".") == key.dns_name
        return key.dns_value.encode()

    assert dkim.verify(received.data, dnsfunc=dns)
    wait_for(lambda: statuses(live, message_id) == [RecipientStatus.DELIVERED], "delivered")
    trace = client.get(f"/messages/{message_id}", headers=auth).json()
    last = trace["events"][-1]
    assert (last["kind"], last["remote_host"]) == ("delivered", "127.0.0.1")
    assert last["reply"] == "2.0.0 Queued"  # the sink's reply to DATA


def test_idempotent_retry_sends_one_message(
    live: LivePlatform, api: tuple[httpx.Client, dict[str, str]], sink: SmtpSink
) -> None:
    """The same request sent three times with one Idempotency-Key is delivered once."""
    client, auth = api
    headers = {**auth, "Idempotency-Key": "signup-7"}
    body = {
        "from": "root@example.test",
        "to": ["carol@remote.test"],
        "subject": "Once",
        "text": "x",
    }
    answers = [client.post("/messages", json=body, headers=headers) for _ in range(3)]
    assert {a.status_code for a in answers} == {202}
    assert len({a.json()["id"] for a in answers}) == 1
    message_id = answers[0].json()["id"]
    wait_for(lambda: statuses(live, message_id) == [RecipientStatus.DELIVERED], "delivered")
    listed = client.get("/messages", headers=auth).json()
    assert [m["id"] for m in listed["items"]] == [message_id]
    assert len(sink.handler.received) == 1


class _GatedHandler(SinkHandler):
    """Holds every DATA until ``gate`` opens, telling ``arrived`` that one is waiting."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = threading.Event()
        self.gate = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.arrived.set()
        await asyncio.get_running_loop().run_in_executor(None, self.gate.wait, DEADLINE)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def gated() -> Iterator[tuple[_GatedHandler, str]]:
    """A sink (in its own thread) that holds every DATA; yields it and its host:port."""
    handler = _GatedHandler()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    try:
        yield handler, f"127.0.0.1:{port}"
    finally:
        handler.gate.set()
        controller.stop()


def _worker(settings: Settings, route: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "MAILWRIGHT_DATA_DIR": str(settings.data_dir),
        "MAILWRIGHT_DATABASE_URL": settings.database_url,
        "MAILWRIGHT_DELIVERY_ROUTES": f'{{"remote.test": "{route}"}}',
        "MAILWRIGHT_DELIVERY_LEASE_SECONDS": "2",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "mailwright", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_killed_worker_loses_nothing(settings: Settings, gated: tuple[_GatedHandler, str]) -> None:
    """A worker killed with SIGKILL while a delivery waits for its reply: after a restart
    every message is delivered at least once and every recipient ends delivered."""
    handler, route = gated

    async def submit() -> list[str]:
        async with open_services(settings) as services:
            await setup(services)
            caller = SendingCaller(OPERATOR)
            ids = []
            for n in range(10):
                request = SendRequest(
                    sender="root@example.test",
                    to=(f"user{n}@remote.test",),
                    subject=f"Message {n}",
                    text="x",
                )
                ids.append((await services.sending.submit(caller, request)).message_id)
            return ids

    async def delivered(ids: list[str]) -> bool:
        async with open_services(settings) as services, services.database.snapshot() as tx:
            for message_id in ids:
                found = await tx.outbound.find(message_id)
                assert found is not None
                if found.recipients[0].status is not RecipientStatus.DELIVERED:
                    return False
                events = await tx.delivery.list_events(message_id=message_id)
                assert events[-1].kind is EventKind.DELIVERED
        return True

    ids = asyncio.run(submit())
    first = _worker(settings, route)
    try:
        assert handler.arrived.wait(DEADLINE), first.stderr.read() if first.stderr else ""
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=DEADLINE)
    finally:
        handler.gate.set()
    second = _worker(settings, route)
    try:
        wait_for(lambda: asyncio.run(delivered(ids)), "every message delivered after restart")
    finally:
        second.send_signal(signal.SIGTERM)
        _, errors = second.communicate(timeout=DEADLINE)
    assert second.returncode == 0, errors
    subjects = {email.message_from_bytes(r.data)["Subject"] for r in handler.received}
    assert subjects == {f"Message {n}" for n in range(10)}
