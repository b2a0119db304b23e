"""Delivery workers as a platform component (inside ``mailwright serve``) and on their own
(``mailwright worker``)."""

from __future__ import annotations

import asyncio
import contextlib

from mailwright.config import Settings
from mailwright.delivery.routes import Router, make_resolver
from mailwright.delivery.worker import DeliveryWorker
from mailwright.services.container import Services


def build_worker(settings: Settings, services: Services) -> DeliveryWorker:
    """A worker configured from ``[delivery]``."""
    d = settings.delivery
    credentials = (d.smarthost_username, d.smarthost_password) if d.smarthost_username else None
    router = Router(
        routes=d.routes,
        smarthost=d.smarthost,
        credentials=credentials,
        resolver=make_resolver(d.nameserver, d.dns_timeout_seconds),
    )
    worker = DeliveryWorker(
        services,
        router,
        helo=settings.server.hostname,
        tls=d.starttls,
        batch_size=d.batch_size,
        per_destination=d.concurrency_per_destination,
        timeout=d.connection_timeout_seconds,
    )
    services.events.subscribe(worker.on_event)
    return worker


class DeliveryComponent:
    """Runs ``count`` delivery workers until stopped."""

    def __init__(self, settings: Settings, services: Services, *, count: int) -> None:
        self._settings = settings
        self._services = services
        self._count = count
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.workers: list[DeliveryWorker] = []

    async def start(self) -> dict[str, tuple[str, int]]:
        """Start the workers (they listen on nothing)."""
        for _ in range(self._count):
            worker = build_worker(self._settings, self._services)
            self.workers.append(worker)
            self._tasks.append(asyncio.create_task(worker.run(self._stop)))
        return {}

    async def stop(self) -> None:
        """Let each worker finish its round, then stop."""
        self._stop.set()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
