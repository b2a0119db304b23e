"""SEARCH over imaplib: every RFC 3501 key, CHARSET UTF-8, UID SEARCH, ESEARCH and MODSEQ."""

from __future__ import annotations

import pytest

from mailwright.model.mail_access import MessageUpload
from tests.integration.imap.conftest import Imap, raw

MESSAGES = [
    (
        b"From: Carol <carol@remote.test>\r\nTo: alice@example.test\r\nCc: dan@remote.test\r\n"
        b"Subject: Budget 2026\r\nDate: Fri, 2 Jan 2026 09:00:00 +0000\r\n"
        b"X-Priority: 1\r\n\r\nPlease review the numbers.\r\n",
        frozenset({"\\Seen", "\\Flagged"}),
    ),
    (
        b"From: Erin <erin@remote.test>\r\nTo: alice@example.test\r\nBcc: alice@example.test\r\n"
        b"Subject: =?utf-8?q?Caf=C3=A9_tomorrow?=\r\nDate: Sun, 4 Jan 2026 18:00:00 +0000\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable"
        b"\r\n\r\nSee you at the caf=C3=A9 at noon.\r\n",
        frozenset({"\\Answered", "$Work"}),
    ),
    (
        b"From: Carol <carol@remote.test>\r\nTo: bob@example.test\r\nSubject: Lunch\r\n"
        b"Date: Mon, 5 Jan 2026 12:00:00 +0000\r\n\r\n" + b"long text " * 300 + b"\r\n",
        frozenset({"\\Deleted", "\\Draft"}),
    ),
]


@pytest.fixture
def searching(imap: Imap) -> Imap:
    """Three varied messages in alice's INBOX."""
    uploads = [MessageUpload(data, flags) for data, flags in MESSAGES]
    imap.live.run(imap.live.services.mail.append_many(imap.mailbox_id(), "INBOX", uploads))
    return imap


CASES = [
    ("ALL", "1 2 3"),
    ("ANSWERED", "2"),
    ("UNANSWERED", "1 3"),
    ("DELETED", "3"),
    ("UNDELETED", "1 2"),
    ("DRAFT", "3"),
    ("UNDRAFT", "1 2"),
    ("FLAGGED", "1"),
    ("UNFLAGGED", "2 3"),
    ("SEEN", "1"),
    ("UNSEEN", "2 3"),
    ("KEYWORD $work", "2"),
    ("UNKEYWORD $Work", "1 3"),
    ("RECENT", "1 2 3"),
    ("NEW", "2 3"),
    ("OLD", ""),
    ("FROM carol", "1 3"),
    ("TO bob@example", "3"),
    ("CC dan", "1"),
    ("BCC alice", "2"),
    ("SUBJECT budget", "1"),
    ('SUBJECT "café"', "2"),
    ("HEADER X-Priority 1", "1"),
    ('HEADER X-Priority ""', "1"),
    ("BODY numbers", "1"),
    ('BODY "café"', "2"),
    ("TEXT carol", "1 3"),
    ("TEXT noon", "2"),
    ("LARGER 1000", "3"),
    ("SMALLER 1000", "1 2"),
    ("SENTBEFORE 4-Jan-2026", "1"),
    ("SENTON 4-Jan-2026", "2"),
    ("SENTSINCE 4-Jan-2026", "2 3"),
    ("ON 5-Jan-2026", "1 2 3"),
    ("BEFORE 5-Jan-2026", ""),
    ("SINCE 5-Jan-2026", "1 2 3"),
    ("2:3", "2 3"),
    ("UID 1,3", "1 3"),
    ("NOT FROM carol", "2"),
    ("OR ANSWERED DELETED", "2 3"),
    ("(FROM carol SEEN) OR DRAFT FLAGGED", "1"),
    ("*", "3"),
]


def test_search_keys(searching: Imap) -> None:
    """Every RFC 3501 search key selects the expected messages (strings match
    case-insensitively on decoded text)."""
    client = searching.login()
    client.select("INBOX")
    for number, (criteria, expected) in enumerate(CASES):
        lines = raw(client, f"s{number}", f"SEARCH CHARSET UTF-8 {criteria}")
        found = lines[0].decode().removeprefix("* SEARCH").strip()
        assert (criteria, found) == (criteria, expected)
        assert lines[-1] == f"s{number} OK SEARCH completed\r\n".encode()
    client.logout()


def test_uid_search_esearch_and_modseq(searching: Imap) -> None:
    """UID SEARCH answers UIDs; RETURN gives ESEARCH; MODSEQ adds the highest mod-sequence."""
    client = searching.login()
    client.select("INBOX")
    client.store("2", "+FLAGS", r"(\Seen)")
    assert client.uid("SEARCH", "UNSEEN")[1] == [b"3"]
    lines = raw(client, "a1", "UID SEARCH RETURN (MIN MAX COUNT ALL) FROM carol")
    assert lines[0] == b'* ESEARCH (TAG "a1") UID MIN 1 MAX 3 ALL 1,3 COUNT 2\r\n'
    lines = raw(client, "a2", "SEARCH RETURN () NOT ALL")
    assert lines[0] == b'* ESEARCH (TAG "a2")\r\n'
    lines = raw(client, "a3", "SEARCH MODSEQ 3")
    assert lines[-2].startswith(b"* SEARCH 2 (MODSEQ ")
    assert raw(client, "a4", "SEARCH RETURN (SAVE) ALL")[-1].startswith(b"a4 BAD")
    client.logout()


def test_search_literal_utf8_string(searching: Imap) -> None:
    """A UTF-8 search string sent as a literal matches the decoded subject."""
    client = searching.login()
    client.select("INBOX")
    word = "CAFÉ".encode()
    client.send(b"a1 SEARCH CHARSET UTF-8 SUBJECT {%d+}\r\n%s\r\n" % (len(word), word))
    assert client.readline() == b"* SEARCH 2\r\n"
    assert client.readline() == b"a1 OK SEARCH completed\r\n"
    client.logout()
