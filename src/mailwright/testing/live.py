"""The platform running in a background thread with its own event loop, so tests can drive it
with blocking clients (smtplib, imaplib, swaks, msmtp) from plain synchronous code."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from mailwright.config import Settings
from mailwright.model.interfaces import Clock
from mailwright.platform import Platform, running_platform
from mailwright.services.container import Services

T = TypeVar("T")


class LivePlatform:
    """A running platform plus a way to call its services from another thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop, platform: Platform) -> None:
        self._loop = loop
        self.platform = platform

    @property
    def services(self) -> Services:
        """The platform's services (call their coroutines through ``run``)."""
        return self.platform.services

    @property
    def listeners(self) -> dict[str, tuple[str, int]]:
        """Bound listener addresses by name."""
        return self.platform.listeners

    def port(self, name: str) -> int:
        """The port of one listener."""
        return self.listeners[name][1]

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Run a coroutine on the platform's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)


@contextmanager
def live_platform(settings: Settings, *, clock: Clock | None = None) -> Iterator[LivePlatform]:
    """Start the platform in a thread; stop it when the block ends."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop: asyncio.Event | None = None
    failure: list[BaseException] = []
    holder: list[LivePlatform] = []

    async def main() -> None:
        nonlocal stop
        stop = asyncio.Event()
        try:
            async with running_platform(settings, clock=clock) as platform:
                holder.append(LivePlatform(loop, platform))
                ready.set()
                await stop.wait()
        except BaseException as error:
            failure.append(error)
            ready.set()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    ready.wait(60)
    if failure:
        thread.join(10)
        loop.close()
        raise failure[0]
    try:
        yield holder[0]
    finally:
        assert stop is not None
        loop.call_soon_threadsafe(stop.set)
        thread.join(60)
        loop.close()
