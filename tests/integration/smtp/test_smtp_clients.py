"""Real mail clients against the SMTP listeners: Debian's swaks and msmtp."""

from __future__ import annotations

import subprocess
from pathlib import Path

from mailwright.config import Settings
from mailwright.testing.live import LivePlatform
from tests.conftest import require_tool
from tests.integration.smtp.conftest import inbox
from tests.values import STRONG


def swaks(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [require_tool("swaks"), "--server", "127.0.0.1", "--timeout", "20", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_swaks_inbound_and_unknown_user(mail: LivePlatform) -> None:
    """swaks delivers to a mailbox over the MX port; an unknown user is refused with 550."""
    ok = swaks(
        "--port",
        str(mail.port("smtp")),
        "--from",
        "x@remote.test",
        "--to",
        "alice@example.test",
        "--header",
        "Subject: from swaks",
    )
    assert ok.returncode == 0, ok.stdout
    assert b"Subject: from swaks" in inbox(mail, "alice@example.test")[0]
    refused = swaks(
        "--port", str(mail.port("smtp")), "--from", "x@remote.test", "--to", "nobody@example.test"
    )
    assert refused.returncode != 0 and "550 5.1.1" in refused.stdout


def test_swaks_relay_denied_and_submission(mail: LivePlatform) -> None:
    """Without auth swaks cannot relay; with STARTTLS and AUTH it can submit."""
    relay = swaks(
        "--port", str(mail.port("smtp")), "--from", "x@remote.test", "--to", "y@elsewhere.test"
    )
    assert relay.returncode != 0 and "554 5.7.1" in relay.stdout
    sent = swaks(
        "--port",
        str(mail.port("submission")),
        "-tls",
        "--auth",
        "PLAIN",
        "--auth-user",
        "alice@example.test",
        "--auth-password",
        STRONG,
        "--from",
        "alice@example.test",
        "--to",
        "bob@example.test",
        "--header",
        "From: alice@example.test",
    )
    assert sent.returncode == 0, sent.stdout
    assert len(inbox(mail, "bob@example.test")) == 1
    wrong = swaks(
        "--port",
        str(mail.port("submission")),
        "-tls",
        "--auth",
        "LOGIN",
        "--auth-user",
        "alice@example.test",
        "--auth-password",
        "wrong",
        "--from",
        "alice@example.test",
        "--to",
        "bob@example.test",
    )
    assert wrong.returncode != 0 and "535 5.7.8" in wrong.stdout


def test_msmtp_submits_with_verified_tls(
    mail: LivePlatform, settings: Settings, tmp_path: Path
) -> None:
    """msmtp verifies the server certificate, authenticates and sends from a config file."""
    binary = require_tool("msmtp")
    config = tmp_path / "msmtprc"
    config.write_text(
        "account default\n"
        "host 127.0.0.1\n"
        f"port {mail.port('submission')}\n"
        "tls on\ntls_starttls on\n"
        f"tls_trust_file {settings.resolve(settings.tls.certificate)}\n"
        "auth plain\nuser alice@example.test\n"
        f"password {STRONG}\n"
        "from alice@example.test\n"
    )
    config.chmod(0o600)
    message = b"From: alice@example.test\r\nTo: bob@example.test\r\nSubject: msmtp\r\n\r\nhi\r\n"
    result = subprocess.run(
        [binary, "-C", str(config), "bob@example.test"],
        input=message,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"Subject: msmtp" in inbox(mail, "bob@example.test")[0]
    config.write_text(config.read_text().replace(STRONG, "wrong-password"))
    failed = subprocess.run(
        [binary, "-C", str(config), "bob@example.test"],
        input=message,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert failed.returncode != 0 and b"535" in failed.stderr
