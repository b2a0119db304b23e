"""Runs password hashing off the event loop.

argon2 spends tens of milliseconds of CPU and memory per call. argon2-cffi releases the GIL
while it works, so a thread pool as wide as the machine lets every core hash at once while the
event loop keeps serving other connections.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from mailwright.security.passwords import PasswordHasher


class HashingPool:
    """Async front of a ``PasswordHasher`` backed by a bounded thread pool."""

    def __init__(self, hasher: PasswordHasher, *, workers: int | None = None) -> None:
        self.hasher = hasher
        self._workers = workers or os.cpu_count() or 2
        self._executor = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="argon2")

    @property
    def workers(self) -> int:
        """How many hashes can run at once."""
        return self._workers

    async def hash(self, password: str) -> str:
        """Hash ``password`` in the pool."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.hasher.hash, password)

    async def hash_many(self, passwords: Sequence[str]) -> list[str]:
        """Hash many passwords using every worker; results in input order."""
        return list(await asyncio.gather(*(self.hash(p) for p in passwords)))

    async def verify(self, stored: str, password: str) -> bool:
        """Verify ``password`` against ``stored`` in the pool."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.hasher.verify, stored, password)

    async def verify_dummy(self, password: str) -> None:
        """Spend one verification's time for a login that cannot succeed."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self.hasher.verify_dummy, password)

    async def matches_any(self, hashes: Sequence[str], password: str) -> bool:
        """True when ``password`` matches one of ``hashes`` (the history check)."""
        results = await asyncio.gather(*(self.verify(h, password) for h in hashes))
        return any(results)

    def close(self) -> None:
        """Stop the worker threads."""
        self._executor.shutdown(wait=False, cancel_futures=True)
