"""`mailwright serve` as a real process: health endpoint, clean shutdown, startup refusals."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import NO_NAMESERVER


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Every other listener on a kernel-chosen port, so tests never collide with each other.
_OTHER_PORTS = {
    f"MAILWRIGHT_{name}": "0"
    for name in (
        "SMTP_INBOUND_PORT",
        "SMTP_SUBMISSION_PORT",
        "SMTP_SUBMISSIONS_PORT",
        "IMAP_PORT",
        "IMAP_IMAPS_PORT",
    )
}


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "MAILWRIGHT_DATA_DIR": str(data_dir),
        "MAILWRIGHT_DELIVERY_NAMESERVER": NO_NAMESERVER,
        "MAILWRIGHT_DELIVERY_DNS_TIMEOUT_SECONDS": "0.2",
        **extra,
    }


def test_serve_answers_healthz_and_stops_on_sigterm(tmp_path: Path) -> None:
    """serve binds the configured HTTP port, /healthz says ok, SIGTERM ends it with 0."""
    data = tmp_path / "data"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mailwright",
            "init",
            "--domain",
            "example.test",
            "--admin",
            "admin@example.test",
            "--generate",
        ],
        env=_env(data, MAILWRIGHT_SECURITY_ARGON2_MEMORY_KIB="64"),
        check=True,
        capture_output=True,
    )
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mailwright", "serve"],
        env=_env(data, MAILWRIGHT_HTTP_PORT=str(port), **_OTHER_PORTS),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.1)
        assert response.json() == {"status": "ok", "database": "ok"}
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Traceback" not in err


def test_serve_refuses_placeholder_secret(tmp_path: Path) -> None:
    """A placeholder server secret stops startup with a clear message."""
    data = tmp_path / "data"
    subprocess.run(
        [sys.executable, "-m", "mailwright", "init", "--domain", "example.test"],
        env=_env(data),
        check=True,
        capture_output=True,
    )
    (data / "secret.key").write_text("changeme\n")
    result = subprocess.run(
        [sys.executable, "-m", "mailwright", "serve"],
        env=_env(data),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 6
    assert "placeholder" in result.stderr and "Traceback" not in result.stderr


def test_commands_refuse_a_missing_data_directory(tmp_path: Path) -> None:
    """Without init, commands say what to do instead of creating a database somewhere."""
    result = subprocess.run(
        [sys.executable, "-m", "mailwright", "domain", "list"],
        env=_env(tmp_path / "nothing"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 6
    assert "mailwright init" in result.stderr
