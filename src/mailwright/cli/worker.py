"""``mailwright worker``: delivery workers without listeners (for scaling out on PostgreSQL)."""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated

import typer

from mailwright.bootstrap import configure_logging, open_services
from mailwright.cli.context import DataDir, settings_for
from mailwright.cli.errors import fail
from mailwright.config import Settings
from mailwright.model.errors import MailwrightError


def worker(
    data_dir: DataDir = None,
    count: Annotated[int, typer.Option(min=1, max=64, help="Workers in this process.")] = 1,
) -> None:
    """Run delivery workers and a webhook dispatcher, no listeners, until SIGINT/SIGTERM."""
    settings = settings_for(data_dir)
    configure_logging(settings)
    try:
        asyncio.run(_run(settings, count))
    except MailwrightError as error:
        fail(error)


async def _run(settings: Settings, count: int) -> None:
    from mailwright.delivery.component import DeliveryComponent
    from mailwright.delivery.webhooks import WebhookComponent

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with open_services(settings) as services:
        component = DeliveryComponent(settings, services, count=count)
        webhooks = WebhookComponent(services)
        await component.start()
        await webhooks.start()
        print(f"Mailwright delivery workers running: {count}", flush=True)
        await stop.wait()
        await webhooks.stop()
        await component.stop()
