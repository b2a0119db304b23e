"""The live login test: after a reset, prove the new password works on the platform's own
IMAP and SMTP submission listeners, the way a mail client would use it.

Each probe is a real client session over the loopback address the listener is bound to:
IMAP ``STARTTLS`` + ``LOGIN`` + ``LOGOUT``, SMTP ``EHLO`` + ``STARTTLS`` + ``AUTH PLAIN`` +
``QUIT``. TLS is verified against the platform's own certificate file (no hostname check: we
connect by loopback address). The password exists only in memory for the probe's duration.
"""

from __future__ import annotations

import asyncio
import contextlib
import imaplib
import smtplib
import ssl
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class ProbeOutcome(StrEnum):
    """What the listener answered."""

    ACCEPTED = "accepted"
    REFUSED = "refused"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class ProbeResult:
    """One protocol's login test.

    Attributes:
        passed: the outcome is what the reset intended: accepted normally, or refused with
            the must-change answer when the owner must choose a new password.
        reply: the server's reply text, or why it could not be reached.
    """

    protocol: str
    outcome: ProbeOutcome
    passed: bool
    reply: str
    milliseconds: int


@dataclass(frozen=True)
class VerificationReport:
    """Both login tests."""

    imap: ProbeResult
    smtp: ProbeResult
    expected_refusal: bool

    @property
    def passed(self) -> bool:
        """True when both tests gave the intended outcome."""
        return self.imap.passed and self.smtp.passed


class LoginVerifier:
    """Runs login tests against the listeners the platform registered."""

    def __init__(self, *, certificate: Path | None, timeout: float = 10.0) -> None:
        self._certificate = certificate
        self._timeout = timeout
        self.imap_endpoint: tuple[str, int] | None = None
        self.smtp_endpoint: tuple[str, int] | None = None

    def register(
        self, *, imap: tuple[str, int] | None = None, smtp: tuple[str, int] | None = None
    ) -> None:
        """Record where the live STARTTLS IMAP and submission listeners are bound."""
        if imap is not None:
            self.imap_endpoint = (_loopback(imap[0]), imap[1])
        if smtp is not None:
            self.smtp_endpoint = (_loopback(smtp[0]), smtp[1])

    async def verify(
        self, address: str, password: str, *, expect_must_change: bool = False
    ) -> VerificationReport:
        """Log in over IMAP and SMTP with ``password`` and report both results."""
        imap, smtp = await asyncio.gather(
            asyncio.to_thread(self._probe_imap, address, password, expect_must_change),
            asyncio.to_thread(self._probe_smtp, address, password, expect_must_change),
        )
        return VerificationReport(imap, smtp, expect_must_change)

    def _tls(self) -> ssl.SSLContext:
        context = ssl.create_default_context(
            cafile=str(self._certificate) if self._certificate else None
        )
        context.check_hostname = False
        return context

    def _probe_imap(self, address: str, password: str, expect_refusal: bool) -> ProbeResult:
        started = time.monotonic()
        if self.imap_endpoint is None:
            return _unreachable("imap", "The IMAP listener is not running.", started)
        host, port = self.imap_endpoint
        try:
            client = imaplib.IMAP4(host, port, timeout=self._timeout)
        except OSError as error:
            return _unreachable("imap", f"Cannot connect to {host}:{port}: {error}", started)
        try:
            client.starttls(self._tls())
            try:
                _, data = client.login(address, password)
                reply = _text(data)
                outcome = ProbeOutcome.ACCEPTED
            except imaplib.IMAP4.error as error:
                reply = str(error).removeprefix("b'").removesuffix("'")
                outcome = ProbeOutcome.REFUSED
            passed = (outcome is ProbeOutcome.ACCEPTED and not expect_refusal) or (
                expect_refusal and outcome is ProbeOutcome.REFUSED and "[EXPIRED]" in reply
            )
            return ProbeResult("imap", outcome, passed, reply, _ms(started))
        except (OSError, imaplib.IMAP4.error, ssl.SSLError) as error:
            return _unreachable("imap", f"IMAP session failed: {error}", started)
        finally:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                client.logout()

    def _probe_smtp(self, address: str, password: str, expect_refusal: bool) -> ProbeResult:
        started = time.monotonic()
        if self.smtp_endpoint is None:
            return _unreachable("smtp", "The SMTP submission listener is not running.", started)
        host, port = self.smtp_endpoint
        try:
            client = smtplib.SMTP(host, port, timeout=self._timeout)
        except OSError as error:
            return _unreachable("smtp", f"Cannot connect to {host}:{port}: {error}", started)
        try:
            client.ehlo("verify.mailwright")
            client.starttls(context=self._tls())
            client.ehlo("verify.mailwright")
            try:
                code, text = client.login(address, password)
                outcome, reply = ProbeOutcome.ACCEPTED, f"{code} {text.decode(errors='replace')}"
            except smtplib.SMTPAuthenticationError as error:
                detail = error.smtp_error
                text_reply = (
                    detail.decode(errors="replace") if isinstance(detail, bytes) else detail
                )
                reply = f"{error.smtp_code} {text_reply}"
                outcome = ProbeOutcome.REFUSED
            passed = (outcome is ProbeOutcome.ACCEPTED and not expect_refusal) or (
                expect_refusal and outcome is ProbeOutcome.REFUSED and reply.startswith("535")
            )
            return ProbeResult("smtp", outcome, passed, reply, _ms(started))
        except (OSError, smtplib.SMTPException, ssl.SSLError) as error:
            return _unreachable("smtp", f"SMTP session failed: {error}", started)
        finally:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                client.quit()


def _loopback(host: str) -> str:
    if host in ("0.0.0.0", ""):  # noqa: S104 (reach a wildcard listener through loopback)
        return "127.0.0.1"
    return "::1" if host == "::" else host


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _text(data: list[bytes | None] | list[bytes]) -> str:
    return " ".join(d.decode(errors="replace") for d in data if isinstance(d, bytes))


def _unreachable(protocol: str, reply: str, started: float) -> ProbeResult:
    return ProbeResult(protocol, ProbeOutcome.UNREACHABLE, False, reply, _ms(started))
