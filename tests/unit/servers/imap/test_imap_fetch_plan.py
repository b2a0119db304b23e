"""FETCH plans: what each attribute needs loaded, and the exact octets it renders."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mailwright.model.mail_access import MessageEntry
from mailwright.protocols.imap.commands import FetchCommand
from mailwright.protocols.imap.fetchdata import bodystructure_value
from mailwright.protocols.imap.parser import parse_command
from mailwright.protocols.imap.values import serialize
from mailwright.protocols.mime import parse_structure
from mailwright.servers.imap import wire
from mailwright.servers.imap.fetch_plan import (
    BodyNeed,
    LoadedMessage,
    UnknownEncoding,
    make_plan,
)

MESSAGE = (
    b"From: a@b.test\r\nSubject: Hi\r\nContent-Type: multipart/alternative; boundary=x\r\n\r\n"
    b"--x\r\nContent-Type: text/plain\r\n\r\nplain\r\n"
    b"--x\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: x-unknown\r\n\r\n<b>hi</b>\r\n"
    b"--x--\r\n"
)
ENTRY = MessageEntry(
    5, frozenset({"\\Seen"}), 42, len(MESSAGE), datetime(2026, 1, 5, tzinfo=UTC), "b"
)


def plan_for(text: str):  # type: ignore[no-untyped-def]
    command = parse_command(f"a FETCH 1 {text}".encode())
    assert isinstance(command, FetchCommand)
    return make_plan(command.response_attributes)


def loaded(body: bytes = MESSAGE) -> LoadedMessage:
    return LoadedMessage(3, ENTRY, recent=False, structure=parse_structure(MESSAGE), body=body)


def test_plan_needs() -> None:
    """Flags need nothing; BODY[] only the file; headers only the header; parts everything."""
    simple = plan_for("(UID FLAGS RFC822.SIZE INTERNALDATE MODSEQ)")
    assert (simple.needs_structure, simple.body, simple.sets_seen) == (False, BodyNeed.NONE, False)
    whole = plan_for("BODY.PEEK[]")
    assert (whole.needs_structure, whole.body) == (False, BodyNeed.FULL)
    header = plan_for("(BODY.PEEK[HEADER.FIELDS (FROM)] RFC822.HEADER)")
    assert (header.needs_structure, header.body) == (True, BodyNeed.HEADER)
    part = plan_for("(BODY[1] BODY[2])")
    assert (part.needs_structure, part.body, part.sets_seen) == (True, BodyNeed.FULL, True)
    assert plan_for("ENVELOPE").body is BodyNeed.NONE


def test_plan_reads_only_a_single_section() -> None:
    """A FETCH of one part, MIME header or TEXT reads only that byte range."""
    for text in ("BODY.PEEK[2]", "(UID BODY[1.MIME])", "BODY[TEXT]<0.10>"):
        plan = plan_for(text)
        assert (text, plan.body) == (text, BodyNeed.SECTION)
    for text in ("(BODY.PEEK[1] BODY.PEEK[2])", "(BODY[1] RFC822)", "BINARY[1]"):
        assert (text, plan_for(text).body) == (text, BodyNeed.FULL)
    assert plan_for("BODY.PEEK[HEADER.FIELDS (FROM)]").body is BodyNeed.HEADER
    part = plan_for("BODY.PEEK[1]")
    message = LoadedMessage(3, ENTRY, recent=False, body=b"plain", sliced=True)
    assert part.render(message) == b"* 3 FETCH (BODY[1] {5}\r\nplain)\r\n"


def test_render_simple_items() -> None:
    """UID, FLAGS, RFC822.SIZE, INTERNALDATE and MODSEQ render as RFC 3501/7162 say."""
    line = plan_for("(UID FLAGS RFC822.SIZE INTERNALDATE MODSEQ)").render(loaded())
    assert line == (
        b"* 3 FETCH (UID 5 FLAGS (\\Seen) RFC822.SIZE %d "
        b'INTERNALDATE "05-Jan-2026 00:00:00 +0000" MODSEQ (42))\r\n' % len(MESSAGE)
    )


def test_render_sections_partial_and_added_flags() -> None:
    """Sections are literals, partial fetches echo their origin, and \\Seen set by this
    FETCH is reported."""
    line = plan_for("(BODY[1] BODY.PEEK[]<2.4>)").render(loaded(), add_flags=True)
    assert line == b"* 3 FETCH (BODY[1] {5}\r\nplain BODY[]<2> {4}\r\nom:  FLAGS (\\Seen))\r\n"


def test_binary_of_unknown_encoding_fails() -> None:
    """BINARY of a part in an unknown transfer encoding raises for NO [UNKNOWN-CTE]."""
    with pytest.raises(UnknownEncoding):
        plan_for("BINARY.PEEK[2]").render(loaded())
    assert plan_for("BINARY.SIZE[1]").render(loaded()) == b"* 3 FETCH (BINARY.SIZE[1] 5)\r\n"


def test_bodystructure_is_written_flush() -> None:
    """Multipart bodies are written without SP between the parts (RFC 3501 9 1*body)."""
    written = serialize(bodystructure_value(parse_structure(MESSAGE), False))
    assert written.startswith(b'(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 5 0)(')
    assert written.endswith(b' "alternative")')


def test_flag_list_order_and_recent() -> None:
    """System flags come first in RFC order, then keywords, then \\Recent."""
    flags = frozenset({"$b", "\\Seen", "\\Answered", "$a"})
    assert wire.flag_list(flags, True) == b"(\\Answered \\Seen $a $b \\Recent)"
    assert wire.flag_list(frozenset()) == b"()"
