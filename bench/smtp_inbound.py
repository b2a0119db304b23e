"""Inbound SMTP throughput: 10,000 messages of about 2 KB over 10 concurrent connections to a
`mailwright serve` process (SQLite, default settings), counting only messages that were
answered 250 and are found durably stored afterwards.

    .venv/bin/python bench/smtp_inbound.py [--messages N] [--connections C] [--database-url URL]

Prints messages/s and the p50/p99 latency from MAIL FROM to the 250 after DATA.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mailwright.bootstrap import open_services
from mailwright.config import load_settings
from mailwright.model.actors import Actor
from mailwright.model.mailstore import INBOX

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
RECIPIENTS = 10


def message(i: int) -> bytes:
    body = "".join(
        f"Line {n} of message {i}: lorem ipsum dolor sit amet consectetur.\r\n" for n in range(26)
    )
    return (
        f"From: Load <load@remote.test>\r\nTo: user{i % RECIPIENTS}@example.test\r\n"
        f"Subject: benchmark message {i}\r\nMessage-ID: <{i}.bench@remote.test>\r\n\r\n{body}"
    ).encode()


async def reply(reader: asyncio.StreamReader) -> bytes:
    while True:
        line = await reader.readline()
        if line[3:4] != b"-":
            return line


async def connection(port: int, numbers: list[int], latencies: list[float]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await reply(reader)
    writer.write(b"EHLO bench.remote.test\r\n")
    await reply(reader)
    accepted = 0
    for i in numbers:
        started = time.perf_counter()
        writer.write(
            f"MAIL FROM:<load@remote.test>\r\nRCPT TO:<user{i % RECIPIENTS}@example.test>"
            "\r\nDATA\r\n".encode()
        )
        for _ in range(3):
            await reply(reader)
        writer.write(message(i) + b".\r\n")
        answer = await reply(reader)
        if answer.startswith(b"250"):
            accepted += 1
            latencies.append(time.perf_counter() - started)
    writer.write(b"QUIT\r\n")
    await reply(reader)
    writer.close()
    return accepted


async def count_stored(data_dir: Path, env: dict[str, str]) -> int:
    settings = load_settings(data_dir, environ=env)
    total = 0
    async with open_services(settings) as services:
        for n in range(RECIPIENTS):
            mailbox = await services.mailboxes.get(Actor.system(), f"user{n}@example.test")
            async with services.database.snapshot() as tx:
                folder = await tx.folders.find(mailbox.id, INBOX)
                assert folder is not None
                total += (await tx.messages.status(folder.id)).messages
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its threads (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cli(env: dict[str, str], *args: str, stdin: str = "") -> None:
    subprocess.run(
        [sys.executable, "-m", "mailwright", *args],
        env=env,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="mw-bench-smtp-")) / "data"
    env = {**os.environ, **PORTS, "MAILWRIGHT_DATA_DIR": str(data)}
    if args.database_url:
        env["MAILWRIGHT_DATABASE_URL"] = args.database_url
    cli(env, "init", "--domain", "example.test")
    for n in range(RECIPIENTS):
        cli(env, "mailbox", "add", f"user{n}@example.test", "--generate")
    server = subprocess.Popen(
        [sys.executable, "-m", "mailwright", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert server.stdout is not None
    port = 0
    for line in server.stdout:
        found = re.match(r"\s+smtp\s+127\.0\.0\.1:(\d+)", line)
        if found:
            port = int(found.group(1))
            break
    latencies: list[float] = []
    batches = [list(range(c, args.messages, args.connections)) for c in range(args.connections)]
    cpu_before = cpu_seconds(server.pid)
    started = time.perf_counter()
    accepted = asyncio.run(_run(port, batches, latencies))
    elapsed = time.perf_counter() - started
    server_cpu = cpu_seconds(server.pid) - cpu_before
    server.send_signal(signal.SIGTERM)
    server.wait(60)
    stored = asyncio.run(count_stored(data, env))
    latencies.sort()
    print(f"messages sent:        {args.messages} over {args.connections} connections")
    print(f"accepted (250):       {accepted}")
    print(f"durably stored:       {stored}")
    print(f"elapsed:              {elapsed:.2f} s")
    print(f"throughput:           {stored / elapsed:.0f} messages/s")
    print(f"latency p50:          {statistics.median(latencies) * 1000:.1f} ms")
    print(f"latency p99:          {latencies[int(len(latencies) * 0.99) - 1] * 1000:.1f} ms")
    print(
        f"server CPU:           {server_cpu / max(stored, 1) * 1000:.2f} ms per message "
        f"({server_cpu / elapsed * 100:.0f}% of one core)"
    )
    print(f"machine load average: {os.getloadavg()[0]:.2f} (2 cores; other work skews the figures)")


async def _run(port: int, batches: list[list[int]], latencies: list[float]) -> int:
    results = await asyncio.gather(*(connection(port, b, latencies) for b in batches))
    return sum(results)


if __name__ == "__main__":
    main()
