"""Delivery status notifications (bounces): RFC 3464 ``multipart/report`` messages with a
``message/delivery-status`` part and the original message's header (RFC 6522)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, make_msgid

_BOUNDARY_PREFIX = "mailwright-dsn-"


@dataclass(frozen=True)
class FailedRecipient:
    """One recipient the message could not reach."""

    recipient: str
    status: str
    """Enhanced status code, e.g. ``5.1.1``."""
    diagnostic: str
    """The remote server's reply (``smtp; 550 5.1.1 ...``) or our own explanation."""
    remote_mta: str


def compose_dsn(
    *,
    reporting_mta: str,
    postmaster: str,
    original_sender: str,
    original_header: bytes,
    arrival: datetime,
    now: datetime,
    failures: list[FailedRecipient],
    queue_id: str,
) -> bytes:
    """The bounce to send to ``original_sender`` from ``postmaster`` with the null sender."""
    boundary = _BOUNDARY_PREFIX + queue_id
    human = [
        "This is the mail system at " + reporting_mta + ".",
        "",
        "Your message could not be delivered to one or more recipients.",
        "",
    ]
    human += [f"<{f.recipient}>: {f.diagnostic}" for f in failures]
    status = [
        f"Reporting-MTA: dns; {reporting_mta}",
        f"X-Mailwright-Queue-ID: {queue_id}",
        f"Arrival-Date: {format_datetime(arrival)}",
    ]
    for failure in failures:
        status += [
            "",
            f"Final-Recipient: rfc822; {failure.recipient}",
            "Action: failed",
            f"Status: {failure.status}",
        ]
        if failure.remote_mta:
            status.append(f"Remote-MTA: dns; {failure.remote_mta}")
        status.append(f"Diagnostic-Code: smtp; {_one_line(failure.diagnostic)}")
    header = [
        f"From: Mail Delivery System <{postmaster}>",
        f"To: <{original_sender}>",
        "Subject: Undelivered Mail Returned to Sender",
        f"Date: {format_datetime(now)}",
        f"Message-ID: {make_msgid(domain=reporting_mta)}",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"',
    ]
    parts = [
        "\r\n".join(header),
        "",
        f"--{boundary}",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "\r\n".join(human),
        f"--{boundary}",
        "Content-Type: message/delivery-status",
        "",
        "\r\n".join(status),
        "",
        f"--{boundary}",
        "Content-Type: text/rfc822-headers",
        "",
    ]
    tail = f"\r\n--{boundary}--\r\n"
    return (
        ("\r\n".join(parts) + "\r\n").encode("utf-8")
        + original_header.rstrip(b"\r\n")
        + tail.encode()
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())
