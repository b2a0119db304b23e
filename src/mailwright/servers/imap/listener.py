"""The IMAP listeners of the platform: ``imap`` (STARTTLS, 2143 by default) and ``imaps``
(implicit TLS, 2993). Each connection runs one ``Session``; the registry routes events to
them and enforces the connection limits."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from typing import Any

from mailwright.config import Settings
from mailwright.protocols.imap import codes
from mailwright.protocols.imap import response as r
from mailwright.servers.imap.config import ImapConfig
from mailwright.servers.imap.connection import ImapConnection
from mailwright.servers.imap.registry import SessionRegistry
from mailwright.servers.imap.session import Session
from mailwright.servers.tls import server_context
from mailwright.services.container import Services

log = logging.getLogger(__name__)

TLS_HANDSHAKE_TIMEOUT = 30.0


class ImapComponent:
    """Both IMAP listeners and their sessions.

    ``overrides`` replace fields of `ImapConfig` (limits and timeouts), e.g. in tests.
    """

    def __init__(self, settings: Settings, services: Services, **overrides: Any) -> None:
        self._settings = settings
        self._services = services
        self._overrides = overrides
        self.registry = SessionRegistry()
        self._servers: list[asyncio.Server] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._unsubscribe: Any = None
        self.config: ImapConfig | None = None

    async def start(self) -> dict[str, tuple[str, int]]:
        """Bind ``imap`` and ``imaps``; return their addresses."""
        s = self._settings
        tls = server_context(s.resolve(s.tls.certificate), s.resolve(s.tls.private_key))
        base = ImapConfig(
            hostname=s.server.hostname,
            portal_url=f"{s.public_url}/account/",
            tls=tls,
            max_append=s.smtp.max_message_size,
            max_connections=s.imap.max_connections,
            max_connections_per_source=s.imap.max_connections_per_source,
            login_timeout=s.imap.login_timeout_seconds,
            idle_timeout=s.imap.idle_timeout_seconds,
        )
        self.config = dataclasses.replace(base, **self._overrides)
        self._unsubscribe = self._services.events.subscribe(self.registry.on_event)
        loop = asyncio.get_running_loop()
        plain = await loop.create_server(
            lambda: self._connection(starttls_port=True),
            s.imap.host,
            s.imap.port,
            reuse_address=True,
            backlog=512,
        )
        self._servers.append(plain)
        secure = await loop.create_server(
            lambda: self._connection(starttls_port=False),
            s.imap.host,
            s.imap.imaps_port,
            ssl=tls,
            ssl_handshake_timeout=TLS_HANDSHAKE_TIMEOUT,
            reuse_address=True,
            backlog=512,
        )
        self._servers.append(secure)
        return {"imap": _address(plain), "imaps": _address(secure)}

    def _connection(self, *, starttls_port: bool) -> ImapConnection:
        assert self.config is not None
        return ImapConnection(
            lambda connection: self._open(connection, starttls_port),
            max_line=self.config.preauth_max_line,
            max_literal=self.config.preauth_max_literal,
        )

    def _open(self, connection: ImapConnection, starttls_port: bool) -> None:
        config = self.config
        assert config is not None
        full = len(self.registry) >= config.max_connections
        if full or self.registry.connections_from(connection.peer) >= (
            config.max_connections_per_source
        ):
            connection.write(r.bye("Too many connections; try again later", codes.UNAVAILABLE))
            connection.close()
            return
        session = Session(
            connection, self._services, config, self.registry, starttls_port=starttls_port
        )
        self.registry.add(session)
        task = asyncio.create_task(session.run())
        session.task = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        """Stop accepting, say BYE to every session and wait for them to end."""
        for server in self._servers:
            server.close()
        self.registry.close_all("Server shutting down")
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for server in self._servers:
            await server.wait_closed()
        self._servers.clear()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None


def _address(server: asyncio.Server) -> tuple[str, int]:
    host, port = server.sockets[0].getsockname()[:2]
    return str(host), int(port)
