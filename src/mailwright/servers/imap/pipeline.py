"""Load batch n+1 while batch n is answered: the disk (in a worker thread) and the database
work while the event loop renders and encrypts responses."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from typing import TypeVar

Batch = TypeVar("Batch")
Loaded = TypeVar("Loaded")


async def pipelined(
    batches: Sequence[Batch], load: Callable[[Batch], Awaitable[Loaded]]
) -> AsyncGenerator[Loaded, None]:
    """Yield ``load(batch)`` for each batch in order, one load ahead.

    Use it under ``contextlib.aclosing`` so the load ahead is cancelled when the consumer
    stops early.
    """
    pending: asyncio.Future[Loaded] | None = None
    try:
        for index, batch in enumerate(batches):
            current = pending if pending is not None else asyncio.ensure_future(load(batch))
            pending = None
            if index + 1 < len(batches):
                pending = asyncio.ensure_future(load(batches[index + 1]))
            yield await current
    finally:
        if pending is not None:
            pending.cancel()
