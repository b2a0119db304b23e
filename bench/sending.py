"""Sending throughput: messages accepted per second through the API (one per request, and in
batches) and delivered per second to a loopback SMTP sink.

    .venv/bin/python bench/sending.py [--messages N] [--single N] [--batch-size B]
        [--clients C] [--workers W] [--database-url URL]

It makes a data directory (``mailwright init``, default settings: SQLite, 2048-bit DKIM keys),
a send key, starts a fast SMTP sink in its own process (answers 250 to everything, counts
nothing but bytes) and ``mailwright serve`` on kernel-chosen ports with no delivery worker,
routing remote.test to the sink. Then:

1. ``--single`` messages, one per ``POST /messages``, over ``--clients`` connections;
2. ``--messages`` messages (10,000) in ``POST /messages/batch`` requests of ``--batch-size``;
3. ``--workers`` ``mailwright worker`` processes start, and the clock runs until every
   recipient is ``delivered`` (DKIM-signed, over SMTP to the sink).

Each message is about 2 KB (text and HTML parts) to one recipient. "Accepted" means the
API answered 202: the message file is fsynced and the queue rows are committed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

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
PARAGRAPH = "Thank you for your order. Your receipt and the delivery details follow. "


def message(n: int) -> dict[str, object]:
    """A receipt of about 2 KB to one remote recipient."""
    body = "\n".join(f"Line {i}: {PARAGRAPH}" for i in range(10))
    return {
        "from": "Shop <shop@example.test>",
        "to": [f"customer{n}@remote.test"],
        "subject": f"Your receipt #{n}",
        "text": body,
        "html": "".join(f"<p>{line}</p>" for line in body.splitlines()),
        "tags": ["receipt"],
        "metadata": {"order": n},
    }


async def sink_main(port_file: Path) -> None:
    """A minimal SMTP server: 250 to every command, 354 to DATA, reads to the final dot."""

    async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 sink ESMTP\r\n")
        while line := await reader.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                writer.write(b"250-sink\r\n250-8BITMIME\r\n250 SIZE 52428800\r\n")
            elif verb == b"DATA":
                writer.write(b"354 go ahead\r\n")
                await writer.drain()
                while (chunk := await reader.readline()) and chunk != b".\r\n":
                    pass
                writer.write(b"250 2.0.0 Queued\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 OK\r\n")
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(session, "127.0.0.1", 0, backlog=512)
    port = str(server.sockets[0].getsockname()[1])
    await asyncio.to_thread(port_file.write_text, port)
    async with server:
        await server.serve_forever()


def cli(env: dict[str, str], *args: str) -> str:
    """Run a ``mailwright`` command; its stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "mailwright", *args],
        env=env,
        text=True,
        check=True,
        capture_output=True,
    )
    return done.stdout


def start_sink(workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    """The sink process and its port."""
    port_file = workdir / "sink.port"
    process = subprocess.Popen(
        [sys.executable, __file__, "--sink", str(port_file)], stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while not port_file.exists() or not port_file.read_text():
        assert time.monotonic() < deadline, "the sink did not start"
        time.sleep(0.05)
    return process, int(port_file.read_text())


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen[str], int]:
    """``mailwright serve`` and its HTTP port."""
    server = subprocess.Popen(
        [sys.executable, "-m", "mailwright", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert server.stdout is not None
    for line in server.stdout:
        found = re.match(r"\s+http\s+127\.0\.0\.1:(\d+)", line)
        if found:
            return server, int(found.group(1))
    raise SystemExit("mailwright serve did not start")


async def send_single(port: int, key: str, count: int, clients: int) -> float:
    """Seconds to get ``count`` single messages accepted over ``clients`` connections."""
    headers = {"Authorization": f"Bearer {key}"}
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}/api/v1", limits=limits, timeout=120
    ) as client:

        async def one_client(numbers: range) -> None:
            for n in numbers:
                response = await client.post("/messages", json=message(n), headers=headers)
                assert response.status_code == 202, response.text

        started = time.perf_counter()
        await asyncio.gather(
            *(one_client(range(1_000_000 + c, 1_000_000 + count, clients)) for c in range(clients))
        )
        return time.perf_counter() - started


async def send_batches(port: int, key: str, count: int, size: int, clients: int) -> float:
    """Seconds to get ``count`` messages accepted in batches of ``size``."""
    headers = {"Authorization": f"Bearer {key}"}
    batches = [list(range(start, min(start + size, count))) for start in range(0, count, size)]
    bodies = [json.dumps({"messages": [message(n) for n in b]}).encode() for b in batches]
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=300) as client:

        async def one_client() -> None:
            while not queue.empty():
                body = queue.get_nowait()
                response = await client.post(
                    "/messages/batch",
                    content=body,
                    headers={**headers, "Content-Type": "application/json"},
                )
                assert response.status_code == 202, response.text
                answer = response.json()
                assert answer["rejected"] == 0, answer["results"][0]

        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        return time.perf_counter() - started


def delivered_count(url: str) -> tuple[int, int]:
    """(delivered, all) recipients in the queue."""
    engine = create_engine(url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg"))
    try:
        with engine.connect() as connection:
            rows = dict(
                connection.execute(
                    text("SELECT status, count(*) FROM outbound_recipients GROUP BY status")
                ).all()
            )
    finally:
        engine.dispose()
    return int(rows.get("delivered", 0)), int(sum(rows.values()))


def deliver(env: dict[str, str], url: str, workers: int) -> float:
    """Seconds from starting ``workers`` worker processes until every recipient is
    delivered."""
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "mailwright", "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        while True:
            delivered, total = delivered_count(url)
            if delivered >= total:
                return time.perf_counter() - started
            time.sleep(0.05)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--single", type=int, default=1_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--batch-clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--sink", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        asyncio.run(sink_main(args.sink))
        return
    workdir = Path(tempfile.mkdtemp(prefix="mw-bench-sending-"))
    data = workdir / "data"
    sink, sink_port = start_sink(workdir)
    env = {
        **os.environ,
        **PORTS,
        "MAILWRIGHT_DATA_DIR": str(data),
        "MAILWRIGHT_DELIVERY_WORKERS": "0",
        "MAILWRIGHT_DELIVERY_ROUTES": json.dumps({"remote.test": f"127.0.0.1:{sink_port}"}),
    }
    if args.database_url:
        env["MAILWRIGHT_DATABASE_URL"] = args.database_url
    url = args.database_url or f"sqlite+aiosqlite:///{data / 'mailwright.db'}"
    cli(env, "init", "--domain", "example.test", "--admin", "root@example.test", "--generate")
    created = cli(
        env, "apikey", "create", "--admin", "root@example.test", "--scope", "send", "--json"
    )
    key = json.loads(created)["key"]
    server, port = start_server(env)
    try:
        single = asyncio.run(send_single(port, key, args.single, args.clients))
        batch = asyncio.run(
            send_batches(port, key, args.messages, args.batch_size, args.batch_clients)
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
    delivered, total = delivered_count(url)
    assert (delivered, total) == (0, args.single + args.messages), (delivered, total)
    delivering = deliver(env, url, args.workers)
    sink.send_signal(signal.SIGTERM)
    sink.wait(10)
    print(f"cpus:                   {os.cpu_count()}")
    print(f"database:               {'PostgreSQL' if args.database_url else 'SQLite'}")
    print(f"single:                 {args.single} messages, {args.clients} clients")
    print(f"  accepted:             {args.single / single:,.0f} messages/s")
    print(f"batch:                  {args.messages} messages, batches of {args.batch_size}")
    print(f"  accepted:             {args.messages / batch:,.0f} messages/s")
    print(f"delivery:               {total} messages, {args.workers} worker process(es)")
    print(f"  delivered:            {total / delivering:,.0f} messages/s")


if __name__ == "__main__":
    main()
