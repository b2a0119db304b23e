"""Several sessions on one folder (RFC 2180, RFC 3501 7.4.1) and IDLE (RFC 2177): changes
made by one session or by delivery reach the others, at the moments the rules allow."""

from __future__ import annotations

import imaplib
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Callable

import pytest

from mailwright.model.outbound import Origin
from tests.integration.imap.conftest import ALICE, Imap, message, raw, read_until
from tests.values import STRONG


def _deliver(imap: Imap, number: int) -> None:
    """Deliver a message to alice the way the SMTP server does, through local delivery."""
    imap.live.run(
        imap.live.services.delivery.deliver(
            message(number),
            sender="carol@remote.test",
            recipients=[ALICE],
            origin=Origin.SMTP,
            submitted_by="test",
        )
    )


def _deliver_over_smtp(imap: Imap, number: int) -> None:
    """Deliver a message to alice through the live SMTP inbound listener."""
    with smtplib.SMTP("127.0.0.1", imap.live.port("smtp"), timeout=10) as smtp:
        smtp.sendmail("carol@remote.test", [ALICE], message(number))


def test_second_session_sees_flags_expunge_and_new_mail(imap: Imap) -> None:
    """Flag changes, expunges and new messages of one session reach the other at its next
    command, EXPUNGE only where allowed."""
    imap.seed(3)
    first, second = imap.login(), imap.login()
    first.select("INBOX")
    second.select("INBOX")
    first.store("1", "+FLAGS", r"(\Flagged)")
    assert raw(second, "b1", "NOOP")[0] == b"* 1 FETCH (UID 1 FLAGS (\\Flagged))\r\n"
    first.store("2", "+FLAGS", r"(\Deleted)")
    first.expunge()
    first.append("INBOX", None, None, message(9))
    # FETCH may report the new EXISTS and flags, but never the EXPUNGE (RFC 3501 7.4.1).
    lines = raw(second, "b2", "FETCH 1:3 (UID)")
    assert not [line for line in lines if line.endswith(b" EXPUNGE\r\n")]
    assert b"* 4 EXISTS\r\n" in lines
    assert lines[-1].startswith(b"b2 OK [EXPUNGEISSUED]")
    assert b"* 2 FETCH (UID 2)" not in b"".join(lines)
    lines = raw(second, "b3", "NOOP")
    assert lines[0] == b"* 2 EXPUNGE\r\n"
    assert raw(second, "b4", "FETCH 1:* (UID)")[:3] == [
        b"* 1 FETCH (UID 1)\r\n",
        b"* 2 FETCH (UID 3)\r\n",
        b"* 3 FETCH (UID 4)\r\n",
    ]
    first.logout()
    second.logout()


def test_uid_commands_may_carry_expunge(imap: Imap) -> None:
    """UID FETCH, unlike FETCH, may report a pending EXPUNGE."""
    imap.seed(2)
    first, second = imap.login(), imap.login()
    first.select("INBOX")
    second.select("INBOX")
    first.store("1", "+FLAGS", r"(\Deleted)")
    first.expunge()
    lines = raw(second, "b1", "UID FETCH 1:* (FLAGS)")
    assert lines[:2] == [b"* 2 FETCH (FLAGS () UID 2)\r\n", b"* 1 EXPUNGE\r\n"]
    first.logout()
    second.logout()


def test_deleted_selected_folder_looks_emptied(imap: Imap) -> None:
    """When another session deletes the selected folder, it is reported as emptied."""
    imap.seed(2, folder="Archive")
    first, second = imap.login(), imap.login()
    first.select("Archive")
    second.delete("Archive")
    lines = raw(first, "a1", "NOOP")
    assert lines[:2] == [b"* 1 EXPUNGE\r\n", b"* 1 EXPUNGE\r\n"]
    assert raw(first, "a2", "STORE 1 +FLAGS (\\Seen)")[-1].startswith(b"a2 BAD")
    first.logout()
    second.logout()


def _idle_until(client: imaplib.IMAP4, trigger: Callable[[], None], wanted: bytes) -> float:
    """IDLE, run ``trigger``, and return how long ``wanted`` took to arrive."""
    client.send(b"i1 IDLE\r\n")
    assert client.readline() == b"+ idling\r\n"
    started = time.monotonic()
    trigger()
    read_until(client, lambda line: line == wanted)
    took = time.monotonic() - started
    client.send(b"DONE\r\n")
    lines = read_until(client, lambda line: line.startswith(b"i1 "))
    assert lines[-1] == b"i1 OK IDLE terminated\r\n"
    return took


def test_idle_reports_delivered_message(imap: Imap) -> None:
    """An IDLE session hears about a delivered message at once (event driven)."""
    imap.seed(1)
    client = imap.login()
    client.select("INBOX")
    took = _idle_until(client, lambda: _deliver(imap, 2), b"* 2 EXISTS\r\n")
    assert took < 2.0
    assert client.fetch("2", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")[1][0][1] == (
        b"Message-ID: <m2@remote.test>\r\n\r\n"
    )
    client.logout()


def test_idle_reports_message_delivered_over_smtp(imap: Imap) -> None:
    """An IDLE session hears about a message that arrives through the SMTP listener."""
    client = imap.login()
    client.select("INBOX")
    took = _idle_until(client, lambda: _deliver_over_smtp(imap, 7), b"* 1 EXISTS\r\n")
    assert took < 2.0
    client.logout()


def test_idle_reports_flags_and_expunge_of_other_session(imap: Imap) -> None:
    """IDLE pushes flag changes and EXPUNGE made by another session."""
    imap.seed(2)
    idler, other = imap.login(), imap.login()
    idler.select("INBOX")
    other.select("INBOX")

    def change() -> None:
        other.store("2", "+FLAGS", r"(\Deleted)")
        other.expunge()

    _idle_until(idler, change, b"* 2 EXPUNGE\r\n")
    idler.logout()
    other.logout()


def test_idle_needs_done(imap: Imap) -> None:
    """Anything but DONE ends IDLE with BAD."""
    client = imap.login()
    client.send(b"i1 IDLE\r\n")
    assert client.readline() == b"+ idling\r\n"
    client.send(b"NOOP\r\n")
    assert client.readline().startswith(b"i1 BAD")
    client.logout()


def test_concurrent_appends_get_distinct_uids(imap: Imap) -> None:
    """Appends from several connections at once get distinct, gap-free UIDs."""
    errors: list[BaseException] = []

    def worker(offset: int) -> None:
        try:
            client = imap.login()
            for n in range(10):
                client.append("INBOX", None, None, message(offset + n))
            client.logout()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i * 100,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    client = imap.login()
    client.select("INBOX")
    assert client.uid("SEARCH", "ALL")[1] == [" ".join(str(n) for n in range(1, 41)).encode()]
    client.logout()


def test_logout_during_long_fetch_is_clean(imap: Imap) -> None:
    """A client that disconnects in the middle of a large FETCH leaves the server healthy."""
    imap.seed(300)
    client = imap.login()
    client.select("INBOX")
    client.send(b"a1 FETCH 1:* BODY.PEEK[]\r\n")
    client.readline()
    client.shutdown()
    again = imap.login(ALICE, STRONG)
    assert again.select("INBOX") == ("OK", [b"300"])
    again.logout()


def test_tls_client_without_ca_is_refused(imap: Imap) -> None:
    """A client that verifies certificates without the test CA refuses the server."""
    context = ssl.create_default_context()
    address = ("127.0.0.1", imap.live.port("imaps"))
    with (
        socket.create_connection(address, timeout=10) as sock,
        pytest.raises(ssl.SSLCertVerificationError),
    ):
        context.wrap_socket(sock, server_hostname="localhost")
