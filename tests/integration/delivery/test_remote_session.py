"""RemoteSession's envelope commands against an SMTP sink on loopback."""

from __future__ import annotations

import pytest

from mailwright.delivery.sender import RemoteSession, Reply
from mailwright.testing.sink import SmtpSink

MESSAGE = b"From: a@example.test\r\nTo: bob@remote.test\r\nSubject: s\r\n\r\nbody\r\n"


async def send(sink: SmtpSink, sender: str, recipients: list[str]) -> dict[str, Reply]:
    host, port = sink.address.rsplit(":", 1)
    session = RemoteSession(host, int(port), helo="mail.example.test", timeout=10)
    await session.open("opportunistic", None)
    try:
        return await session.send(sender, recipients, MESSAGE)
    finally:
        await session.close()


@pytest.mark.parametrize("sender", ["alice@example.test", ""])
async def test_the_envelope_sender_is_sent_as_given(sender: str) -> None:
    """MAIL FROM carries the address in angle brackets, and the null sender of a bounce as
    ``<>``."""
    with SmtpSink() as sink:
        replies = await send(sink, sender, ["bob@remote.test"])
    assert replies == {"bob@remote.test": Reply(250, "2.0.0 Queued")}
    (received,) = sink.handler.received
    # aiosmtpd keeps the null sender as it came: <>
    assert (received.sender, received.recipients) == (sender or "<>", ["bob@remote.test"])


async def test_each_recipient_gets_its_own_reply() -> None:
    """250 and 251 to RCPT both count as accepted (they get the DATA reply); a refused
    recipient keeps its RCPT reply."""
    with SmtpSink() as sink:
        sink.handler.rcpt_replies.extend(
            ["251 2.1.5 Will forward", "550 5.1.1 No such user", "250 2.1.5 OK"]
        )
        replies = await send(
            sink, "alice@example.test", ["a@remote.test", "b@remote.test", "c@remote.test"]
        )
    assert replies == {
        "a@remote.test": Reply(250, "2.0.0 Queued"),
        "b@remote.test": Reply(550, "5.1.1 No such user"),
        "c@remote.test": Reply(250, "2.0.0 Queued"),
    }
    (received,) = sink.handler.received
    assert received.recipients == ["c@remote.test"]  # the sink lists only its 250s
