"""IMAP benchmark: a folder of 10,000 messages of about 2 KB, served by the real IMAP listener.

Prints connect+LOGIN+LOGOUT per second (1 and 20 concurrent clients, implicit TLS),
``FETCH 1:* (UID FLAGS RFC822.SIZE)`` and ``FETCH 1:* BODY.PEEK[]`` in messages per second
(bodies also in MB/s), ``UID SEARCH HEADER Message-ID`` time, and the server's memory per
idle connection. The server runs in its own process (so clients do not share its CPU time
slice or its memory figures); the data directory defaults to tmpfs, because seeding 10,000
fsynced files on a disk measures the disk, not the server.

    .venv/bin/python bench/imap.py [--messages 10000] [--data-dir DIR] [--database-url URL]

Targets on a 2-core machine: flags >= 20,000 msg/s, bodies >= 10,000 msg/s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from mailwright.bootstrap import open_services, prepare_data_dir
from mailwright.config import load_settings
from mailwright.model.actors import Actor
from mailwright.model.mail_access import MessageUpload
from mailwright.servers.imap.listener import ImapComponent

ADDRESS = "bench@example.test"
PASSWORD = "Velvet-Harbor-Quartz-71"
PORT_ENV = {
    "MAILWRIGHT_HTTP_PORT": "0",
    "MAILWRIGHT_IMAP_PORT": "0",
    "MAILWRIGHT_IMAP_IMAPS_PORT": "0",
}


def message(number: int) -> bytes:
    """A plain text message of about 2 KB."""
    line = f"Line {number:05d} of a benchmark message body, plain ASCII text to fill space.\r\n"
    header = (
        f"From: Sender {number % 97} <sender{number % 97}@example.net>\r\n"
        f"To: {ADDRESS}\r\nSubject: Benchmark message {number}\r\n"
        f"Date: Mon, 5 Jan 2026 09:{number % 60:02d}:00 +0000\r\n"
        f"Message-ID: <msg-{number}@bench.example.net>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
    )
    return (header + line * 23).encode("ascii")


async def seed(data_dir: Path, count: int) -> None:
    """Create the mailbox and append ``count`` messages in batches through the services."""
    settings = load_settings(data_dir)
    prepare_data_dir(settings, hostname="mail.example.test")
    async with open_services(settings) as services:
        operator = Actor.operator("bench")
        await services.domains.add(operator, "example.test")
        created = await services.mailboxes.create(operator, ADDRESS, PASSWORD)
        started = time.perf_counter()
        for start in range(0, count, 1000):
            batch = [MessageUpload(message(n)) for n in range(start, min(count, start + 1000))]
            await services.mail.append_many(created.mailbox.id, "INBOX", batch)
        elapsed = time.perf_counter() - started
    print(f"seeded {count} messages in {elapsed:.1f} s ({count / elapsed:,.0f} msg/s)")


async def serve(data_dir: Path) -> None:
    """The server process: only the IMAP component, until stdin closes."""
    settings = load_settings(data_dir)
    async with open_services(settings) as services:
        component = ImapComponent(settings, services)
        bound = await component.start()
        print(json.dumps(bound), flush=True)
        await asyncio.to_thread(sys.stdin.read)
        await component.stop()


class Client:
    """A minimal IMAP client that reads each response whole, for measuring the server."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self._tag = 0

    @classmethod
    async def connect(cls, address: tuple[str, int], context: ssl.SSLContext) -> Client:
        reader, writer = await asyncio.open_connection(*address, ssl=context)
        client = cls(reader, writer)
        await reader.readline()
        return client

    async def command(self, text: str) -> bytes:
        self._tag += 1
        tag = f"b{self._tag}".encode()
        self.writer.write(tag + b" " + text.encode() + b"\r\n")
        data = bytearray()
        while True:
            chunk = await self.reader.read(1 << 20)
            if not chunk:
                raise ConnectionError("server closed the connection")
            data += chunk
            if data.endswith(b"\r\n"):
                start = data.rfind(b"\r\n", 0, len(data) - 2)
                start = 0 if start < 0 else start + 2
                if data.startswith(tag + b" ", start):
                    if not data.startswith(tag + b" OK", start):
                        raise RuntimeError(bytes(data[start:]).decode())
                    return bytes(data)

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


async def login_rate(address: tuple[str, int], context: ssl.SSLContext, clients: int) -> float:
    """connect + LOGIN + LOGOUT per second with ``clients`` running at once."""
    rounds = 30 if clients == 1 else 10

    async def one_client() -> None:
        for _ in range(rounds):
            client = await Client.connect(address, context)
            await client.command(f"LOGIN {ADDRESS} {PASSWORD}")
            await client.command("LOGOUT")
            await client.close()

    started = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(clients)))
    return clients * rounds / (time.perf_counter() - started)


async def best_of(times: int, action: Callable[[], Awaitable[bytes]]) -> tuple[float, bytes]:
    """The fastest of several runs: (seconds, response)."""
    best, data = float("inf"), b""
    for _ in range(times):
        started = time.perf_counter()
        data = await action()
        best = min(best, time.perf_counter() - started)
    return best, data


def rss_kib(pid: int) -> int:
    """Resident memory of a process."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def measure(address: tuple[str, int], plain: tuple[str, int], pid: int, count: int) -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    await login_rate(address, context, 1)  # warm the login cache and the pools
    await plain_memory(plain, pid)  # first, before big responses leave garbage behind
    await idle_memory(address, context, pid)
    print(f"connect+LOGIN+LOGOUT, 1 client:   {await login_rate(address, context, 1):8.0f} /s")
    print(f"connect+LOGIN+LOGOUT, 20 clients: {await login_rate(address, context, 20):8.0f} /s")
    client = await Client.connect(address, context)
    await client.command(f"LOGIN {ADDRESS} {PASSWORD}")
    seconds, _ = await best_of(1, lambda: client.command("SELECT INBOX"))
    print(f"SELECT INBOX ({count} messages):   {seconds * 1000:8.0f} ms")
    seconds, data = await best_of(3, lambda: client.command("FETCH 1:* (UID FLAGS RFC822.SIZE)"))
    assert data.count(b" FETCH (") == count
    print(f"FETCH 1:* (UID FLAGS RFC822.SIZE): {count / seconds:8.0f} msg/s (target 20000)")
    seconds, data = await best_of(3, lambda: client.command("FETCH 1:* BODY.PEEK[]"))
    assert data.count(b" FETCH (") == count
    megabytes = len(data) / 1e6
    print(
        f"FETCH 1:* BODY.PEEK[]:             {count / seconds:8.0f} msg/s (target 10000), "
        f"{megabytes / seconds:.1f} MB/s"
    )
    wanted = f"<msg-{count // 2}@bench.example.net>"
    seconds, data = await best_of(
        3, lambda: client.command(f'UID SEARCH HEADER Message-ID "{wanted}"')
    )
    print(f"UID SEARCH HEADER Message-ID:      {seconds * 1000:8.0f} ms over {count} messages")
    await client.command("LOGOUT")
    await client.close()
    await idle_memory(address, context, pid, select=True)


async def idle_memory(
    address: tuple[str, int], context: ssl.SSLContext, pid: int, *, select: bool = False
) -> None:
    """RSS growth of the server per idle authenticated TLS connection (with INBOX selected)."""
    connections = 10 if select else 200
    before = rss_kib(pid)
    clients = []
    for _ in range(connections):
        client = await Client.connect(address, context)
        await client.command(f"LOGIN {ADDRESS} {PASSWORD}")
        if select:
            await client.command("SELECT INBOX")
        clients.append(client)
    grown = (rss_kib(pid) - before) / connections
    what = "selected 10k-message session:" if select else "idle connection (TLS):      "
    print(f"memory per {what}{grown:9.1f} KiB")
    for client in clients:
        await client.command("LOGOUT")
        await client.close()


async def plain_memory(address: tuple[str, int], pid: int) -> None:
    """RSS growth per connection without TLS (STARTTLS port, before login)."""
    connections = 200
    before = rss_kib(pid)
    streams = []
    for _ in range(connections):
        reader, writer = await asyncio.open_connection(*address)
        await reader.readline()
        streams.append(writer)
    grown = (rss_kib(pid) - before) / connections
    print(f"memory per plaintext connection:  {grown:9.1f} KiB (before STARTTLS)")
    for writer in streams:
        writer.close()
        await writer.wait_closed()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.serve))
        return
    tmpfs = Path("/dev/shm")  # noqa: S108 (only the parent of a private mkdtemp directory)
    root = tmpfs if tmpfs.is_dir() else None
    scratch = Path(tempfile.mkdtemp(prefix="mw-bench-", dir=root))
    data_dir = args.data_dir or scratch / "data"
    os.environ.update(PORT_ENV)
    if args.database_url:
        os.environ["MAILWRIGHT_DATABASE_URL"] = args.database_url
    try:
        asyncio.run(seed(data_dir, args.messages))
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert server.stdout is not None and server.stdin is not None
        bound = json.loads(server.stdout.readline())
        imaps = (str(bound["imaps"][0]), int(bound["imaps"][1]))
        imap = (str(bound["imap"][0]), int(bound["imap"][1]))
        asyncio.run(measure(imaps, imap, server.pid, args.messages))
        server.stdin.close()
        server.wait(timeout=30)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
