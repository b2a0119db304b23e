"""The content-addressed message file store."""

from __future__ import annotations

import ctypes
import errno
import hashlib
import os
from pathlib import Path

import pytest

from mailwright.storage import blobs
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


def _bodies(count: int) -> list[bytes]:
    return [f"Subject: {n}\r\n\r\nbody {n}\r\n".encode() for n in range(count)]


def test_put_many_returns_references_in_order_and_stores_each_once(tmp_path: Path) -> None:
    """References come back in the order given; a body given twice is one file."""
    store = FileBlobStore(tmp_path / "messages")
    bodies = [*_bodies(20), b"same", b"same"]
    refs = store.put_many(bodies)
    assert [r.digest for r in refs] == [hashlib.sha256(b).hexdigest() for b in bodies]
    assert [r.size for r in refs] == [len(b) for b in bodies]
    assert all(store.read(r.digest) == b for r, b in zip(refs, bodies, strict=True))
    files = [p for p in (tmp_path / "messages").rglob("*") if p.is_file()]
    assert len(files) == 21
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in files)
    assert store.put_many(bodies) == refs  # already stored: nothing new
    assert len([p for p in (tmp_path / "messages").rglob("*") if p.is_file()]) == 21


class _Trace:
    """Records the file system calls that matter for durability, in order."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[str, str]] = []
        real_open, real_fsync, real_replace = os.open, os.fsync, os.replace

        def traced_open(path: str, flags: int, mode: int = 0o777) -> int:
            fd = real_open(path, flags, mode)
            if flags & os.O_CREAT:
                self.calls.append(("create-dsync" if flags & os.O_DSYNC else "create", path))
            return fd

        def traced_fsync(fd: int) -> None:
            self.calls.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
            real_fsync(fd)

        def traced_replace(source: str, target: str) -> None:
            self.calls.append(("rename", target))
            real_replace(source, target)

        monkeypatch.setattr(os, "open", traced_open)
        monkeypatch.setattr(os, "fsync", traced_fsync)
        monkeypatch.setattr(os, "replace", traced_replace)

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.calls]


@pytest.mark.skipif(blobs._SYNCFS is None, reason="syncfs is Linux-only")
def test_a_batch_is_flushed_before_and_after_its_renames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batch protocol: write every temporary, flush the file system, rename, flush again;
    no per-file fsync."""
    assert blobs._SYNCFS is not None
    real_syncfs = blobs._SYNCFS
    trace = _Trace(monkeypatch)

    def traced_syncfs(fd: int) -> int:
        trace.calls.append(("syncfs", os.readlink(f"/proc/self/fd/{fd}")))
        return real_syncfs(fd)

    monkeypatch.setattr(blobs, "_SYNCFS", traced_syncfs)
    store = FileBlobStore(tmp_path / "messages")
    store.put_many(_bodies(5))
    root = str(tmp_path / "messages")
    assert trace.kinds() == ["create"] * 5 + ["syncfs"] + ["rename"] * 5 + ["syncfs"]
    assert {path for kind, path in trace.calls if kind == "syncfs"} == {root}


def test_one_by_one_every_changed_directory_is_fsynced_after_the_renames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without syncfs: files are written O_DSYNC, and after the renames each directory that
    gained an entry (a new file, or a new subdirectory) is fsynced exactly once."""
    monkeypatch.setattr(blobs, "_SYNCFS", None)
    store = FileBlobStore(tmp_path / "messages")
    store.put(b"first")  # makes the root
    trace = _Trace(monkeypatch)
    bodies = _bodies(3)
    refs = store.put_many(bodies)
    kinds = trace.kinds()
    assert kinds[:6] == ["create-dsync", "create-dsync", "create-dsync"] + ["rename"] * 3
    fsynced = [path for kind, path in trace.calls if kind == "fsync"]
    assert len(fsynced) == len(set(fsynced)) and kinds[6:] == ["fsync"] * len(fsynced)
    leaves = {str(store.path(r.digest).parent) for r in refs}
    middles = {str(store.path(r.digest).parent.parent) for r in refs}
    # Every leaf and middle directory was new, so their parents changed too.
    assert set(fsynced) == leaves | middles | {str(tmp_path / "messages")}


def test_a_body_another_writer_stored_gets_its_directory_fsynced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name another writer renamed into place may not be on disk yet: fsync it."""
    store = FileBlobStore(tmp_path)
    ref = store.put(b"shared")
    trace = _Trace(monkeypatch)
    assert store.put(b"shared") == ref
    assert trace.calls == [("fsync", str(store.path(ref.digest).parent))]


@pytest.mark.skipif(blobs._SYNCFS is None, reason="syncfs is Linux-only")
def test_a_failed_flush_raises_and_leaves_no_temporaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An I/O error from the flush reaches the caller; nothing half-written remains."""

    def failing_syncfs(fd: int) -> int:
        ctypes.set_errno(errno.EIO)
        return -1

    monkeypatch.setattr(blobs, "_SYNCFS", failing_syncfs)
    store = FileBlobStore(tmp_path)
    with pytest.raises(OSError, match="Input/output error") as raised:
        store.put_many(_bodies(4))
    assert raised.value.errno == errno.EIO
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
