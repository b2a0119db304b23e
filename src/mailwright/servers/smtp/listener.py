"""The SMTP listeners of the platform: inbound MX, submission with STARTTLS, implicit-TLS
submission. Each connection runs one ``SmtpSession``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl

from mailwright.config import Settings
from mailwright.protocols.smtp import replies
from mailwright.servers.smtp.connection import Connection
from mailwright.servers.smtp.session import Mode, SessionConfig, SmtpSession
from mailwright.servers.tls import server_context
from mailwright.services.container import Services

log = logging.getLogger(__name__)

MAX_CONNECTIONS = 1000
TLS_HANDSHAKE_TIMEOUT = 30.0


class SmtpListener:
    """One listening socket and the sessions on it."""

    def __init__(
        self, config: SessionConfig, services: Services, *, implicit_tls: ssl.SSLContext | None
    ) -> None:
        self.config = config
        self.services = services
        self._implicit_tls = implicit_tls
        self._server: asyncio.Server | None = None
        self._sessions: set[asyncio.Task[None]] = set()

    async def start(self, host: str, port: int) -> tuple[str, int]:
        """Bind and accept connections; return the bound address."""
        self._server = await asyncio.start_server(
            self._accept,
            host,
            port,
            ssl=self._implicit_tls,
            ssl_handshake_timeout=TLS_HANDSHAKE_TIMEOUT if self._implicit_tls else None,
            reuse_address=True,
            backlog=512,
        )
        bound = self._server.sockets[0].getsockname()
        return str(bound[0]), int(bound[1])

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        connection = Connection(reader, writer, timeout=self.config.timeout)
        if len(self._sessions) >= MAX_CONNECTIONS:
            with contextlib.suppress(OSError, TimeoutError):
                await connection.send(replies.TOO_MANY_CONNECTIONS)
            await connection.close()
            return
        self._sessions.add(task)
        try:
            await SmtpSession(connection, self.config, self.services).run()
        except TimeoutError:
            with contextlib.suppress(OSError, TimeoutError, ssl.SSLError):
                await connection.send(replies.TIMEOUT)
        except (ConnectionError, ssl.SSLError, OSError) as error:
            log.debug("smtp: connection from %s ended: %s", connection.peer, error)
        except Exception:
            log.exception("smtp: session from %s failed", connection.peer)
            with contextlib.suppress(OSError, TimeoutError, ssl.SSLError):
                await connection.send(replies.LOCAL_ERROR)
        finally:
            self._sessions.discard(task)
            await connection.close()

    async def stop(self) -> None:
        """Stop accepting, and end open sessions."""
        if self._server is not None:
            self._server.close()
        for task in list(self._sessions):
            task.cancel()
        for task in list(self._sessions):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._server is not None:
            await self._server.wait_closed()


class SmtpComponent:
    """The platform component running all three SMTP listeners."""

    def __init__(self, settings: Settings, services: Services) -> None:
        self._settings = settings
        self._services = services
        self._listeners: list[SmtpListener] = []

    async def start(self) -> dict[str, tuple[str, int]]:
        """Bind inbound (``smtp``), ``submission`` and ``submissions``."""
        s = self._settings
        tls = server_context(s.resolve(s.tls.certificate), s.resolve(s.tls.private_key))
        plan = [
            ("smtp", s.smtp.inbound_port, Mode.INBOUND, None),
            ("submission", s.smtp.submission_port, Mode.SUBMISSION, None),
            ("submissions", s.smtp.submissions_port, Mode.SUBMISSION, tls),
        ]
        bound: dict[str, tuple[str, int]] = {}
        for name, port, mode, implicit in plan:
            config = SessionConfig(
                mode=mode,
                hostname=s.server.hostname,
                max_message_size=s.smtp.max_message_size,
                max_recipients=s.smtp.max_recipients,
                tls_context=tls,
                portal_url=s.public_url,
            )
            listener = SmtpListener(config, self._services, implicit_tls=implicit)
            bound[name] = await listener.start(s.smtp.host, port)
            self._listeners.append(listener)
        return bound

    async def stop(self) -> None:
        """Stop every listener."""
        for listener in self._listeners:
            await listener.stop()
        self._listeners.clear()
