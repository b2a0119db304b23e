"""Time of importing a CSV file of mailboxes with plaintext passwords (the 10,000-row case of
``mailwright mailbox import``), with the default argon2id parameters.

    .venv/bin/python bench/import_csv.py [--rows N] [--database-url URL]

The file has ``address,password,display_name`` columns and a distinct strong password per row.
The import runs through the same service the CLI uses (``MailboxImporter``): it checks every
row against the password policy first, then hashes on every core (one argon2 thread per CPU),
then stores the rows. The figures are the seconds of each phase and the rows per second of the
whole import.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import secrets
import tempfile
import time
from pathlib import Path

from mailwright.bootstrap import open_services, prepare_data_dir
from mailwright.config import Settings
from mailwright.model.actors import Actor

WORDS = ["velvet", "harbor", "quartz", "lantern", "meadow", "copper", "falcon", "orchid"]


def settings_for(data_dir: Path, database_url: str) -> Settings:
    """Production security settings (the defaults)."""
    return Settings.model_validate({"data_dir": data_dir, "database": {"url": database_url}})


def import_file(rows: int) -> str:
    """``rows`` mailboxes, each with its own strong password."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["address", "password", "display_name"])
    for n in range(rows):
        words = [secrets.choice(WORDS).capitalize() for _ in range(3)]
        password = "-".join(words) + f"-{secrets.randbelow(10_000):04d}!"
        writer.writerow([f"person{n:05d}@example.test", password, f"Person {n}"])
    return out.getvalue()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", default="", help="empty: SQLite in a temp directory")
    args = parser.parse_args()
    text = import_file(args.rows)

    with tempfile.TemporaryDirectory(prefix="mailwright-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        settings = settings_for(data_dir, args.database_url)
        prepare_data_dir(settings, hostname="mail.test")
        async with open_services(settings) as services:
            operator = Actor.operator("bench")
            await services.domains.add(operator, "example.test")
            print(
                f"CPUs {os.cpu_count()}, hashing threads {services.hashing.workers}, "
                "argon2id m=19456 KiB t=2 p=1"
            )
            phase_started: dict[str, float] = {}
            phase_ended: dict[str, float] = {}

            def progress(phase: str, done: int, total: int) -> None:
                now = time.perf_counter()
                phase_started.setdefault(phase, now)
                phase_ended[phase] = now

            started = time.perf_counter()
            report = await services.importer.import_csv(operator, text, progress=progress)
            elapsed = time.perf_counter() - started
            if report.problems:
                raise SystemExit(f"import refused: {report.problems[:3]}")
            previous = started
            for phase in phase_started:
                print(f"  {phase:<10} {phase_ended[phase] - previous:7.1f} s")
                previous = phase_ended[phase]
            print(
                f"imported {report.imported} mailboxes in {elapsed:.1f} s "
                f"({report.imported / elapsed:.1f} rows/s)"
            )


if __name__ == "__main__":
    asyncio.run(main())
