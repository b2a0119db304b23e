"""One client connection's byte stream: buffered line and DATA reading, replies, STARTTLS."""

from __future__ import annotations

import asyncio
import contextlib
import ssl

from mailwright.protocols.smtp.commands import MAX_COMMAND_LINE
from mailwright.protocols.smtp.data import DataReader
from mailwright.protocols.smtp.replies import Reply

READ_SIZE = 64 * 1024


class LineTooLong(Exception):
    """A command line exceeded the limit; the rest of it was discarded."""


class Connection:
    """Reads commands and message data through one buffer, so bytes a client pipelines after
    DATA's end marker are kept for the next command."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        timeout: float,
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._timeout = timeout
        self._buffer = bytearray()
        self._out: list[bytes] = []
        self._out_size = 0
        self.closed = False

    @property
    def peer(self) -> str:
        """The client's IP address."""
        info = self._writer.get_extra_info("peername")
        return str(info[0]) if info else "unknown"

    @property
    def tls(self) -> bool:
        """True once the connection is encrypted."""
        return self._writer.get_extra_info("sslcontext") is not None

    async def _fill(self) -> bool:
        await self.flush()
        async with asyncio.timeout(self._timeout):
            data = await self._reader.read(READ_SIZE)
        if not data:
            return False
        self._buffer += data
        return True

    async def read_line(self) -> bytes | None:
        """The next line (without CRLF), or None at end of stream.

        Raises:
            LineTooLong: the line exceeded the command limit (its bytes were dropped).
            TimeoutError: the client was silent too long.
        """
        overflowed = False
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                line = bytes(self._buffer[:end])
                del self._buffer[: end + 1]
                if overflowed or len(line) > MAX_COMMAND_LINE:
                    raise LineTooLong
                return line.rstrip(b"\r")
            if len(self._buffer) > MAX_COMMAND_LINE:
                overflowed = True
                self._buffer.clear()
            if not await self._fill():
                return None

    async def read_data(self, reader: DataReader) -> bool:
        """Feed message data to ``reader`` until its end marker; False if the stream ended
        first (the message is then discarded: nothing of it is kept)."""
        while True:
            if self._buffer:
                chunk = bytes(self._buffer)
                self._buffer.clear()
                rest = reader.feed(chunk)
                if reader.done:
                    self._buffer += rest
                    return True
            if not await self._fill():
                return False

    def has_pending_input(self) -> bool:
        """True when the client sent bytes we have not processed yet."""
        return bool(self._buffer)

    def discard_pending_input(self) -> None:
        """Drop buffered bytes (after STARTTLS: they were sent in plaintext, CVE-2011-0411)."""
        self._buffer.clear()

    async def send(self, reply: Reply | bytes) -> None:
        """Queue a reply. Replies go out together when the session next waits for input
        (RFC 2920: a server may group the replies to pipelined commands, and must send them
        before it blocks reading), which saves a write per reply."""
        self._out.append(reply if isinstance(reply, bytes) else reply.render())
        self._out_size += len(self._out[-1])
        if self._out_size > READ_SIZE:
            await self.flush()

    async def flush(self) -> None:
        """Write every queued reply."""
        if not self._out:
            return
        self._writer.write(b"".join(self._out))
        self._out.clear()
        self._out_size = 0
        if self._writer.transport.get_write_buffer_size() == 0 and not self._writer.is_closing():
            return  # the socket took it all: nothing to wait for (and no timer to arm)
        async with asyncio.timeout(self._timeout):
            await self._writer.drain()

    async def start_tls(self, context: ssl.SSLContext) -> None:
        """Upgrade to TLS in place."""
        await self.flush()
        async with asyncio.timeout(self._timeout):
            await self._writer.start_tls(context)

    async def close(self) -> None:
        """Close the connection (quietly if the client is gone)."""
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(OSError, TimeoutError, ssl.SSLError, ConnectionError):
            await self.flush()
        self._writer.close()
        try:
            async with asyncio.timeout(5):
                await self._writer.wait_closed()
        except (OSError, TimeoutError, ssl.SSLError):
            pass
