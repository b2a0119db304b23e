"""Throughput of ``services.authentication.authenticate()`` with the default argon2id
parameters (m=19456 KiB, t=2, p=1) and one hashing thread per CPU.

    .venv/bin/python bench/authenticate.py [--logins N] [--concurrency C] [--database-url URL]

Four cases, each ``--logins`` calls with ``--concurrency`` in flight:

* correct password, login cache off: every call verifies argon2 (a client's first login);
* correct password, login cache on (the default 60 s): a client reconnecting with the same
  password, answered from the HMAC-keyed cache after the first verification;
* wrong password: every call verifies argon2 and records a failure. Each mailbox and source
  address is used once, so throttling never short-cuts the work;
* unknown address: the dummy verification that hides whether a mailbox exists.

The figures are logins per second and the p50/p95 latency of one call (which includes the
database reads and writes around the hash).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import functools
import io
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from mailwright.bootstrap import open_services, prepare_data_dir
from mailwright.config import Settings
from mailwright.model.actors import Actor
from mailwright.model.authentication import AuthOutcome, LoginProtocol
from mailwright.services.container import Services

PASSWORD = "Velvet-Harbor-Quartz-71"
WRONG = "Velvet-Harbor-Quartz-72"


def settings_for(data_dir: Path, database_url: str, *, cache_seconds: float) -> Settings:
    """Production security settings (the defaults), except the login cache lifetime."""
    return Settings.model_validate(
        {
            "data_dir": data_dir,
            "database": {"url": database_url},
            "security": {"login_cache_seconds": cache_seconds},
        }
    )


async def seed(services: Services, count: int) -> None:
    """One domain and ``count`` mailboxes sharing one password (hashed once, imported)."""
    operator = Actor.operator("bench")
    await services.domains.add(operator, "example.test")
    first = await services.mailboxes.create(operator, "user00000@example.test", PASSWORD)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["address", "password_hash"])
    for n in range(1, count):
        writer.writerow([f"user{n:05d}@example.test", first.mailbox.password_hash])
    report = await services.importer.import_csv(operator, out.getvalue())
    assert not report.problems, report.problems


async def measure(
    name: str,
    logins: int,
    concurrency: int,
    call: Callable[[int], Awaitable[AuthOutcome]],
    expected: AuthOutcome,
) -> None:
    """Run ``logins`` calls, ``concurrency`` at a time, and print the figures."""
    latencies: list[float] = []
    next_index = 0

    async def runner() -> None:
        nonlocal next_index
        while next_index < logins:
            index = next_index
            next_index += 1
            started = time.perf_counter()
            outcome = await call(index)
            latencies.append(time.perf_counter() - started)
            if outcome is not expected:
                raise SystemExit(f"{name}: login {index} gave {outcome}, expected {expected}")

    started = time.perf_counter()
    await asyncio.gather(*(runner() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
    print(
        f"{name:<38} {logins / elapsed:8.1f} logins/s   p50 {p50:7.1f} ms   p95 {p95:7.1f} ms"
        f"   ({logins} in {elapsed:.2f} s)"
    )


async def run_case(
    data_dir: Path,
    database_url: str,
    *,
    cache_seconds: float,
    cases: list[tuple[str, Callable[[Services, int], Awaitable[AuthOutcome]], AuthOutcome]],
    logins: int,
    concurrency: int,
) -> None:
    settings = settings_for(data_dir, database_url, cache_seconds=cache_seconds)
    async with open_services(settings) as services:
        for name, call, expected in cases:
            bound = functools.partial(call, services)
            await measure(name, logins, concurrency, bound, expected)


async def login(services: Services, address: str, password: str, source: str) -> AuthOutcome:
    result = await services.authenticator.authenticate(
        address, password, LoginProtocol.IMAP, source
    )
    return result.outcome


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--logins", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--database-url", default="", help="empty: SQLite in a temp directory")
    args = parser.parse_args()
    logins: int = args.logins

    with tempfile.TemporaryDirectory(prefix="mailwright-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        prepare_data_dir(settings_for(data_dir, "", cache_seconds=0), hostname="mail.test")
        async with open_services(settings_for(data_dir, args.database_url, cache_seconds=0)) as s:
            started = time.perf_counter()
            await seed(s, logins)
            seeded = time.perf_counter() - started
            threads = s.hashing.workers
        print(f"CPUs {os.cpu_count()}, hashing threads {threads}, argon2id m=19456 KiB t=2 p=1")
        print(f"seeded {logins} mailboxes in {seeded:.1f} s")

        def user(i: int) -> str:
            return f"user{i:05d}@example.test"

        def source(i: int, base: int) -> str:
            return f"10.{base}.{i // 250}.{i % 250 + 1}"

        async def correct(services: Services, i: int) -> AuthOutcome:
            return await login(services, user(i), PASSWORD, source(i, 1))

        async def same_client(services: Services, i: int) -> AuthOutcome:
            return await login(services, user(i % 8), PASSWORD, source(i % 8, 2))

        async def wrong(services: Services, i: int) -> AuthOutcome:
            return await login(services, user(i), WRONG, source(i, 3))

        async def unknown(services: Services, i: int) -> AuthOutcome:
            return await login(services, f"nobody{i}@example.test", PASSWORD, source(i, 4))

        await run_case(
            data_dir,
            args.database_url,
            cache_seconds=0,
            cases=[
                ("correct password, cache off", correct, AuthOutcome.OK),
                ("wrong password", wrong, AuthOutcome.BAD_CREDENTIALS),
                ("unknown address (dummy hash)", unknown, AuthOutcome.BAD_CREDENTIALS),
            ],
            logins=logins,
            concurrency=args.concurrency,
        )
        await run_case(
            data_dir,
            args.database_url,
            cache_seconds=60,
            cases=[("correct password, reconnecting (cache)", same_client, AuthOutcome.OK)],
            logins=logins,
            concurrency=args.concurrency,
        )


if __name__ == "__main__":
    asyncio.run(main())
