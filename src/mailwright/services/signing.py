"""DKIM signing for the delivery worker, fast enough for hundreds of messages a second.

``DkimService.sign`` reads the domain's key from the database, unseals it and signs with
dkimpy for every message. Here the unsealed key of each domain is kept for ``KEY_TTL`` (a
rotation reaches the workers within that time; the old key stays published for days anyway),
and signatures are made by ``security.dkim_signing`` (OpenSSL) on worker threads, which run
in parallel because OpenSSL releases the interpreter lock.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from mailwright.model.interfaces import Database
from mailwright.security.dkim_signing import DkimSigner, from_domain
from mailwright.security.sealing import Sealer

KEY_TTL = 60.0
"""Seconds a domain's key (or its absence) is remembered."""


class MessageSigner:
    """Signs outbound messages with the active DKIM key of their From domain."""

    def __init__(self, database: Database, sealer: Sealer, *, threads: int = 4) -> None:
        self._db = database
        self._sealer = sealer
        self._keys: dict[str, tuple[float, DkimSigner | None]] = {}
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="dkim")

    async def sign(self, message: bytes) -> bytes:
        """``message`` with a DKIM-Signature in front when its From domain has a key here;
        unchanged otherwise."""
        domain = from_domain(message)
        signer = await self._signer(domain) if domain else None
        if signer is None:
            return message
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, signer.sign, message)

    async def sign_stored(self, read: Callable[[], bytes]) -> bytes:
        """Like ``sign`` for a message that ``read`` (blocking) loads, e.g. from the blob
        store: reading and signing happen on one signing thread, one hop from the event loop
        instead of two, whenever the From domain's key is already remembered."""
        loop = asyncio.get_running_loop()
        message, signed = await loop.run_in_executor(self._pool, self._read_and_sign, read)
        return signed if signed is not None else await self.sign(message)

    def _read_and_sign(self, read: Callable[[], bytes]) -> tuple[bytes, bytes | None]:
        """On a signing thread: the message, and it signed (or unchanged: no From domain, or
        no key for it); None when the key must first be looked up on the event loop."""
        message = read()
        domain = from_domain(message)
        if domain is None:
            return message, message
        remembered = self._remembered(domain)
        if remembered is None:
            return message, None
        signer = remembered[1]
        return message, signer.sign(message) if signer is not None else message

    async def sign_many(self, messages: Sequence[bytes]) -> list[bytes]:
        """Sign several messages at once (on parallel threads)."""
        return list(await asyncio.gather(*(self.sign(m) for m in messages)))

    def forget(self) -> None:
        """Drop every remembered key (after a rotation in this process)."""
        self._keys.clear()

    def close(self) -> None:
        """Stop the signing threads."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _remembered(self, domain: str) -> tuple[float, DkimSigner | None] | None:
        """The domain's remembered (expiry, signer) while fresh, else None."""
        cached = self._keys.get(domain)
        return cached if cached is not None and cached[0] > time.monotonic() else None

    async def _signer(self, domain: str) -> DkimSigner | None:
        remembered = self._remembered(domain)
        if remembered is not None:
            return remembered[1]
        now = time.monotonic()
        async with self._db.snapshot() as tx:
            key = await tx.dkim_keys.find_active(domain)
        signer = None
        if key is not None:
            private = self._sealer.unseal(key.private_key_sealed)
            signer = DkimSigner(domain=domain, selector=key.selector, private_key_pem=private)
        self._keys[domain] = (now + KEY_TTL, signer)
        return signer
