"""An SMTP sink on 127.0.0.1 acting as a remote domain's mail server (aiosmtpd), for tests of
outbound delivery: it records what it receives and answers as told."""

from __future__ import annotations

import socket
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    """One message the sink accepted."""

    sender: str
    recipients: list[str]
    data: bytes
    peer: str


@dataclass
class SinkHandler:
    """aiosmtpd handler: replies come from ``rcpt_replies``/``data_replies`` queues (one per
    RCPT/DATA, oldest first) and default to acceptance."""

    received: list[Received] = field(default_factory=list)
    rcpt_replies: deque[str] = field(default_factory=deque)
    data_replies: deque[str] = field(default_factory=deque)
    connections: int = 0
    rcpt_default: str = "250 2.1.5 OK"

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        reply = self.rcpt_replies.popleft() if self.rcpt_replies else self.rcpt_default
        if reply.startswith("250"):
            envelope.rcpt_tos.append(address)
        return reply

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = self.data_replies.popleft() if self.data_replies else "250 2.0.0 Queued"
        if reply.startswith("250"):
            self.received.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    envelope.content,
                    str(session.peer[0]),
                )
            )
        return reply


class SmtpSink:
    """A running sink; use as a context manager."""

    def __init__(self) -> None:
        self.handler = SinkHandler()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self._controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            decode_data=False,
            ready_timeout=10,
        )

    @property
    def address(self) -> str:
        """``host:port`` for a ``[delivery.routes]`` entry."""
        return f"127.0.0.1:{self.port}"

    def __enter__(self) -> SmtpSink:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
