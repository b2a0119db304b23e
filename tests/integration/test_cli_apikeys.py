"""``mailwright apikey create|list|revoke`` as a real process over SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(tmp_path: Path, database_url: str) -> Run:
    """Run `mailwright ...` with a fresh data directory and the test's database."""
    env = {
        **os.environ,
        "MAILWRIGHT_DATA_DIR": str(tmp_path / "data"),
        "MAILWRIGHT_DATABASE_URL": database_url,
        # Cheap hashing: these tests are about the command, not argon2's cost.
        "MAILWRIGHT_SECURITY_ARGON2_MEMORY_KIB": "64",
        "MAILWRIGHT_SECURITY_ARGON2_TIME_COST": "1",
        "COLUMNS": "200",
    }

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "mailwright", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert "Traceback" not in result.stderr, result.stderr
        if check:
            assert result.returncode == 0, result.stderr
        return result

    return run


def _stored_digests(url: str) -> list[str]:
    sync_url = url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg")
    engine = create_engine(sync_url)
    with engine.connect() as connection:
        rows = list(connection.execute(text("SELECT prefix, digest FROM api_keys")))
    engine.dispose()
    return [f"{prefix} {digest}" for prefix, digest in rows]


def test_apikey_create_list_revoke(cli: Run, database_url: str) -> None:
    """create prints the key once, list never shows it, revoke ends it; errors exit clearly."""
    cli("init", "--domain", "example.test", "--admin", "admin@example.test", "--generate")
    created = cli("apikey", "create", "--admin", "admin@example.test", "--scope", "admin")
    line = next(x for x in created.stdout.splitlines() if x.startswith("Key (shown once): "))
    key = line.removeprefix("Key (shown once): ")
    prefix = key.split("_")[1]
    assert key.startswith(f"mw_{prefix}_") and len(key) == 57
    as_json = json.loads(
        cli(
            "apikey",
            "create",
            "--admin",
            "admin@example.test",
            "--scope",
            "send",
            "--sandbox",
            "--domain",
            "example.test",
            "--name",
            "shop",
            "--json",
        ).stdout
    )
    assert as_json["scope"] == "send" and as_json["sandbox"] is True
    assert as_json["domains"] == ["example.test"] and as_json["key"].startswith("mw_")
    listed = cli("apikey", "list", "--json")
    keys = json.loads(listed.stdout)
    assert {k["prefix"] for k in keys} == {prefix, as_json["prefix"]}
    assert key not in listed.stdout and as_json["key"] not in listed.stdout
    assert all("key" not in k and "digest" not in k for k in keys)
    table = cli("apikey", "list", "--admin", "admin@example.test")
    assert prefix in table.stdout and key not in table.stdout
    assert all(key not in row for row in _stored_digests(database_url))

    revoked = cli("apikey", "revoke", prefix)
    assert f"Revoked API key {prefix}" in revoked.stdout
    again = cli("apikey", "revoke", prefix, check=False)
    assert again.returncode == 4 and "revoked already" in again.stderr
    unknown = cli("apikey", "revoke", "zzzzzzzzzz", check=False)
    assert unknown.returncode == 3
    not_admin = cli(
        "apikey", "create", "--admin", "nobody@example.test", "--scope", "admin", check=False
    )
    assert not_admin.returncode == 3 and "no admin role" in not_admin.stderr
    bad_scope = cli(
        "apikey", "create", "--admin", "admin@example.test", "--scope", "x", check=False
    )
    assert bad_scope.returncode == 2
    events = json.loads(cli("audit", "list", "--action", "apikey", "--json").stdout)
    assert [e["action"] for e in events] == ["apikey.revoke", "apikey.create", "apikey.create"]
    assert all(key not in json.dumps(e) for e in events)
