"""Fixtures shared by every test: settings, a throwaway database (SQLite and PostgreSQL),
services over it, and a fake clock."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from mailwright.bootstrap import open_services, prepare_data_dir
from mailwright.config import SecuritySettings, Settings
from mailwright.model.actors import Actor
from mailwright.platform import Platform, running_platform
from mailwright.services.container import Services
from mailwright.testing.clock import FakeClock
from mailwright.testing.databases import PostgresTemplates, postgres_admin_url
from mailwright.testing.live import LivePlatform, live_platform

STRICT = os.environ.get("MAILWRIGHT_TEST_STRICT") == "1"

# CI runs property tests with a fixed seed, so main's result does not depend on luck; runs on a
# developer's machine explore new examples every time (and found real bugs that way).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if STRICT:
    hypothesis_settings.load_profile("ci")

# argon2 at production cost (19 MiB, t=2) takes ~40 ms a hash; hundreds of tests hash thousands
# of times. The cost parameters do not change what the code does, so tests use the cheapest
# ones argon2 allows, except where a test is about the parameters themselves.
CHEAP_SECURITY = SecuritySettings(argon2_memory_kib=64, argon2_time_cost=1, hashing_threads=2)


def require_tool(name: str) -> str:
    """The path of an external program; skip the test without it (fail in strict CI)."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (see scripts/system-packages.txt)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def postgres_templates() -> Iterator[PostgresTemplates | None]:
    """One migrated template database per run, when a PostgreSQL server is configured."""
    url = postgres_admin_url()
    if url is None:
        yield None
        return
    templates = PostgresTemplates(url)
    yield templates
    asyncio.run(templates.cleanup())


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_templates: PostgresTemplates | None
) -> Iterator[str]:
    """A fresh, empty (migrated or migratable) database for one test."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'mailwright.db'}"
        return
    if postgres_templates is None:
        message = "MAILWRIGHT_TEST_POSTGRES_URL is not set"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    url = asyncio.run(postgres_templates.create())
    yield url
    asyncio.run(postgres_templates.drop(url))


@pytest.fixture
def clock() -> FakeClock:
    """A clock that only moves when a test says so."""
    return FakeClock()


NO_NAMESERVER = "127.0.0.1:9"
"""A loopback UDP port nobody serves: DNS queries there time out (after ``NO_DNS``'s 0.2 s)."""
NO_DNS: dict[str, object] = {"nameserver": NO_NAMESERVER, "dns_timeout_seconds": 0.2}


def make_settings(data_dir: Path, database_url: str, **sections: object) -> Settings:
    """Settings for a test: loopback, kernel-chosen ports, cheap hashing."""
    values: dict[str, object] = {
        "data_dir": data_dir,
        "database": {"url": database_url},
        "security": CHEAP_SECURITY,
        "http": {"port": 0},
        "smtp": {"inbound_port": 0, "submission_port": 0, "submissions_port": 0},
        "imap": {"port": 0, "imaps_port": 0},
        "server": {"hostname": "mail.example.test"},
        # 1024-bit DKIM keys: a 2048-bit key takes ~100 ms to make and every test adds domains.
        # MX lookups go to a loopback port where nothing answers, never to the machine's
        # resolver: tests touch no address but loopback.
        "delivery": {"dkim_key_bits": 1024, **NO_DNS},
    }
    values.update(sections)
    return Settings.model_validate(values)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings over a prepared data directory and the test's database."""
    data_dir = tmp_path / "data"
    result = make_settings(data_dir, database_url)
    prepare_data_dir(result, hostname="mail.example.test")
    return result


@pytest.fixture
async def services(settings: Settings, clock: FakeClock) -> AsyncIterator[Services]:
    """Every service, over the test's database and fake clock."""
    async with open_services(settings, clock=clock) as opened:
        yield opened


@pytest.fixture
def operator() -> Actor:
    """The CLI operator (global powers)."""
    return Actor.operator("tester")


@pytest.fixture
async def platform(settings: Settings, clock: FakeClock) -> AsyncIterator[Platform]:
    """Every listener running on 127.0.0.1 with kernel-chosen ports, over the test's
    database and fake clock."""
    async with running_platform(settings, clock=clock) as running:
        yield running


@pytest.fixture
def live(settings: Settings, clock: FakeClock) -> Iterator[LivePlatform]:
    """The platform running in a background thread, for tests with blocking clients."""
    with live_platform(settings, clock=clock) as running:
        yield running
