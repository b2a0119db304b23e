"""Nothing the server answered 250 to is lost when the process is killed (SIGKILL), and a
message whose DATA was cut off leaves no trace."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import smtplib
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from mailwright.bootstrap import open_services
from mailwright.config import load_settings
from mailwright.model.actors import Actor
from mailwright.model.mailstore import INBOX
from tests.conftest import NO_NAMESERVER
from tests.values import STRONG

N = 60
PORTS = {
    f"MAILWRIGHT_{name}": "0"
    for name in (
        "HTTP_PORT",
        "SMTP_INBOUND_PORT",
        "SMTP_SUBMISSION_PORT",
        "SMTP_SUBMISSIONS_PORT",
        "IMAP_PORT",
        "IMAP_IMAPS_PORT",
    )
}


def _cli(env: dict[str, str], *args: str, stdin: str = "") -> None:
    subprocess.run(
        [sys.executable, "-m", "mailwright", *args],
        env=env,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
        timeout=60,
    )


def _start(env: dict[str, str]) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "mailwright", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        found = re.match(r"\s+smtp\s+127\.0\.0\.1:(\d+)", line)
        if found:
            return process, int(found.group(1))
    raise AssertionError("serve did not report its SMTP port")


def _close(process: subprocess.Popen[str]) -> None:
    if process.stdout is not None:
        process.stdout.close()


async def _stored(data_dir: Path, env: dict[str, str]) -> list[bytes]:
    settings = load_settings(data_dir, environ=env)
    async with open_services(settings) as services:
        mailbox = await services.mailboxes.get(Actor.system(), "alice@example.test")
        async with services.database.snapshot() as tx:
            folder = await tx.folders.find(mailbox.id, INBOX)
            assert folder is not None
            rows = await tx.messages.list_folder(folder.id)
        return [services.blobs.read(r.blob) for r in rows]


@pytest.mark.slow
def test_sigkill_after_250_loses_nothing(tmp_path: Path, database_url: str) -> None:
    """N messages accepted, SIGKILL right after the last 250, restart: all N are intact, and
    the message cut off mid-DATA is nowhere."""
    data = tmp_path / "data"
    env = {
        **os.environ,
        **PORTS,
        "MAILWRIGHT_DATA_DIR": str(data),
        "MAILWRIGHT_DELIVERY_NAMESERVER": NO_NAMESERVER,
        "MAILWRIGHT_DELIVERY_DNS_TIMEOUT_SECONDS": "0.2",
        "MAILWRIGHT_DATABASE_URL": database_url,
        "MAILWRIGHT_SECURITY_ARGON2_MEMORY_KIB": "64",
    }
    _cli(env, "init", "--domain", "example.test")
    _cli(env, "mailbox", "add", "alice@example.test", "--password-stdin", stdin=STRONG + "\n")
    process, port = _start(env)
    sent = []
    cut = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        cut.recv(1000)
        cut.sendall(b"HELO c\r\nMAIL FROM:<x@r.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n")
        cut.sendall(b"From: x@r.test\r\nSubject: CUT-OFF\r\n\r\npartial")
        with smtplib.SMTP("127.0.0.1", port, timeout=20) as client:
            for i in range(N):
                body = f"body {i}\r\n" + ("z" * 78 + "\r\n") * 25
                message = f"From: x@r.test\r\nSubject: m{i}\r\n\r\n{body}".encode()
                client.sendmail("x@r.test", ["alice@example.test"], message)
                sent.append(message)
            process.send_signal(signal.SIGKILL)
    finally:
        cut.close()
        process.kill()
        process.wait(30)
        _close(process)
    restarted, _ = _start(env)
    restarted.send_signal(signal.SIGTERM)
    restarted.wait(30)
    _close(restarted)
    stored = asyncio.run(_stored(data, env))
    assert len(stored) == N
    for message, body in zip(sent, stored, strict=True):
        assert body.endswith(message)
    assert not any(b"CUT-OFF" in body for body in stored)
    assert not list((data / "messages").rglob("*.tmp"))
