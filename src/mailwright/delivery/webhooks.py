"""Webhook delivery: the HTTP client that POSTs events, and the dispatcher that runs inside
``mailwright serve`` (next to the delivery workers) and ``mailwright worker``.

The dispatcher hands new delivery events to webhooks and POSTs due deliveries; the decisions
(which events, signatures, backoff, giving up) are ``services.webhooks``'. Several dispatchers
may share a PostgreSQL database: fan-out locks each webhook and claims skip locked rows, so no
event is POSTed twice except when a dispatcher dies mid-POST (at-least-once; receivers
deduplicate by ``Mailwright-Event-Id``).

Server-side request forgery: the poster resolves the target's name itself, refuses it when
any address is private (unless allowed), then connects to the address it checked (keeping the
name for ``Host``, TLS SNI and certificate checks), so a name cannot resolve to a public
address for the check and a private one for the connection (DNS rebinding). Redirects are not
followed and proxies from the environment are not used.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
from collections.abc import Awaitable, Callable, Mapping

import httpx

from mailwright.model.events import Event, OutboundQueued
from mailwright.model.webhooks import (
    ClaimedWebhookDelivery,
    IPAddress,
    PostResult,
    check_never_target,
    check_private_address,
    find_ip_literal,
)
from mailwright.services.container import Services
from mailwright.services.webhooks import WebhookService

log = logging.getLogger(__name__)

POST_TIMEOUT_SECONDS = 10.0
MAX_RESPONSE_BYTES = 2000
POLL_SECONDS = 2.0
BATCH_SIZE = 50
CONCURRENCY = 16

Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]


async def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (an IP literal resolves to itself)."""
    literal = find_ip_literal(host)
    if literal is not None:
        return [literal]
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[IPAddress] = []
    for info in infos:
        address = find_ip_literal(str(info[4][0]).split("%", 1)[0])
        if address is not None and address not in found:
            found.append(address)
    return found


class HttpWebhookPoster:
    """Implements ``WebhookPoster`` with httpx."""

    def __init__(
        self,
        *,
        allow_private: bool,
        timeout: float = POST_TIMEOUT_SECONDS,
        resolver: Resolver = resolve_host,
    ) -> None:
        self._allow_private = allow_private
        self._timeout = timeout
        self._resolve = resolver
        self._tls: ssl.SSLContext | None = None

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> PostResult:
        """POST ``body``; the result holds the status and the body's start, or why not."""
        try:
            target = httpx.URL(url)
            host = target.raw_host.decode("ascii")
            port = target.port or (443 if target.scheme == "https" else 80)
        except (httpx.InvalidURL, UnicodeError, ValueError):
            return PostResult(None, error="The URL is not valid.")
        try:
            async with asyncio.timeout(self._timeout * 2):
                return await self._post(target, host, port, body, headers)
        except TimeoutError:
            return PostResult(None, error=f"No answer within {self._timeout:g} seconds.")

    async def _post(
        self, target: httpx.URL, host: str, port: int, body: bytes, headers: Mapping[str, str]
    ) -> PostResult:
        try:
            addresses = await self._resolve(host, port)
        except OSError as error:
            return PostResult(None, error=f"Cannot resolve {host}: {error.strerror or error}.")
        refused = self._refused(addresses)
        if refused or not addresses:
            return PostResult(None, error=refused or f"{host} has no address.")
        connect_to = target.copy_with(host=str(addresses[0]))
        extensions = {"sni_hostname": host} if target.scheme == "https" else {}
        sent = {**headers, "Host": target.netloc.decode("ascii")}
        try:
            async with (
                httpx.AsyncClient(
                    timeout=self._timeout,
                    follow_redirects=False,
                    trust_env=False,
                    verify=self._tls_context(),
                ) as client,
                client.stream(
                    "POST", connect_to, content=body, headers=sent, extensions=extensions
                ) as response,
            ):
                return PostResult(response.status_code, await _start_of(response))
        except httpx.TimeoutException:
            return PostResult(None, error=f"No answer within {self._timeout:g} seconds.")
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as error:
            return PostResult(None, error=f"Connection failed: {error or type(error).__name__}")

    def _refused(self, addresses: list[IPAddress]) -> str:
        for address in addresses:
            if check_never_target(address) or (
                not self._allow_private and check_private_address(address)
            ):
                return (
                    f"Refused: the target resolves to {address}, which is not a public "
                    "address (see [delivery] allow_private_webhooks)."
                )
        return ""

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = httpx.create_ssl_context()
        return self._tls


async def _start_of(response: httpx.Response) -> str:
    data = bytearray()
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) >= MAX_RESPONSE_BYTES:
            break
    return bytes(data[:MAX_RESPONSE_BYTES]).decode("utf-8", "replace")


class WebhookDispatcher:
    """Hands events to webhooks and POSTs what is due, round after round."""

    def __init__(
        self,
        webhooks: WebhookService,
        *,
        poll_seconds: float = POLL_SECONDS,
        batch_size: int = BATCH_SIZE,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self._webhooks = webhooks
        self._poll = poll_seconds
        self._batch = batch_size
        self._limit = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()

    def on_event(self, event: Event) -> None:
        """Event-hub subscriber: newly queued mail may come with events; look at once."""
        if isinstance(event, OutboundQueued):
            self._wake.set()

    async def run_once(self) -> int:
        """One round: fan out new events, POST due deliveries; returns how much was done."""
        made = await self._webhooks.fan_out()
        claimed = await self._webhooks.claim(self._batch)

        async def attempt(item: ClaimedWebhookDelivery) -> None:
            async with self._limit:
                await self._webhooks.attempt(item)

        await asyncio.gather(*(attempt(c) for c in claimed))
        return made + len(claimed)

    async def run(self, stop: asyncio.Event) -> None:
        """Dispatch until ``stop`` is set; between idle rounds wait for a poll interval or a
        wake-up."""
        while not stop.is_set():
            try:
                done = await self.run_once()
            except Exception:
                log.exception("webhook dispatcher: a round failed")
                done = 0
            if done:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll):
                    stop_wait = asyncio.ensure_future(stop.wait())
                    wake_wait = asyncio.ensure_future(self._wake.wait())
                    try:
                        await asyncio.wait(
                            {stop_wait, wake_wait}, return_when=asyncio.FIRST_COMPLETED
                        )
                    finally:
                        stop_wait.cancel()
                        wake_wait.cancel()


class WebhookComponent:
    """Runs one webhook dispatcher as a platform component (it listens on nothing)."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.dispatcher = WebhookDispatcher(services.webhooks)

    async def start(self) -> dict[str, tuple[str, int]]:
        """Start dispatching."""
        self._services.events.subscribe(self.dispatcher.on_event)
        self._task = asyncio.create_task(self.dispatcher.run(self._stop))
        return {}

    async def stop(self) -> None:
        """Let the round in progress finish, then stop."""
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
