"""The running platform: every listener and background worker in one asyncio process.

``Platform`` binds its sockets first (port 0 picks a free port, which tests use), then serves
until stopped. The bound addresses are in ``Platform.listeners`` so that the password verifier
and tests can reach the live servers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import uvicorn

from mailwright.bootstrap import open_services
from mailwright.config import Settings
from mailwright.model.interfaces import Clock
from mailwright.services.container import Services
from mailwright.web.app import create_app

log = logging.getLogger(__name__)


@dataclass
class Listeners:
    """Where each listener is bound (host, port); None when it is not running."""

    http: tuple[str, int] | None = None
    extra: dict[str, tuple[str, int]] = field(default_factory=dict)


class _EmbeddedServer(uvicorn.Server):
    """uvicorn without its own signal handling: the platform decides when to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(512)
    sock.setblocking(False)
    return sock


class Platform:
    """All listeners of one process over one set of services."""

    def __init__(self, settings: Settings, services: Services) -> None:
        self.settings = settings
        self.services = services
        self.listeners = Listeners()
        self._tasks: list[asyncio.Task[None]] = []
        self._http: _EmbeddedServer | None = None

    async def start(self) -> None:
        """Bind every socket and start serving."""
        http_socket = bind(self.settings.http.host, self.settings.http.port)
        self.listeners.http = http_socket.getsockname()[:2]
        config = uvicorn.Config(
            create_app(self.services, self.settings),
            log_config=None,
            access_log=False,
            lifespan="off",
            server_header=False,
        )
        self._http = _EmbeddedServer(config)
        self._tasks.append(asyncio.create_task(self._http.serve(sockets=[http_socket])))
        while not self._http.started:
            if self._tasks[-1].done():
                self._tasks[-1].result()
            await asyncio.sleep(0.01)
        log.info("HTTP listening on %s:%d", *self.listeners.http)

    async def stop(self) -> None:
        """Stop serving and wait for the listeners to close."""
        if self._http is not None:
            self._http.should_exit = True
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()


@contextlib.asynccontextmanager
async def running_platform(
    settings: Settings, *, clock: Clock | None = None
) -> AsyncIterator[Platform]:
    """Open the services and run every listener until the block ends."""
    async with open_services(settings, clock=clock) as services:
        platform = Platform(settings, services)
        await platform.start()
        try:
            yield platform
        finally:
            await platform.stop()


async def serve_forever(settings: Settings) -> None:
    """``mailwright serve``: run until SIGINT or SIGTERM, then shut down cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running_platform(settings) as platform:
        http = platform.listeners.http
        if http:
            print(
                f"Mailwright is running: admin center http://{http[0]}:{http[1]}/admin/", flush=True
            )
        await stop.wait()
        log.info("shutting down")
