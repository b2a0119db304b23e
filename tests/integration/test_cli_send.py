"""``mailwright send`` as a real process: literal messages, files, attachments, templates."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest

from mailwright.bootstrap import open_services
from mailwright.config import load_settings
from mailwright.model.actors import Actor
from mailwright.model.sending import SendingCaller

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(tmp_path: Path, database_url: str) -> Run:
    """Run ``mailwright ...`` with a fresh data directory (example.test) and the test's
    database."""
    env = {
        **os.environ,
        "MAILWRIGHT_DATA_DIR": str(tmp_path / "data"),
        "MAILWRIGHT_DATABASE_URL": database_url,
        "MAILWRIGHT_SECURITY_ARGON2_MEMORY_KIB": "64",
        "MAILWRIGHT_SECURITY_ARGON2_TIME_COST": "1",
        "MAILWRIGHT_DELIVERY_DKIM_KEY_BITS": "1024",
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

    run("init", "--domain", "example.test")
    return run


def queued_message(cli: Run, message_id: str, data_dir: Path) -> EmailMessage:
    """The stored message of a queued id, parsed."""
    shown = json.loads(cli("queue", "show", message_id, "--json").stdout)
    assert shown["origin"] == "api"
    digest = next(
        p
        for p in (data_dir / "messages").rglob("*")
        if p.is_file() and p.stat().st_size == shown["size"]
    )
    parsed = email.message_from_bytes(digest.read_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_send_prints_the_message_id(cli: Run, tmp_path: Path) -> None:
    """A text file, an HTML file, an attachment and tags become one queued message."""
    (tmp_path / "body.txt").write_text("Hello from the shell\n")
    (tmp_path / "body.html").write_text("<p>Hello from the <b>shell</b></p>\n")
    (tmp_path / "report.csv").write_text("a,b\n1,2\n")
    result = cli(
        "send",
        "--from", "Ops <ops@example.test>",
        "--to", "bob@remote.test",
        "--to", "carol@remote.test",
        "--bcc", "audit@remote.test",
        "--subject", "Nightly report",
        "--text-file", str(tmp_path / "body.txt"),
        "--html-file", str(tmp_path / "body.html"),
        "--attach", str(tmp_path / "report.csv"),
        "--tag", "report",
    )  # fmt: skip
    message_id = result.stdout.strip()
    assert re.fullmatch(r"[0-9a-f]{32}", message_id)
    mail = queued_message(cli, message_id, tmp_path / "data")
    assert mail["Subject"] == "Nightly report" and mail["Bcc"] is None
    assert mail["To"] == "bob@remote.test, carol@remote.test"
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == "report.csv"
    assert attachment.get_content_type() == "text/csv"
    shown = json.loads(cli("queue", "show", message_id, "--json").stdout)
    assert [r["recipient"] for r in shown["recipients"]] == [
        "bob@remote.test",
        "carol@remote.test",
        "audit@remote.test",
    ]


def test_send_json_and_errors(cli: Run) -> None:
    """--json prints the receipt; invalid input and usage mistakes exit non-zero in one line."""
    result = cli(
        "send", "--from", "ops@example.test", "--to", "bob@remote.test",
        "--subject", "Hi", "--text", "x", "--json",
    )  # fmt: skip
    receipt = json.loads(result.stdout)
    assert [r["status"] for r in receipt["recipients"]] == ["queued"]
    bad = cli(
        "send", "--from", "ops@elsewhere.test", "--to", "nobody", "--subject", "Hi",
        "--text", "x", check=False,
    )  # fmt: skip
    assert bad.returncode == 1 and bad.stderr.startswith("error: ")
    assert len(bad.stderr.strip().splitlines()) == 1
    both = cli(
        "send", "--from", "ops@example.test", "--to", "b@remote.test",
        "--template", "t", "--subject", "x", check=False,
    )  # fmt: skip
    assert both.returncode == 2


async def _create_template(data_dir: Path, database_url: str) -> None:
    settings = load_settings(data_dir, environ={"MAILWRIGHT_DATABASE_URL": database_url})
    async with open_services(settings) as services:
        await services.templates.create(
            SendingCaller(Actor.operator("tester")),
            "notice",
            subject="Notice for {{ name }}",
            text="Dear {{ name }}, see {{ url }}.",
            html=None,
        )


def test_send_with_a_template(cli: Run, tmp_path: Path, database_url: str) -> None:
    """--template with --var renders the template; a missing variable is refused."""
    asyncio.run(_create_template(tmp_path / "data", database_url))
    result = cli(
        "send", "--from", "ops@example.test", "--to", "bob@remote.test",
        "--template", "notice", "--var", "name=Bob", "--var", "url=https://x.test/a=b",
    )  # fmt: skip
    mail = queued_message(cli, result.stdout.strip(), tmp_path / "data")
    assert mail["Subject"] == "Notice for Bob"
    body = mail.get_body(("plain",))
    assert body is not None and "Dear Bob, see https://x.test/a=b." in body.get_content()
    missing = cli(
        "send", "--from", "ops@example.test", "--to", "bob@remote.test",
        "--template", "notice", "--var", "name=Bob", check=False,
    )  # fmt: skip
    assert missing.returncode == 1 and "'url' is undefined" in missing.stderr
