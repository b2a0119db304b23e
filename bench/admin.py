"""Admin center with 50,000 mailboxes: server time of the mailbox list, a search and the
mailbox page, and the time from Save in the reset dialog to both live login tests done.

    .venv/bin/python bench/admin.py [--mailboxes N] [--requests R] [--resets S]
                                    [--database-url URL]

The mailboxes are imported through the services (``MailboxImporter`` with a precomputed
``password_hash`` column, so seeding spends no argon2 time). Pages are requested in process
through httpx's ASGI transport with a signed-in session, so the figures are server time (plus
well under a millisecond of client overhead), without network or browser. Resets run with the
production argon2 parameters against the running platform, whose listeners the verifier logs
in to. Targets: p95 under 100 ms per page; reset-to-verified under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import random
import re
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from mailwright.bootstrap import prepare_data_dir
from mailwright.config import Settings
from mailwright.model.actors import Actor
from mailwright.model.admins import Role
from mailwright.platform import running_platform
from mailwright.services.container import Services
from mailwright.web.app import create_app

ADMIN = "admin@example.test"
PASSWORD = "Velvet-Harbor-Quartz-71"
BASE = "http://bench.local"
FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson"]


def settings_for(data_dir: Path, database_url: str) -> Settings:
    """Production security settings, kernel-chosen ports."""
    return Settings.model_validate(
        {
            "data_dir": data_dir,
            "database": {"url": database_url},
            "http": {"port": 0},
            "smtp": {"inbound_port": 0, "submission_port": 0, "submissions_port": 0},
            "imap": {"port": 0, "imaps_port": 0},
            "server": {"hostname": "mail.example.test"},
        }
    )


def mailbox_csv(count: int, password_hash: str) -> str:
    """An import file of ``count`` mailboxes sharing one precomputed hash."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["address", "password_hash", "display_name"])
    for n in range(count):
        name = f"{FIRST[n % len(FIRST)]} {LAST[n // len(FIRST) % len(LAST)]} {n}"
        writer.writerow([f"user{n:05d}@example.test", password_hash, name])
    return out.getvalue()


async def seed(services: Services, count: int) -> float:
    """Domain, admin and ``count`` mailboxes; returns the import's seconds."""
    operator = Actor.operator("bench")
    await services.domains.add(operator, "example.test")
    created = await services.mailboxes.create(operator, ADMIN, PASSWORD)
    await services.admins.add(operator, ADMIN, Role.GLOBAL_ADMIN, [])
    started = time.perf_counter()
    report = await services.importer.import_csv(
        operator, mailbox_csv(count, created.mailbox.password_hash)
    )
    assert report.imported == count, report.problems[:3]
    return time.perf_counter() - started


async def sign_in(client: httpx.AsyncClient) -> str:
    """Sign in as the global admin; returns the session's CSRF token."""
    page = await client.get("/admin/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    response = await client.post(
        "/admin/sign-in",
        data={"csrf_token": token.group(1), "address": ADMIN, "password": PASSWORD},
    )
    assert response.status_code == 303, response.text
    home = await client.get("/admin/")
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', home.text)
    assert csrf
    return csrf.group(1)


async def timed(count: int, request: Callable[[int], Awaitable[httpx.Response]]) -> list[float]:
    """Milliseconds of ``count`` sequential requests (after two warm-up requests)."""
    for n in range(2):
        await request(n)
    times = []
    for n in range(count):
        started = time.perf_counter()
        response = await request(n)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (response.status_code, response.text[:300])
    return times


def summary(name: str, times: list[float]) -> str:
    """One line of p50 / p95 / max."""
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return f"{name:<28} {cuts[49]:8.1f} {cuts[94]:8.1f} {max(times):8.1f}"


async def run(mailboxes: int, requests: int, resets: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'mailwright.db'}"
        settings = settings_for(data_dir, url)
        prepare_data_dir(settings, hostname="mail.example.test")
        async with running_platform(settings) as platform:
            services = platform.services
            seconds = await seed(services, mailboxes)
            print(
                f"seeded {mailboxes:,} mailboxes in {seconds:.1f} s "
                f"({mailboxes / seconds:,.0f}/s) on {url.split(':')[0]}"
            )
            app = create_app(services, settings)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url=BASE, headers={"Origin": BASE}
            ) as client:
                await report_pages(client, mailboxes, requests)
                await report_resets(client, services, mailboxes, resets)


async def report_pages(client: httpx.AsyncClient, mailboxes: int, requests: int) -> None:
    """Time the list, a later page, a search and the mailbox page."""
    await sign_in(client)
    pick = random.Random(5)
    first = await client.get("/admin/mailboxes")
    next_link = re.search(r'<a href="([^"]+)" rel="next">', first.text)
    assert next_link
    page_two = next_link.group(1).replace("&amp;", "&")
    rows = {
        "mailbox list (first page)": lambda n: client.get("/admin/mailboxes"),
        "mailbox list (next page)": lambda n: client.get(page_two),
        "mailbox list by name desc": lambda n: client.get(
            "/admin/mailboxes", params={"sort": "display_name", "order": "desc"}
        ),
        "search (address part)": lambda n: client.get(
            "/admin/mailboxes", params={"q": f"user{pick.randrange(mailboxes):05d}"}
        ),
        "search (name part)": lambda n: client.get(
            "/admin/mailboxes", params={"q": pick.choice(LAST)}
        ),
        "mailbox page": lambda n: client.get(
            f"/admin/mailboxes/user{pick.randrange(mailboxes):05d}@example.test"
        ),
    }
    print(f"\n{'ms, ' + str(requests) + ' requests each':<28} {'p50':>8} {'p95':>8} {'max':>8}")
    for name, request in rows.items():
        print(summary(name, await timed(requests, request)))


async def report_resets(
    client: httpx.AsyncClient, services: Services, mailboxes: int, resets: int
) -> None:
    """Time Save of the reset dialog to the rendered result with both login tests done."""
    csrf = re.search(
        r'<meta name="csrf-token" content="([^"]+)">', (await client.get("/admin/")).text
    )
    assert csrf
    pick = random.Random(7)
    outcomes: set[tuple[str, str]] = set()

    async def reset(n: int) -> httpx.Response:
        address = f"user{pick.randrange(mailboxes):05d}@example.test"
        password = f"Copper-Lantern-Mosaic-{n:04d}"
        response = await client.post(
            f"/admin/mailboxes/{address}/password",
            data={"csrf_token": csrf.group(1), "password": password, "confirm": password},
        )
        outcomes.update(
            re.findall(r'<li id="login-test-\w+" class="\w+">(\w+): <strong>(\w+)', response.text)
        )
        return response

    times = await timed(resets, reset)
    print(summary("reset to verified", times))
    verifier = services.verifier
    shown = ", ".join(f"{name} {result}" for name, result in sorted(outcomes))
    print(
        f"\nlogin tests ({shown}): "
        f"IMAP {'listening' if verifier.imap_endpoint else 'not running'}, "
        f"SMTP {'listening' if verifier.smtp_endpoint else 'not running'}; "
        f"argon2 m={services.hashing.hasher.parameters.memory_kib} KiB, "
        f"t={services.hashing.hasher.parameters.time_cost}, "
        f"{services.hashing.workers} hashing threads"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mailboxes", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--resets", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    asyncio.run(run(args.mailboxes, args.requests, args.resets, args.database_url))


if __name__ == "__main__":
    main()
