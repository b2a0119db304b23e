"""The mailwright command over SQLite and PostgreSQL.

Most tests run the command in this process (Click's runner: the same code path minus the
1-2 s of interpreter start and imports per call); the issue's own flow runs as real processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from mailwright.cli.main import app

ADMIN_PW = "Granite-Orchid-Kestrel-93"
ALICE_PW = "Tr0ub4dor-Horse-Staple-88"
RESET_PW = "Another-Str0ng-Passphrase-61"

Run = Callable[..., subprocess.CompletedProcess[str]]


def _environment(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "MAILWRIGHT_DATA_DIR": str(tmp_path / "data"),
        "MAILWRIGHT_DATABASE_URL": database_url,
        # Cheap hashing: these tests are about the command, not argon2's cost.
        "MAILWRIGHT_SECURITY_ARGON2_MEMORY_KIB": "64",
        "MAILWRIGHT_SECURITY_ARGON2_TIME_COST": "1",
        "COLUMNS": "200",
    }


@pytest.fixture
def cli(tmp_path: Path, database_url: str) -> Run:
    """Run `mailwright ...` in this process with a fresh data directory and the test's
    database; exceptions other than a clean exit fail the test."""
    env = _environment(tmp_path, database_url)
    runner = CliRunner()

    def run(*args: str, stdin: str = "", check: bool = True) -> subprocess.CompletedProcess[str]:
        outcome = runner.invoke(app, list(args), input=stdin, env=env, catch_exceptions=True)
        if outcome.exception is not None and not isinstance(outcome.exception, SystemExit):
            raise outcome.exception
        result = subprocess.CompletedProcess(
            list(args), outcome.exit_code, outcome.stdout, outcome.stderr
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    return run


@pytest.fixture
def cli_process(tmp_path: Path, database_url: str) -> Run:
    """Run `mailwright ...` as a real process, like a shell would."""
    env = _environment(tmp_path, database_url)

    def run(*args: str, stdin: str = "", check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "mailwright", *args],
            input=stdin,
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


def _all_database_text(url: str) -> str:
    sync_url = url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg")
    engine = create_engine(sync_url)
    chunks = []
    with engine.connect() as connection:
        tables = connection.execute(
            text("SELECT name FROM sqlite_master WHERE type='table'")
            if sync_url.startswith("sqlite")
            else text("SELECT tablename FROM pg_tables WHERE schemaname='public'")
        ).scalars()
        for table in list(tables):
            query = text(f'SELECT * FROM "{table}"')  # noqa: S608 (names from the catalogue)
            for row in connection.execute(query):
                chunks.append(repr(tuple(row)))
    engine.dispose()
    return "\n".join(chunks)


def test_issue_flow_and_no_plaintext_anywhere(
    cli_process: Run, tmp_path: Path, database_url: str
) -> None:
    """init, mailbox add, password reset, audit list work, and no password used appears in
    the data directory, the database or the output of later commands."""
    cli = cli_process
    cli(
        "init",
        "--domain",
        "example.test",
        "--admin",
        "admin@example.test",
        "--password-stdin",
        stdin=ADMIN_PW + "\n",
    )
    cli(
        "mailbox",
        "add",
        "alice@example.test",
        "--password-stdin",
        "--display-name",
        "Alice",
        stdin=ALICE_PW + "\n",
    )
    reset = cli(
        "password",
        "reset",
        "alice@example.test",
        "--password-stdin",
        "--must-change",
        "--reason",
        "ticket 42",
        stdin=RESET_PW + "\n",
    )
    assert "must choose a new password" in reset.stdout
    events = json.loads(cli("audit", "list", "--json").stdout)
    resets = [e for e in events if e["action"] == "mailbox.password.reset"]
    assert len(resets) == 1
    assert resets[0]["target"] == "alice@example.test"
    assert resets[0]["reason"] == "ticket 42"
    assert resets[0]["actor"].startswith("operator:")
    shown = json.loads(cli("mailbox", "show", "alice@example.test", "--json").stdout)
    assert shown["must_change"] is True and "password_hash" not in shown

    secrets = [ADMIN_PW, ALICE_PW, RESET_PW]
    for path in (tmp_path / "data").rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in content, f"{secret} found in {path}"
    dump = _all_database_text(database_url)
    assert "ARGON2ID" in dump
    for secret in secrets:
        assert secret not in dump


def test_errors_are_one_line_with_exit_codes(cli: Run, tmp_path: Path) -> None:
    """Unknown domain, duplicate mailbox, weak password and bad usage give clear errors."""
    cli("init", "--domain", "example.test", "--admin", "admin@example.test", "--generate")
    unknown = cli(
        "mailbox", "add", "a@nowhere.test", "--password-stdin", stdin=ALICE_PW + "\n", check=False
    )
    assert unknown.returncode == 3
    assert unknown.stderr.strip() == "error: The domain nowhere.test is not hosted here."
    cli("mailbox", "add", "a@example.test", "--password-stdin", stdin=ALICE_PW + "\n")
    duplicate = cli(
        "mailbox", "add", "a@example.test", "--password-stdin", stdin=ALICE_PW + "\n", check=False
    )
    assert duplicate.returncode == 4 and "exists already" in duplicate.stderr
    weak = cli(
        "password", "reset", "a@example.test", "--password-stdin", stdin="password\n", check=False
    )
    assert weak.returncode == 1
    assert "shorter than 12 characters" in weak.stderr and "commonly used" in weak.stderr
    argv_password = cli("mailbox", "add", "b@example.test", "--password", "x", check=False)
    assert argv_password.returncode == 2
    no_terminal = cli("password", "reset", "a@example.test", check=False)
    assert no_terminal.returncode == 2 and "--password-stdin" in no_terminal.stderr
    missing = cli("mailbox", "show", "zz@example.test", check=False)
    assert missing.returncode == 3
    bad_role = cli("admin", "add", "a@example.test", "--role", "king", check=False)
    assert bad_role.returncode == 2


def test_generate_prints_password_once(cli: Run) -> None:
    """--generate prints a generated password that then works for nothing else."""
    created = cli("init", "--domain", "example.test", "--admin", "admin@example.test", "--generate")
    assert "Generated admin password (shown once):" in created.stdout
    cli("mailbox", "add", "a@example.test", "--password-stdin", stdin=ALICE_PW + "\n")
    result = json.loads(cli("password", "reset", "a@example.test", "--generate", "--json").stdout)
    assert len(result["generated_password"]) == 23
    again = cli("init", "--domain", "example.test", "--admin", "admin@example.test", "--generate")
    assert "Generated" not in again.stdout


def test_domain_alias_admin_commands(cli: Run) -> None:
    """The management commands round-trip through JSON output."""
    cli("init", "--domain", "example.test", "--admin", "admin@example.test", "--generate")
    cli("domain", "add", "other.test", "--it-address", "it@example.test")
    domains = json.loads(cli("domain", "list", "--json").stdout)
    assert [d["name"] for d in domains] == ["example.test", "other.test"]
    cli("mailbox", "add", "h@other.test", "--generate")
    cli("alias", "add", "sales@other.test", "h@other.test", "boss@example.test")
    aliases = json.loads(cli("alias", "list", "--json").stdout)
    assert aliases[0]["destinations"] == ["h@other.test", "boss@example.test"]
    cli("admin", "add", "h@other.test", "--role", "helpdesk", "--domain", "other.test")
    admins = json.loads(cli("admin", "list", "--json").stdout)
    assert {(a["address"], a["role"]) for a in admins} == {
        ("admin@example.test", "global-admin"),
        ("h@other.test", "helpdesk"),
    }
    listed = json.loads(cli("mailbox", "list", "--search", "h@", "--json").stdout)
    assert [m["address"] for m in listed["items"]] == ["h@other.test"]
    cli("mailbox", "update", "h@other.test", "--quota", "2G", "--recovery-address", "r@x.test")
    shown = json.loads(cli("mailbox", "show", "h@other.test", "--json").stdout)
    assert shown["quota_bytes"] == 2 * 1024**3 and shown["recovery_address"] == "r@x.test"
    assert shown["admin_role"] == "helpdesk" and shown["aliases"] == ["sales@other.test"]
    cli("mailbox", "disable", "h@other.test")
    assert json.loads(cli("mailbox", "show", "h@other.test", "--json").stdout)["disabled"]
    blocked = cli("domain", "remove", "other.test", "--yes", check=False)
    assert blocked.returncode == 4


def test_import_reports_bad_rows_and_progress(cli: Run, tmp_path: Path) -> None:
    """A file with bad rows imports nothing and names each line; a good one shows progress."""
    cli("init", "--domain", "example.test", "--admin", "admin@example.test", "--generate")
    bad = tmp_path / "bad.csv"
    bad.write_text(f"address,password\nok@example.test,{ALICE_PW}\nbroken,x\n")
    result = cli("mailbox", "import", str(bad), check=False)
    assert result.returncode == 1
    assert "line 3: broken:" in result.stderr and "nothing imported" in result.stderr
    good = tmp_path / "good.csv"
    good.write_text(
        "address,password\n" + "".join(f"user{i}@example.test,{ALICE_PW}{i}\n" for i in range(30))
    )
    done = cli("mailbox", "import", str(good), "--json")
    assert json.loads(done.stdout)["imported"] == 30


def test_queue_commands(cli: Run, tmp_path: Path, database_url: str) -> None:
    """queue list/show/retry/purge show and manage mail waiting for remote servers."""
    import asyncio

    from mailwright.bootstrap import open_services
    from mailwright.config import load_settings
    from mailwright.model.outbound import Origin

    cli("init", "--domain", "example.test")

    async def enqueue() -> str:
        environ = {"MAILWRIGHT_DATABASE_URL": database_url}
        settings = load_settings(tmp_path / "data", environ=environ)
        async with open_services(settings) as services:
            report = await services.delivery.deliver(
                b"From: a@example.test\r\n\r\nhi\r\n",
                sender="a@example.test",
                recipients=["x@remote.test"],
                origin=Origin.SMTP,
                submitted_by="a@example.test",
            )
        assert report.queued_id is not None
        return report.queued_id

    queue_id = asyncio.run(enqueue())
    listed = json.loads(cli("queue", "list", "--json").stdout)
    assert [m["id"] for m in listed] == [queue_id]
    assert listed[0]["recipients"][0] == {
        "recipient": "x@remote.test",
        "status": "queued",
        "attempts": 0,
        "next_attempt_at": listed[0]["recipients"][0]["next_attempt_at"],
        "last_reply": "",
    }
    assert "x@remote.test" in cli("queue", "show", queue_id).stdout
    assert "1 recipients" in cli("queue", "retry", queue_id).stdout
    cli("queue", "purge", queue_id, "--yes")
    assert json.loads(cli("queue", "list", "--json").stdout) == []
    missing = cli("queue", "show", queue_id, check=False)
    assert missing.returncode == 3


def test_domain_dkim_record_and_rotation(cli: Run) -> None:
    """domain show prints the DKIM DNS record; rotate-dkim makes a new selector."""
    cli("init", "--domain", "example.test")
    shown = json.loads(cli("domain", "show", "example.test", "--json").stdout)
    assert shown["dkim"]["dns_name"].endswith("._domainkey.example.test")
    assert shown["dkim"]["dns_value"].startswith("v=DKIM1; k=rsa; p=MII")
    text = cli("domain", "show", "example.test").stdout
    assert "IN TXT" in text
    rotated = json.loads(cli("domain", "rotate-dkim", "example.test", "--json").stdout)
    assert rotated["selector"] != shown["dkim"]["selector"]
