"""Message bodies as immutable files named by their SHA-256, written durably.

``put`` and ``put_many`` return only after the files and their directory entries are on disk,
so a caller may answer SMTP ``250`` or HTTP ``202`` once the index rows referring to them are
committed. Identical messages are stored once. Files are written to a temporary name in their
final directory and renamed into place only once their bytes are on disk, so a name always
holds a whole body; a crash leaves at most temporaries, which ``sweep_temporary`` removes.

Two ways to make the writes durable (``docs/decisions.md``, "Batches of message files are
flushed with syncfs"):

- per file (``put``, and wherever ``syncfs`` is missing): the file is opened ``O_DSYNC``, so
  its write returns with the bytes on disk; after the rename its directory is fsynced (POSIX
  requires that for the name to survive power loss), once per directory per call;
- per batch (``put_many`` of two or more on Linux): the files are written without syncing,
  one ``syncfs`` flushes them all, they are renamed, and a second ``syncfs`` flushes the names.
  Two flushes of the file system instead of two fsyncs per file: a 500-message API batch
  spreads over ~500 directories, so per-directory sharing alone saves little.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from mailwright.model.mailstore import BlobRef

_TEMP_SUFFIX = ".tmp"
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL


def _find_syncfs() -> Callable[[int], int] | None:
    try:
        function: Callable[[int], int] = ctypes.CDLL(None, use_errno=True).syncfs
    except (AttributeError, OSError):  # not Linux
        return None
    return function


_SYNCFS = _find_syncfs()


class FileBlobStore:
    """Implements ``model.interfaces.BlobStore`` on a local directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._root = str(root)

    def path(self, digest: str) -> Path:
        """Where the blob with this digest lives: ``root/ab/cd/abcd...``."""
        return Path(f"{self._directory(digest)}/{digest}")

    def _directory(self, digest: str) -> str:
        # Plain strings: this runs for every message stored or sent, and pathlib's objects
        # cost more than the system calls.
        return f"{self._root}/{digest[:2]}/{digest[2:4]}"

    def put(self, data: bytes) -> BlobRef:
        """Store ``data`` durably (once per distinct content) and return its reference."""
        return self._put_each((data,))[0]

    def put_many(self, items: Sequence[bytes]) -> list[BlobRef]:
        """Store several bodies durably and return their references, in order.

        If anything fails, the temporaries not yet renamed are removed and the error
        propagates; files already renamed hold whole bodies (and are harmless: unreferenced
        until an index row names them).
        """
        if len(items) < 2 or _SYNCFS is None:
            return self._put_each(items)
        return self._put_batch(items, _SYNCFS)

    def _put_each(self, items: Sequence[bytes]) -> list[BlobRef]:
        refs, targets = self._targets(items)
        renames: list[tuple[str, str]] = []
        dirty: set[str] = set()
        try:
            for data, target, directory in targets:
                if _stored(target, len(data)):
                    # Another writer renamed it after its bytes were on disk; the name may
                    # not be yet.
                    dirty.add(directory)
                    continue
                temporary, fd = self._create(target, directory, dirty)
                renames.append((temporary, target))
                _write(fd, data)
            self._rename(renames, dirty)
            for directory in sorted(dirty):
                _fsync_directory(directory)
        finally:
            _remove(renames)
        return refs

    def _put_batch(self, items: Sequence[bytes], syncfs: Callable[[int], int]) -> list[BlobRef]:
        refs, targets = self._targets(items)
        renames: list[tuple[str, str]] = []
        if not os.path.isdir(self._root):
            self._make_dirs(self._root)
        # Opened before writing: syncfs reports the file system's write-back errors that
        # happened since this descriptor was opened (Linux 5.8 and later).
        anchor = os.open(self._root, os.O_RDONLY)
        try:
            for data, target, directory in targets:
                if _stored(target, len(data)):
                    continue  # a whole body; the second syncfs makes its name durable too
                temporary, fd = self._create(target, directory, set(), sync=False)
                renames.append((temporary, target))
                _write(fd, data)
            _sync_filesystem(syncfs, anchor)
            self._rename(renames, set())
            _sync_filesystem(syncfs, anchor)
        finally:
            os.close(anchor)
            _remove(renames)
        return refs

    def _targets(
        self, items: Sequence[bytes]
    ) -> tuple[list[BlobRef], list[tuple[bytes, str, str]]]:
        """Each body's reference, in order; and what to write: (body, final path, directory),
        a body given twice once."""
        refs = []
        found = []
        seen: set[str] = set()
        for data in items:
            digest = hashlib.sha256(data).hexdigest()
            refs.append(BlobRef(digest, len(data)))
            directory = self._directory(digest)
            target = f"{directory}/{digest}"
            if target not in seen:
                seen.add(target)
                found.append((data, target, directory))
        return refs, found

    def _create(
        self, target: str, directory: str, dirty: set[str], *, sync: bool = True
    ) -> tuple[str, int]:
        """Open a new temporary next to ``target`` (``O_DSYNC`` if ``sync``), making its
        directory if needed (the parents that changed go to ``dirty``)."""
        temporary = f"{target}.{os.getpid()}.{id(target)}{_TEMP_SUFFIX}"
        flags = _CREATE | os.O_DSYNC if sync else _CREATE
        try:
            return temporary, os.open(temporary, flags, 0o600)
        except FileNotFoundError:
            dirty.update(self._make_dirs(directory))
            return temporary, os.open(temporary, flags, 0o600)

    @staticmethod
    def _rename(renames: list[tuple[str, str]], dirty: set[str]) -> None:
        """Rename each temporary into place, taking it off ``renames`` once done."""
        while renames:
            temporary, target = renames[-1]
            os.replace(temporary, target)
            renames.pop()
            dirty.add(target.rpartition("/")[0])

    def read(self, digest: str) -> bytes:
        """The whole blob. Raises: FileNotFoundError."""
        with open(f"{self._directory(digest)}/{digest}", "rb", buffering=0) as file:
            return file.readall()

    def read_range(self, digest: str, start: int, end: int) -> bytes:
        """Bytes ``start:end`` of the blob, reading only those."""
        with self.path(digest).open("rb") as handle:
            handle.seek(start)
            return handle.read(max(0, end - start))

    def delete(self, digest: str) -> None:
        """Remove a blob no index row refers to any more."""
        self.path(digest).unlink(missing_ok=True)

    def sweep_temporary(self) -> int:
        """Remove temporary files left by a crash mid-write; return how many."""
        removed = 0
        if not self.root.exists():
            return 0
        for path in self.root.rglob(f"*{_TEMP_SUFFIX}"):
            path.unlink(missing_ok=True)
            removed += 1
        return removed

    def _make_dirs(self, directory: str) -> list[str]:
        """Create ``directory`` and its missing parents; return the directories whose
        entries changed (each new directory's parent), to be fsynced."""
        missing = []
        current = directory
        while not os.path.isdir(current):
            missing.append(current)
            current = os.path.dirname(current)
        for path in reversed(missing):
            with contextlib.suppress(FileExistsError):  # another writer was first
                os.mkdir(path, 0o700)
        # Fsync the parents even where another writer made the directory: it may not have
        # fsynced them yet when this writer's files are acknowledged.
        return [os.path.dirname(path) for path in missing]


def _write(fd: int, data: bytes) -> None:
    """Write all of ``data`` and close ``fd``."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _remove(renames: list[tuple[str, str]]) -> None:
    for temporary, _ in renames:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _stored(target: str, size: int) -> bool:
    try:
        return os.stat(target).st_size == size
    except FileNotFoundError:
        return False


def _sync_filesystem(syncfs: Callable[[int], int], fd: int) -> None:
    """Flush the whole file system holding ``fd``. Raises: OSError (e.g. EIO)."""
    if syncfs(fd) != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))


def _fsync_directory(directory: str) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
