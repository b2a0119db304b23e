"""One client connection as an asyncio protocol that feeds the command framer directly.

The framer is the only input buffer: bytes go from ``data_received`` straight into it, so
after STARTTLS nothing received in plaintext can survive in some other buffer and be read as
a command under TLS (CVE-2011-0411); ``start_tls`` resets the framer first. Reading pauses
while the framer holds more than the current limits allow (a client pipelining megabytes
waits for us), and writing callers ``drain()`` while the transport's buffer is full.

Writes are whole responses (the session buffers until a response is complete), so a ``* BYE``
written from outside the session (credentials changed) always lands between responses.
"""

from __future__ import annotations

import asyncio
import enum
import ssl
from collections.abc import Callable
from typing import Final

from mailwright.protocols.imap.framing import CommandFramer, FramerEvent

_WRITE_HIGH: Final = 1024 * 1024
_WRITE_LOW: Final = 256 * 1024
_CLOSE_GRACE: Final = 5.0
"""Seconds a closing connection may take to flush before it is aborted."""


class Interruption(enum.Enum):
    """Why ``next_event`` returned without a framer event."""

    CLOSED = "closed"  # EOF or connection lost
    TIMED_OUT = "timed out"
    WOKEN = "woken"  # the session was told to look at its folder (IDLE)


class ImapConnection(asyncio.Protocol):
    """Transport, framer and flow control of one connection."""

    def __init__(
        self,
        on_open: Callable[[ImapConnection], None],
        *,
        max_line: int,
        max_literal: int,
    ) -> None:
        self.framer = CommandFramer(max_line=max_line, max_literal=max_literal)
        self._room = max_line + max_literal
        self._on_open = on_open
        self.transport: asyncio.Transport | None = None
        self.peer = "unknown"
        self.tls = False
        self._signal = asyncio.Event()
        self._closed = False
        self._woken = False
        self._reading_paused = False
        self._writing_paused = False
        self._drained: asyncio.Future[None] | None = None
        self._lost = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.set_write_buffer_limits(high=_WRITE_HIGH, low=_WRITE_LOW)
        peer = transport.get_extra_info("peername")
        self.peer = str(peer[0]) if isinstance(peer, tuple) else "unknown"
        self.tls = transport.get_extra_info("sslcontext") is not None
        self._on_open(self)

    def data_received(self, data: bytes) -> None:
        self.framer.feed(data)
        self._signal.set()
        if self.transport is not None and self.framer.buffered > self._high_water():
            self.transport.pause_reading()
            self._reading_paused = True

    def eof_received(self) -> bool | None:
        self._closed = True
        self._signal.set()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        self._signal.set()
        self._wake_writer()
        if not self._lost.done():
            self._lost.set_result(None)

    def pause_writing(self) -> None:
        self._writing_paused = True

    def resume_writing(self) -> None:
        self._writing_paused = False
        self._wake_writer()

    def _wake_writer(self) -> None:
        if self._drained is not None and not self._drained.done():
            self._drained.set_result(None)

    def _high_water(self) -> int:
        # What one command may legitimately hold, plus room for a pipelined next one.
        return self._room + 65536

    def set_limits(self, *, max_line: int, max_literal: int) -> None:
        """Change the framer's limits (raised after login)."""
        self.framer.set_limits(max_line=max_line, max_literal=max_literal)
        self._room = max_line + max_literal

    @property
    def closed(self) -> bool:
        """True once the peer has gone or we closed."""
        return self._closed

    def wake(self) -> None:
        """Interrupt a ``next_event(wakeable=True)`` (the folder changed during IDLE)."""
        self._woken = True
        self._signal.set()

    async def next_event(
        self, seconds: float, *, wakeable: bool = False
    ) -> FramerEvent | Interruption:
        """The next framer event, or why there is none: closed, ``seconds`` of silence, woken."""
        deadline = asyncio.get_running_loop().time() + seconds
        while True:
            event = self.framer.next_event()
            if self._reading_paused and self.framer.buffered <= self._high_water() // 2:
                self._reading_paused = False
                if self.transport is not None:
                    self.transport.resume_reading()
            if event is not None:
                return event
            if self._closed:
                return Interruption.CLOSED
            if wakeable and self._woken:
                self._woken = False
                return Interruption.WOKEN
            self._signal.clear()
            try:
                async with asyncio.timeout_at(deadline):
                    await self._signal.wait()
            except TimeoutError:
                return Interruption.TIMED_OUT

    def write(self, data: bytes) -> None:
        """Queue octets for the client (whole responses only)."""
        if not self._closed and self.transport is not None and data:
            self.transport.write(data)

    async def drain(self) -> None:
        """Wait while the transport holds more than its high-water mark."""
        while self._writing_paused and not self._closed:
            self._drained = asyncio.get_running_loop().create_future()
            await self._drained

    async def start_tls(self, context: ssl.SSLContext) -> None:
        """Switch to TLS after ``OK Begin TLS``; plaintext input received so far is dropped.

        Raises:
            ConnectionError, ssl.SSLError, TimeoutError: the handshake failed.
        """
        assert self.transport is not None
        self.framer.reset()
        loop = asyncio.get_running_loop()
        transport = await loop.start_tls(
            self.transport, self, context, server_side=True, ssl_handshake_timeout=30
        )
        if transport is None:
            raise ConnectionError("the connection closed during the TLS handshake")
        self.transport = transport
        self.tls = True

    def close(self) -> None:
        """Flush and close; abort if the client does not read within a few seconds."""
        self._closed = True
        self._signal.set()
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        transport.close()
        asyncio.get_running_loop().call_later(_CLOSE_GRACE, transport.abort)

    async def wait_closed(self) -> None:
        """Wait until the connection is gone."""
        await self._lost
