"""One SMTP client session to a remote server, reused for several messages (aiosmtplib)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Literal

import aiosmtplib

TlsPolicy = Literal["opportunistic", "required", "never"]


@dataclass(frozen=True)
class Reply:
    """A remote reply, or None code for a failure without one (network, TLS)."""

    code: int | None
    text: str


class SessionFailed(Exception):
    """The session cannot go on; ``reply`` describes why (``code`` None: no SMTP reply)."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.text)
        self.reply = reply


def _tls_context() -> ssl.SSLContext:
    # Opportunistic TLS (RFC 7435): encrypt when offered, without authenticating the server,
    # as MTAs do when no MTA-STS or DANE policy says otherwise.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class RemoteSession:
    """Connected, greeted and (if possible) encrypted SMTP session."""

    def __init__(self, host: str, port: int, *, helo: str, timeout: float) -> None:
        self.host = host
        self.port = port
        self._client = aiosmtplib.SMTP(
            hostname=host,
            port=port,
            local_hostname=helo,
            timeout=timeout,
            start_tls=False,
            use_tls=False,
        )

    async def open(self, tls: TlsPolicy, credentials: tuple[str, str] | None) -> None:
        """Connect, EHLO, STARTTLS per policy, AUTH if credentials are given.

        Raises:
            SessionFailed: with the reply (or error) that stopped it.
        """
        try:
            await self._client.connect()
            await self._client.ehlo()
            offered = self._client.supports_extension("starttls")
            if tls == "required" and not offered:
                raise SessionFailed(Reply(None, f"{self.host} does not offer STARTTLS"))
            if tls != "never" and offered:
                await self._client.starttls(tls_context=_tls_context())
            if credentials is not None:
                await self._client.login(*credentials)
        except aiosmtplib.SMTPResponseException as error:
            raise SessionFailed(Reply(error.code, error.message)) from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise SessionFailed(Reply(None, f"{self.host}:{self.port}: {error}")) from None

    async def send(self, sender: str, recipients: list[str], data: bytes) -> dict[str, Reply]:
        """One transaction; a reply per recipient (the DATA reply for those accepted).

        Raises:
            SessionFailed: the connection broke (replies unknown for every recipient).
        """
        try:
            await self._command(b"MAIL", f"FROM:<{sender}>", (250,))
        except aiosmtplib.SMTPResponseException as error:
            await self._reset()
            return {r: Reply(error.code, error.message) for r in recipients}
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise SessionFailed(Reply(None, str(error))) from None
        replies: dict[str, Reply] = {}
        accepted = []
        for recipient in recipients:
            try:
                await self._command(b"RCPT", f"TO:<{recipient}>", (250, 251))
                accepted.append(recipient)
            except aiosmtplib.SMTPResponseException as error:
                if error.code == 421:
                    # RFC 5321 3.8: the server is closing the connection; nothing more goes.
                    raise SessionFailed(Reply(error.code, error.message)) from None
                replies[recipient] = Reply(error.code, error.message)
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
                raise SessionFailed(Reply(None, str(error))) from None
        if not accepted:
            await self._reset()
            return replies
        try:
            response = await self._client.data(data)
            answer = Reply(response.code, response.message)
        except aiosmtplib.SMTPResponseException as error:
            answer = Reply(error.code, error.message)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise SessionFailed(Reply(None, str(error))) from None
        replies.update({r: answer for r in accepted})
        return replies

    async def _command(self, verb: bytes, argument: str, success: tuple[int, ...]) -> None:
        """MAIL or RCPT with an address we normalised already (aiosmtplib's ``mail`` and
        ``rcpt`` parse it again with ``email.utils``: 6 % of a worker's CPU).

        Raises:
            aiosmtplib.SMTPResponseException: the reply's code is not in ``success``.
        """
        response = await self._client.execute_command(verb, argument.encode("ascii"))
        if response.code not in success:
            raise aiosmtplib.SMTPResponseException(response.code, response.message)

    async def _reset(self) -> None:
        try:
            await self._client.rset()
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise SessionFailed(Reply(None, str(error))) from None

    async def close(self) -> None:
        """QUIT politely; ignore a server that is gone."""
        try:
            await self._client.quit()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            self._client.close()
