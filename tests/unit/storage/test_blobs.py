"""The content-addressed message file store."""

from __future__ import annotations

import hashlib
from pathlib import Path

from mailwright.storage.blobs import FileBlobStore


def test_put_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    """The same bytes give the same digest and one file; reads return them."""
    store = FileBlobStore(tmp_path / "messages")
    data = b"Subject: hi\r\n\r\nbody\r\n"
    first = store.put(data)
    second = store.put(data)
    assert first == second
    assert first.digest == hashlib.sha256(data).hexdigest()
    assert store.read(first.digest) == data
    assert store.read_range(first.digest, 0, 7) == b"Subject"
    assert len(list((tmp_path / "messages").rglob("*"))) == 3


def test_files_are_private_and_no_temporaries_remain(tmp_path: Path) -> None:
    """Blobs are mode 0600 and the temporary file is renamed away."""
    store = FileBlobStore(tmp_path)
    ref = store.put(b"x" * 100_000)
    assert store.path(ref.digest).stat().st_mode & 0o777 == 0o600
    assert not list(tmp_path.rglob("*.tmp"))


def test_sweep_removes_crash_leftovers(tmp_path: Path) -> None:
    """A temporary file left by a crash mid-write is swept."""
    store = FileBlobStore(tmp_path)
    ref = store.put(b"abc")
    leftover = store.path(ref.digest).with_name("deadbeef.1.2.tmp")
    leftover.write_bytes(b"partial")
    assert store.sweep_temporary() == 1
    assert not leftover.exists() and store.read(ref.digest) == b"abc"
