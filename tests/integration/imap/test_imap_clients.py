"""Real mail clients against the live IMAP listener over TLS, verifying the server against a
test CA: mbsync (isync) and offlineimap sync 500 messages down to a Maildir and a flag change
back up."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.integration.imap.conftest import ALICE, Imap, message
from tests.values import STRONG

COUNT = 500


def _maildir_files(folder: Path) -> list[Path]:
    return sorted(p for sub in ("cur", "new") for p in (folder / sub).iterdir())


def _local_copies(folder: Path) -> set[bytes]:
    """The messages of a Maildir as the server stored them: Maildir keeps LF line endings and
    mbsync adds an X-TUID header while it uploads, so both are undone."""
    found = set()
    for path in _maildir_files(folder):
        lines = path.read_bytes().split(b"\n")
        found.add(b"\r\n".join(line for line in lines if not line.startswith(b"X-TUID: ")))
    return found


def _flag_one_file(folder: Path, marker: str) -> Path:
    """Mark the message whose body says ``marker`` as seen and flagged in the Maildir
    (Maildir info ``:2,FS``), the way a local mail reader would."""
    for path in _maildir_files(folder):
        if marker.encode() in path.read_bytes():
            base = path.name.split(":2,")[0]
            target = folder / "cur" / f"{base}:2,FS"
            path.rename(target)
            return target
    raise AssertionError(f"no message with {marker!r}")


def _server_flags(imap: Imap, uid: int) -> bytes:
    client = imap.login()
    client.select("INBOX", readonly=True)
    data = client.uid("FETCH", str(uid), "(FLAGS)")[1][0]
    client.logout()
    assert isinstance(data, bytes)
    return data


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


@pytest.mark.slow
def test_mbsync_syncs_down_and_flags_up(imap: Imap, tmp_path: Path) -> None:
    """mbsync copies 500 messages into a Maildir and pushes a local flag change back."""
    mbsync = require_tool("mbsync")
    imap.seed(COUNT)
    mail = tmp_path / "mail"
    mail.mkdir()
    config = tmp_path / "mbsyncrc"
    config.write_text(
        f"IMAPAccount test\nHost localhost\nPort {imap.live.port('imaps')}\nUser {ALICE}\n"
        f"Pass {STRONG}\nSSLType IMAPS\nCertificateFile {imap.ca_file}\n\n"
        "IMAPStore remote\nAccount test\n\n"
        f"MaildirStore local\nPath {mail}/\nInbox {mail}/INBOX\nSubFolders Verbatim\n\n"
        "Channel test\nFar :remote:\nNear :local:\nPatterns *\nCreate Near\nSync All\n"
        "SyncState *\n"
    )
    _run([mbsync, "-c", str(config), "-a"])
    files = _maildir_files(mail / "INBOX")
    assert len(files) == COUNT
    assert _local_copies(mail / "INBOX") == {message(n) for n in range(1, COUNT + 1)}
    assert {p.name for p in (mail).iterdir()} >= {"INBOX", "Sent", "Trash", "Archive"}
    _flag_one_file(mail / "INBOX", "Hello 42\n")
    _run([mbsync, "-c", str(config), "-a"])
    assert b"FLAGS (\\Flagged \\Seen)" in _server_flags(imap, 42)


@pytest.mark.slow
def test_offlineimap_syncs_down_and_flags_up(imap: Imap, tmp_path: Path) -> None:
    """offlineimap copies 500 messages into a Maildir and pushes a local flag change back."""
    offlineimap = require_tool("offlineimap")
    imap.seed(COUNT)
    mail = tmp_path / "mail"
    config = tmp_path / "offlineimaprc"
    config.write_text(
        f"[general]\naccounts = test\nmetadata = {tmp_path / 'meta'}\n\n"
        "[Account test]\nlocalrepository = local\nremoterepository = remote\n\n"
        f"[Repository local]\ntype = Maildir\nlocalfolders = {mail}\n\n"
        f"[Repository remote]\ntype = IMAP\nremotehost = localhost\n"
        f"remoteport = {imap.live.port('imaps')}\nremoteuser = {ALICE}\nremotepass = {STRONG}\n"
        f"ssl = yes\nsslcacertfile = {imap.ca_file}\nstarttls = no\n"
        "folderfilter = lambda name: name in ['INBOX', 'Sent']\n"
    )
    command = [offlineimap, "-c", str(config), "-o", "-u", "quiet"]
    _run(command)
    files = _maildir_files(mail / "INBOX")
    assert len(files) == COUNT
    assert _local_copies(mail / "INBOX") == {message(n) for n in range(1, COUNT + 1)}
    _flag_one_file(mail / "INBOX", "Hello 7\n")
    _run(command)
    assert b"FLAGS (\\Flagged \\Seen)" in _server_flags(imap, 7)
