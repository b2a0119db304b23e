"""Message commands over imaplib: APPEND, SELECT/EXAMINE, FETCH, STORE, COPY, MOVE,
EXPUNGE, CLOSE, UNSELECT, CHECK and their UID forms."""

from __future__ import annotations

import imaplib
import re

from tests.integration.imap.conftest import Imap, message, raw

MULTIPART = (
    b"From: Dave <dave@remote.test>\r\nTo: alice@example.test\r\n"
    b"Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n"
    b"Date: Tue, 6 Jan 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
    b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nfirst part\r\n"
    b"--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
    b"\r\nAAECAw==\r\n--b1--\r\n"
)


def test_append_with_flags_date_and_appenduid(imap: Imap) -> None:
    """APPEND stores flags and internal date and answers APPENDUID; TRYCREATE for no folder."""
    client = imap.login()
    typ, data = client.append(
        "INBOX", r"(\Flagged $Work)", '"05-Jan-2026 10:11:12 +0200"', message(1)
    )
    assert typ == "OK"
    _, uid = re.match(rb"\[APPENDUID (\d+) (\d+)\]", data[0]).groups()  # type: ignore[union-attr]
    assert uid == b"1"
    client.select("INBOX")
    typ, data = client.uid("FETCH", "1", "(FLAGS INTERNALDATE)")
    assert b"FLAGS (\\Flagged $Work \\Recent)" in data[0]
    assert b'INTERNALDATE "05-Jan-2026 08:11:12 +0000"' in data[0]
    typ, data = client.append("Nowhere", None, None, message(2))
    assert typ == "NO" and b"[TRYCREATE]" in data[0]
    client.logout()


def test_append_literal_plus_and_multiappend(imap: Imap) -> None:
    """APPEND with a non-synchronising literal, and two messages in one MULTIAPPEND."""
    client = imap.login()
    one, two = message(1), message(2)
    client.send(b"a1 APPEND INBOX {%d+}\r\n%s\r\n" % (len(one), one))
    assert client.readline().startswith(b"a1 OK [APPENDUID")
    client.send(
        b"a2 APPEND INBOX (\\Seen) {%d+}\r\n%s (\\Draft) {%d+}\r\n%s\r\n"
        % (len(one), one, len(two), two)
    )
    assert re.match(rb"a2 OK \[APPENDUID \d+ 2:3\]", client.readline())
    client.select("INBOX")
    assert client.fetch("2:3", "(FLAGS)")[1] == [
        b"2 (FLAGS (\\Seen \\Recent))",
        b"3 (FLAGS (\\Draft \\Recent))",
    ]
    client.logout()


def test_select_and_examine_responses(imap: Imap) -> None:
    """SELECT reports FLAGS, EXISTS, RECENT, UNSEEN, UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ;
    EXAMINE is read-only and keeps \\Recent for the next SELECT."""
    imap.seed(3)
    client = imap.login()
    lines = raw(client, "a1", "EXAMINE INBOX")
    text = b"".join(lines)
    assert b"* 3 EXISTS" in text and b"* 3 RECENT" in text
    assert b"[UNSEEN 1]" in text and b"[UIDNEXT 4]" in text and b"[HIGHESTMODSEQ" in text
    assert b"[PERMANENTFLAGS ()]" in text and lines[-1].startswith(b"a1 OK [READ-ONLY]")
    assert raw(client, "a2", "STORE 1 +FLAGS (\\Seen)")[-1].startswith(b"a2 NO [READ-ONLY]")
    lines = raw(client, "a3", "SELECT INBOX")
    assert b"* 3 RECENT" in b"".join(lines) and lines[-1].startswith(b"a3 OK [READ-WRITE]")
    assert b"\\*)]" in b"".join(lines)
    other = imap.login()
    assert b"* 0 RECENT" in b"".join(raw(other, "b1", "SELECT INBOX"))
    assert raw(other, "b2", "SELECT Missing")[-1].startswith(b"b2 NO [NONEXISTENT]")
    assert raw(other, "b3", "FETCH 1 FLAGS")[-1].startswith(b"b3 BAD")  # failed SELECT: none
    other.logout()
    client.logout()


def test_fetch_simple_items(imap: Imap) -> None:
    """FLAGS, UID, RFC822.SIZE, INTERNALDATE, ENVELOPE, BODY, BODYSTRUCTURE and macros."""
    client = imap.login()
    client.append("INBOX", None, None, MULTIPART)
    client.select("INBOX")
    data = client.fetch("1", "(UID RFC822.SIZE ENVELOPE BODYSTRUCTURE)")[1]
    response = data[0]
    assert f"RFC822.SIZE {len(MULTIPART)}".encode() in response
    assert b'"=?utf-8?q?Gr=C3=BC=C3=9Fe?=" (("Dave" NIL "dave" "remote.test"))' in response
    assert (
        b'BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 10 0 NIL NIL NIL NIL)('
        in response
    )
    assert b'"mixed" ("boundary" "b1") NIL NIL NIL)' in response
    data = client.fetch("1", "FULL")[1]
    assert b"BODY ((" in data[0] and b"FLAGS" in data[0] and b"ENVELOPE" in data[0]
    assert client.fetch("1", "FAST")[1][0].startswith(b"1 (FLAGS (\\Recent) INTERNALDATE")
    client.logout()


def test_fetch_sections_partial_and_peek(imap: Imap) -> None:
    """BODY[section]<partial>, HEADER.FIELDS(.NOT), TEXT, MIME and BODY.PEEK leave \\Seen."""
    client = imap.login()
    client.append("INBOX", None, None, MULTIPART)
    client.select("INBOX")
    data = client.fetch("1", "(BODY.PEEK[1] BODY.PEEK[2.MIME] BODY.PEEK[]<0.4>)")[1]
    assert data[0][1] == b"first part"
    assert data[1][1] == (
        b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    )
    assert data[2] == (b" BODY[]<0> {4}", b"From")
    assert client.fetch("1", "(BODY.PEEK[2])")[1][0][1] == b"AAECAw=="
    assert client.fetch("1", "(BODY.PEEK[2.MIME]<14.11>)")[1][0][1] == b"application"
    assert client.fetch("1", "(BODY.PEEK[3])")[1][0][1] == b""
    data = client.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT DATE)])")[1]
    assert data[0][0].endswith(b"BODY[HEADER.FIELDS (SUBJECT DATE)] {78}")
    assert data[0][1] == MULTIPART[MULTIPART.index(b"Subject") : MULTIPART.index(b"MIME")] + b"\r\n"
    data = client.fetch("1", "(BODY.PEEK[HEADER.FIELDS.NOT (SUBJECT DATE TO FROM)])")[1]
    assert data[0][1].startswith(b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed")
    assert client.fetch("1", "(FLAGS)")[1] == [b"1 (FLAGS (\\Recent))"]
    data = client.fetch("1", "(BODY[TEXT])")[1]
    assert data[0][1].startswith(b"--b1\r\n") and b"FLAGS (\\Seen \\Recent)" in data[1]
    data = client.fetch("1", "(RFC822.HEADER RFC822.TEXT RFC822)")[1]
    assert data[0][1].endswith(b"\r\n\r\n") and data[2][1] == MULTIPART
    client.logout()


def test_fetch_binary_and_modseq(imap: Imap) -> None:
    """BINARY[part] decodes base64, BINARY.SIZE gives its size, MODSEQ enables CONDSTORE."""
    client = imap.login()
    client.append("INBOX", None, None, MULTIPART)
    client.select("INBOX")
    client.send(b"a1 FETCH 1 (BINARY.PEEK[2] BINARY.SIZE[2] MODSEQ)\r\n")
    assert client.readline().startswith(b"* OK [HIGHESTMODSEQ ")  # CONDSTORE just enabled
    first = client.readline()
    assert first.endswith(b"BINARY[2] ~{4}\r\n")
    assert client.read(4) == b"\x00\x01\x02\x03"
    rest = client.readline()
    assert re.match(rb" BINARY.SIZE\[2\] 4 MODSEQ \(\d+\)\)\r\n", rest)
    assert client.readline() == b"a1 OK FETCH completed\r\n"
    client.logout()


def test_fetch_changedsince_and_bad_sequence(imap: Imap) -> None:
    """FETCH (CHANGEDSINCE n) returns only changed messages; numbers past the end are BAD."""
    imap.seed(3)
    client = imap.login()
    lines = raw(client, "a1", "SELECT INBOX (CONDSTORE)")
    modseq = int(re.search(rb"HIGHESTMODSEQ (\d+)", b"".join(lines)).group(1))  # type: ignore[union-attr]
    raw(client, "a9", "STORE 2 +FLAGS (\\Answered)")
    lines = raw(client, "a2", f"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {modseq})")
    assert len(lines) == 2 and lines[0].startswith(
        b"* 2 FETCH (FLAGS (\\Answered \\Recent) UID 2 MODSEQ"
    )
    assert raw(client, "a3", "FETCH 4 FLAGS")[-1].startswith(b"a3 BAD Message 4 does not exist")
    assert raw(client, "a4", "UID FETCH 9:* FLAGS")[0].startswith(b"* 3 FETCH")  # n:* rule
    client.logout()


def test_store_variants(imap: Imap) -> None:
    """FLAGS, +FLAGS, -FLAGS, .SILENT, keywords, UID STORE and UNCHANGEDSINCE/MODIFIED."""
    imap.seed(3)
    client = imap.login()
    client.select("INBOX")
    assert client.store("1:2", "+FLAGS", r"(\Seen $Label)")[1] == [
        b"1 (FLAGS (\\Seen $Label \\Recent))",
        b"2 (FLAGS (\\Seen $Label \\Recent))",
    ]
    assert client.store("1", "-FLAGS", "($label)")[1] == [b"1 (FLAGS (\\Seen \\Recent))"]
    assert client.store("2", "FLAGS.SILENT", r"(\Deleted)")[1] == [None]
    assert client.uid("STORE", "3", "+FLAGS", r"(\Flagged)")[1] == [
        b"3 (UID 3 FLAGS (\\Flagged \\Recent))"
    ]
    assert raw(client, "a1", "STORE 1 +FLAGS (\\Recent)")[-1].startswith(b"a1 BAD")
    lines = raw(client, "a2", "STORE 1,3 (UNCHANGEDSINCE 1) +FLAGS (\\Answered)")
    assert lines[-1].startswith(b"a2 OK [MODIFIED 1,3]")
    data = client.fetch("1:3", "(FLAGS)")[1]
    assert data == [
        b"1 (FLAGS (\\Seen \\Recent))",
        b"2 (FLAGS (\\Deleted \\Recent))",
        b"3 (FLAGS (\\Flagged \\Recent))",
    ]
    client.logout()


def test_copy_and_move_with_copyuid(imap: Imap) -> None:
    """COPY keeps the source, MOVE expunges it; both answer COPYUID."""
    imap.seed(3)
    client = imap.login()
    client.select("INBOX")
    client.store("1", "+FLAGS", r"(\Flagged)")
    typ, data = client.copy("1:2", "Archive")
    assert typ == "OK" and re.search(rb"\[COPYUID \d+ 1:2 1:2\]", data[0])
    lines = raw(client, "a1", "UID MOVE 2:3 Trash")
    assert re.match(rb"\* OK \[COPYUID \d+ 2:3 1:2\]", lines[0])
    assert lines[1:3] == [b"* 2 EXPUNGE\r\n", b"* 2 EXPUNGE\r\n"]
    assert raw(client, "a2", "COPY 1 Nowhere")[-1].startswith(b"a2 NO [TRYCREATE]")
    client.select("Archive")
    assert client.fetch("1:*", "(UID FLAGS)")[1] == [
        b"1 (UID 1 FLAGS (\\Flagged \\Recent))",
        b"2 (UID 2 FLAGS (\\Recent))",
    ]
    assert client.status("Trash", "(MESSAGES)")[1] == [b'"Trash" (MESSAGES 2)']
    client.logout()


def test_expunge_uid_expunge_and_close(imap: Imap) -> None:
    """EXPUNGE removes \\Deleted messages, UID EXPUNGE only the named ones, CLOSE silently."""
    imap.seed(5)
    client = imap.login()
    client.select("INBOX")
    client.store("1,3,4,5", "+FLAGS.SILENT", r"(\Deleted)")
    lines = raw(client, "a1", "UID EXPUNGE 3:4")
    assert lines == [b"* 3 EXPUNGE\r\n", b"* 3 EXPUNGE\r\n", b"a1 OK EXPUNGE completed\r\n"]
    assert client.expunge()[1] == [b"1", b"2"]  # UIDs 1 and 5, numbers adjusted
    assert client.fetch("1:*", "(UID)")[1] == [b"1 (UID 2)"]
    client.store("1", "+FLAGS.SILENT", r"(\Deleted)")
    assert raw(client, "a2", "CLOSE") == [b"a2 OK CLOSE completed\r\n"]
    assert client.status("INBOX", "(MESSAGES)")[1] == [b'"INBOX" (MESSAGES 0)']
    client.logout()


def test_unselect_check_and_noop(imap: Imap) -> None:
    """UNSELECT leaves without expunging; CHECK and NOOP succeed; commands need a selection."""
    imap.seed(1)
    client = imap.login()
    client.select("INBOX")
    client.store("1", "+FLAGS.SILENT", r"(\Deleted)")
    assert client.check()[0] == "OK" and client.noop()[0] == "OK"
    assert raw(client, "a1", "UNSELECT") == [b"a1 OK UNSELECT completed\r\n"]
    assert raw(client, "a2", "FETCH 1 FLAGS")[-1].startswith(b"a2 BAD FETCH needs a selected")
    assert client.status("INBOX", "(MESSAGES)")[1] == [b'"INBOX" (MESSAGES 1)']
    client.logout()


def test_used_bytes_follow_append_copy_expunge(imap: Imap) -> None:
    """The quota counter grows with APPEND and COPY and shrinks with EXPUNGE."""
    client = imap.login()
    client.append("INBOX", None, None, message(1))
    client.select("INBOX")
    client.copy("1", "Archive")
    size = len(message(1))
    assert _used(imap) == 2 * size
    client.store("1", "+FLAGS", r"(\Deleted)")
    client.expunge()
    assert _used(imap) == size
    client.logout()


def _used(imap: Imap) -> int:
    usage = imap.live.run(imap.live.services.folders.quota(imap.mailbox_id()))
    return usage.used


def test_parse_errors_are_bad(imap: Imap) -> None:
    """Malformed commands get BAD with a reason; the session goes on."""
    client = imap.login()
    assert raw(client, "a1", "FROB")[-1] == b"a1 BAD Unknown command FROB\r\n"
    assert raw(client, "a2", "SEARCH ALL")[-1].startswith(b"a2 BAD SEARCH needs a selected")
    client.select("INBOX")
    assert raw(client, "a3", "SEARCH CHARSET KOI8-R ALL")[-1].startswith(b"a3 NO [BADCHARSET")
    assert raw(client, "a4", "FETCH 1:* (FLAGS")[-1].startswith(b"a4 BAD")
    try:
        client.noop()
    except imaplib.IMAP4.error as error:  # pragma: no cover - a failure explains itself
        raise AssertionError(error) from error
    client.logout()
