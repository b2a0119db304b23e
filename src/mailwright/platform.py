"""The running platform: every listener and background worker in one asyncio process.

Each component binds its sockets first (port 0 picks a free port, which tests use), then
serves until stopped. The bound addresses are in ``Platform.listeners`` by name (``http``,
``smtp``, ``submission``, ``submissions``, ``imap``, ``imaps``), so the password verifier and
tests can reach the live servers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Protocol

import uvicorn

from mailwright.bootstrap import open_services
from mailwright.config import Settings
from mailwright.model.interfaces import Clock
from mailwright.services.container import Services
from mailwright.web.app import create_app

log = logging.getLogger(__name__)


class Component(Protocol):
    """A part of the running platform."""

    async def start(self) -> dict[str, tuple[str, int]]:
        """Bind and start serving; return the bound addresses by listener name."""
        ...

    async def stop(self) -> None:
        """Stop serving and release the sockets."""
        ...


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(512)
    sock.setblocking(False)
    return sock


def address_of(sock: socket.socket) -> tuple[str, int]:
    """(host, port) a socket is bound to."""
    host, port = sock.getsockname()[:2]
    return str(host), int(port)


class _EmbeddedServer(uvicorn.Server):
    """uvicorn without its own signal handling: the platform decides when to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class HttpComponent:
    """The HTTP listener (admin center, account portal, REST API)."""

    def __init__(self, settings: Settings, services: Services) -> None:
        self._settings = settings
        self._services = services
        self._server: _EmbeddedServer | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> dict[str, tuple[str, int]]:
        sock = bind(self._settings.http.host, self._settings.http.port)
        config = uvicorn.Config(
            create_app(self._services, self._settings),
            log_config=None,
            access_log=False,
            lifespan="off",
            server_header=False,
        )
        self._server = _EmbeddedServer(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)
        return {"http": address_of(sock)}

    async def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def default_components(settings: Settings, services: Services) -> list[Component]:
    """Every component ``mailwright serve`` runs."""
    from mailwright.delivery.component import DeliveryComponent
    from mailwright.delivery.webhooks import WebhookComponent
    from mailwright.servers.imap.listener import ImapComponent
    from mailwright.servers.smtp.listener import SmtpComponent

    return [
        HttpComponent(settings, services),
        SmtpComponent(settings, services),
        ImapComponent(settings, services),
        DeliveryComponent(settings, services, count=settings.delivery.workers),
        # The webhook dispatcher runs where the delivery workers run.
        *([WebhookComponent(services)] if settings.delivery.workers else []),
    ]


class Platform:
    """All listeners of one process over one set of services."""

    def __init__(
        self, settings: Settings, services: Services, components: list[Component] | None = None
    ) -> None:
        self.settings = settings
        self.services = services
        self.components = components or default_components(settings, services)
        self.listeners: dict[str, tuple[str, int]] = {}

    async def start(self) -> None:
        """Start every component, then tell the login verifier where the listeners are."""
        for component in self.components:
            self.listeners.update(await component.start())
        self.services.verifier.register(
            imap=self.listeners.get("imap"), smtp=self.listeners.get("submission")
        )
        for name, (host, port) in sorted(self.listeners.items()):
            log.info("%s listening on %s:%d", name, host, port)

    async def stop(self) -> None:
        """Stop every component, newest first."""
        for component in reversed(self.components):
            await component.stop()

    def url(self, path: str = "/") -> str:
        """An HTTP URL on the running platform."""
        host, port = self.listeners["http"]
        return f"http://{host}:{port}{path}"


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
        lines = [f"  {name:<12} {host}:{port}" for name, (host, port) in platform.listeners.items()]
        print("Mailwright is running:\n" + "\n".join(lines), flush=True)
        print(f"Admin center: {platform.url('/admin/')}", flush=True)
        await stop.wait()
        log.info("shutting down")
