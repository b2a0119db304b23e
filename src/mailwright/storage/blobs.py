"""Message bodies as immutable files named by their SHA-256, written durably.

``put`` returns only after the file and its directory entry are on disk (fsync of the file,
then of the directory, RFC-free but POSIX-required for a rename to survive power loss), so a
caller may answer SMTP ``250`` once the index row referring to it is committed. Identical
messages are stored once. Files are written to a temporary name in the same directory and
renamed into place, so a reader never sees a partial file and a crash leaves at most a
temporary file, which ``sweep_temporary`` removes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from mailwright.model.mailstore import BlobRef

_TEMP_SUFFIX = ".tmp"


class FileBlobStore:
    """Implements ``model.interfaces.BlobStore`` on a local directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._root = str(root)

    def path(self, digest: str) -> Path:
        """Where the blob with this digest lives: ``root/ab/cd/abcd...``."""
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, data: bytes) -> BlobRef:
        """Store ``data`` durably (once per distinct content) and return its reference."""
        digest = hashlib.sha256(data).hexdigest()
        # Plain strings and os calls: this runs for every message, and pathlib's objects cost
        # more than the system calls.
        directory = f"{self._root}/{digest[:2]}/{digest[2:4]}"
        target = f"{directory}/{digest}"
        try:
            if os.stat(target).st_size == len(data):
                return BlobRef(digest, len(data))
        except FileNotFoundError:
            pass
        temporary = f"{target}.{os.getpid()}.{id(data)}{_TEMP_SUFFIX}"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        try:
            fd = os.open(temporary, flags, 0o600)
        except FileNotFoundError:
            self._make_dirs(Path(directory))
            fd = os.open(temporary, flags, 0o600)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, target)
        _fsync_directory(directory)
        return BlobRef(digest, len(data))

    def read(self, digest: str) -> bytes:
        """The whole blob. Raises: FileNotFoundError."""
        return self.path(digest).read_bytes()

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

    def _make_dirs(self, directory: Path) -> None:
        missing = []
        current = directory
        while not current.exists():
            missing.append(current)
            current = current.parent
        for path in reversed(missing):
            try:
                path.mkdir(mode=0o700)
            except FileExistsError:
                continue
            _fsync_directory(path.parent)


def _fsync_directory(directory: Path | str) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
