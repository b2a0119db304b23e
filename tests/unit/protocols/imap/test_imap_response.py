"""Response building and value serialization (protocols/imap/response.py, values.py, codes.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from mailwright.protocols.imap import codes
from mailwright.protocols.imap import response as r
from mailwright.protocols.imap.commands import StatusItem
from mailwright.protocols.imap.framing import Limit, LimitExceeded
from mailwright.protocols.imap.parser import ParseError, parse_command
from mailwright.protocols.imap.reader import BadCharsetError
from mailwright.protocols.imap.sequence import SequenceSet, parse_sequence_set
from mailwright.protocols.imap.values import Adjacent, Atom, DataValue, Literal8, serialize

VALUES: list[tuple[DataValue, bytes]] = [
    (None, b"NIL"),
    (0, b"0"),
    (4294967296, b"4294967296"),
    ("", b'""'),
    ("hello world", b'"hello world"'),
    ('say "hi" \\o/', b'"say \\"hi\\" \\\\o/"'),
    ("two\r\nlines", b"{10}\r\ntwo\r\nlines"),
    ("nul\x00", b"{4}\r\nnul\x00"),
    ("grüße", b"{7}\r\ngr\xc3\xbc\xc3\x9fe"),
    ("x" * 1025, b"{1025}\r\n" + b"x" * 1025),
    (b"", b"{0}\r\n"),
    (b"raw", b"{3}\r\nraw"),
    (Literal8(b"\x00\x01"), b"~{2}\r\n\x00\x01"),
    (Atom("\\Seen"), b"\\Seen"),
    (parse_sequence_set("1:3,5"), b"1:3,5"),
    ([], b"()"),
    ([Atom("\\Seen"), "a", 1, None, [b"x"]], b'(\\Seen "a" 1 NIL ({1}\r\nx))'),
    (("a", ("b",)), b'("a" ("b"))'),
    (
        datetime(1996, 7, 17, 2, 44, 25, tzinfo=timezone(timedelta(hours=-7))),
        b'"17-Jul-1996 02:44:25 -0700"',
    ),
]


@pytest.mark.parametrize(("value", "expected"), VALUES)
def test_serializes_data_values(value: DataValue, expected: bytes) -> None:
    """Each Python value has its IMAP form: NIL, number, quoted, literal, atom, list."""
    assert serialize(value) == expected


def test_utf8_mode_quotes_8bit_strings() -> None:
    """Under UTF8=ACCEPT non-ASCII text is sent quoted (RFC 6855 utf8-quoted)."""
    assert serialize("grüße", utf8=True) == '"grüße"'.encode()


def test_adjacent_lists_have_no_space_between() -> None:
    """Consecutive Adjacent lists (multipart bodies, addresses) are written flush."""
    value: DataValue = Adjacent(
        [Adjacent(["text", "plain"]), Adjacent(["text", "html"]), "alternative"]
    )
    assert serialize(value) == b'(("text" "plain")("text" "html") "alternative")'


@pytest.mark.parametrize(
    ("value", "error"), [(True, TypeError), (-1, ValueError), (1.5, TypeError)]
)
def test_refuses_values_imap_cannot_carry(value: object, error: type[Exception]) -> None:
    """Booleans, floats and negative numbers are programming errors."""
    with pytest.raises(error):
        serialize(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "a b\r\n", "x\x00"])
def test_atom_refuses_injection(text: str) -> None:
    """An Atom cannot be empty or smuggle CR, LF or NUL into a response."""
    with pytest.raises(ValueError, match="not a valid atom"):
        Atom(text)


def test_tagged_status_responses() -> None:
    """OK, NO and BAD carry the tag, an optional code and the text."""
    assert r.ok("a1") == b"a1 OK Completed\r\n"
    assert r.ok("a1", "SELECT completed", codes.READ_WRITE) == (
        b"a1 OK [READ-WRITE] SELECT completed\r\n"
    )
    assert (
        r.no("a2", "No such mailbox", codes.TRYCREATE) == b"a2 NO [TRYCREATE] No such mailbox\r\n"
    )
    assert r.bad("a3", "Unknown command") == b"a3 BAD Unknown command\r\n"
    assert r.bad(None, "Invalid tag") == b"* BAD Invalid tag\r\n"


def test_status_text_cannot_inject_lines() -> None:
    """CR and LF in the text become spaces; 8-bit text is escaped to ASCII."""
    assert r.no("a1", "bad\r\na2 OK forged") == b"a1 NO bad  a2 OK forged\r\n"
    assert r.no("a1", "Entwürfe") == b"a1 NO Entw\\xfcrfe\r\n"


def test_status_text_starting_with_bracket_is_not_a_code() -> None:
    """Text beginning with '[' is kept apart so it does not read as a response code."""
    assert r.ok("a1", "[x] done") == b"a1 OK  [x] done\r\n"


def test_empty_text_gets_a_default() -> None:
    """RFC 3501 needs at least one text character."""
    assert r.no("a1", "") == b"a1 NO Failed\r\n"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (codes.ResponseCode.uid_next(5), b"[UIDNEXT 5]"),
        (codes.ResponseCode.uid_validity(3857529045), b"[UIDVALIDITY 3857529045]"),
        (codes.ResponseCode.unseen(12), b"[UNSEEN 12]"),
        (
            codes.ResponseCode.permanent_flags(["\\Deleted", "\\Seen"]),
            b"[PERMANENTFLAGS (\\Deleted \\Seen \\*)]",
        ),
        (
            codes.ResponseCode.permanent_flags([], new_keywords=False),
            b"[PERMANENTFLAGS ()]",
        ),
        (codes.ResponseCode.capability(["IMAP4rev1", "IDLE"]), b"[CAPABILITY IMAP4rev1 IDLE]"),
        (codes.ResponseCode.bad_charset(["UTF-8", "US-ASCII"]), b"[BADCHARSET (UTF-8 US-ASCII)]"),
        (codes.ResponseCode.append_uid(38505, 3955), b"[APPENDUID 38505 3955]"),
        (
            codes.ResponseCode.copy_uid(
                38505, parse_sequence_set("304,319:320"), parse_sequence_set("3956:3958")
            ),
            b"[COPYUID 38505 304,319:320 3956:3958]",
        ),
        (codes.ResponseCode.highest_modseq(715194045007), b"[HIGHESTMODSEQ 715194045007]"),
        (codes.ResponseCode.modified(parse_sequence_set("7,9")), b"[MODIFIED 7,9]"),
        (codes.EXPIRED, b"[EXPIRED]"),
        (codes.AUTHENTICATIONFAILED, b"[AUTHENTICATIONFAILED]"),
        (codes.UNAVAILABLE, b"[UNAVAILABLE]"),
        (codes.ALERT, b"[ALERT]"),
        (codes.CLOSED, b"[CLOSED]"),
        (codes.NONEXISTENT, b"[NONEXISTENT]"),
        (codes.ALREADYEXISTS, b"[ALREADYEXISTS]"),
        (codes.OVERQUOTA, b"[OVERQUOTA]"),
        (codes.LIMIT, b"[LIMIT]"),
        (codes.INUSE, b"[INUSE]"),
        (codes.SERVERBUG, b"[SERVERBUG]"),
        (codes.CANNOT, b"[CANNOT]"),
    ],
)
def test_response_codes(code: codes.ResponseCode, expected: bytes) -> None:
    """Response codes serialize with their arguments inside brackets."""
    assert code.to_bytes() == expected


def test_untagged_status_and_bye() -> None:
    """Untagged OK with a code, and BYE."""
    assert r.untagged(r.Status.OK, "Predicted next UID", codes.ResponseCode.uid_next(4392)) == (
        b"* OK [UIDNEXT 4392] Predicted next UID\r\n"
    )
    assert r.bye("Autologout; idle for too long") == b"* BYE Autologout; idle for too long\r\n"


def test_continuations() -> None:
    """``+ Ready for literal data`` and base64 SASL challenges."""
    assert r.continuation() == b"+ Ready for literal data\r\n"
    assert r.continuation("idling") == b"+ idling\r\n"
    assert r.sasl_challenge(b"\x00abc") == b"+ AGFiYw==\r\n"


def test_message_status_data() -> None:
    """EXISTS, RECENT, EXPUNGE, VANISHED and FLAGS."""
    assert r.exists_response(23) == b"* 23 EXISTS\r\n"
    assert r.recent_response(1) == b"* 1 RECENT\r\n"
    assert r.expunge_response(3) == b"* 3 EXPUNGE\r\n"
    assert r.vanished_response(SequenceSet.of([41, 43, 44])) == b"* VANISHED 41,43:44\r\n"
    assert r.vanished_response(SequenceSet.of([1]), earlier=True) == b"* VANISHED (EARLIER) 1\r\n"
    assert r.flags_response(["\\Answered", "\\Seen", "$Junk"]) == (
        b"* FLAGS (\\Answered \\Seen $Junk)\r\n"
    )


def test_search_responses() -> None:
    """SEARCH lists numbers (MODSEQ after a MODSEQ search); ESEARCH names its results."""
    assert r.search_response([2, 3, 6]) == b"* SEARCH 2 3 6\r\n"
    assert r.search_response([]) == b"* SEARCH\r\n"
    assert r.search_response([2], modseq=917162500) == b"* SEARCH 2 (MODSEQ 917162500)\r\n"
    assert (
        r.esearch_response(
            "A282", uid=True, minimum=2, all_numbers=SequenceSet.of([2, 3, 4, 9]), count=4
        )
        == b'* ESEARCH (TAG "A282") UID MIN 2 ALL 2:4,9 COUNT 4\r\n'
    )


def test_list_response_encodes_names() -> None:
    """LIST names go out in modified UTF-7, or UTF-8 once UTF8=ACCEPT is on."""
    assert r.list_response("Sent", "/", ["\\HasNoChildren", "\\Sent"]) == (
        b'* LIST (\\HasNoChildren \\Sent) "/" "Sent"\r\n'
    )
    assert r.list_response("Entwürfe", ".", []) == b'* LIST () "." "Entw&APw-rfe"\r\n'
    assert r.list_response("Entwürfe", None, [], utf8=True) == (
        '* LIST () NIL "Entwürfe"\r\n'.encode()
    )
    assert r.list_response("Foo", "/", [], child_info=["SUBSCRIBED"]) == (
        b'* LIST () "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))\r\n'
    )
    assert r.list_response("News", "/", ["\\Noselect"], command="LSUB") == (
        b'* LSUB (\\Noselect) "/" "News"\r\n'
    )


def test_status_response() -> None:
    """STATUS pairs each requested item with its number."""
    items = {StatusItem.MESSAGES: 231, StatusItem.UIDNEXT: 44292}
    assert r.status_response("blurdybloop", items) == (
        b'* STATUS "blurdybloop" (MESSAGES 231 UIDNEXT 44292)\r\n'
    )


def test_fetch_response_with_literal_and_echo_names() -> None:
    """FETCH data pairs echo names with values; bytes become literals."""
    command = parse_command(b"a1 FETCH 12 (FLAGS BODY.PEEK[HEADER.FIELDS (FROM)]<0.20>)")
    names = [attribute.echo for attribute in command.attributes]  # type: ignore[union-attr]
    data = r.fetch_response(
        12, [(names[0], [Atom("\\Seen")]), (names[1], b"From: a@b\r\n"), ("UID", 4)]
    )
    assert data == (
        b"* 12 FETCH (FLAGS (\\Seen) BODY[HEADER.FIELDS (FROM)]<0> {11}\r\nFrom: a@b\r\n UID 4)\r\n"
    )


def test_session_data_responses() -> None:
    """CAPABILITY, ENABLED, NAMESPACE, ID, QUOTA and QUOTAROOT."""
    assert r.capability_response(["IMAP4rev1", "LITERAL+"]) == (
        b"* CAPABILITY IMAP4rev1 LITERAL+\r\n"
    )
    assert r.enabled_response(["CONDSTORE"]) == b"* ENABLED CONDSTORE\r\n"
    assert r.namespace_response([("", "/")], None, [("Shared/", "/")]) == (
        b'* NAMESPACE (("" "/")) NIL (("Shared/" "/"))\r\n'
    )
    assert r.id_response({"name": "Mailwright", "os": None}) == (
        b'* ID ("name" "Mailwright" "os" NIL)\r\n'
    )
    assert r.id_response(None) == b"* ID NIL\r\n"
    assert r.quota_response("", [("STORAGE", 10, 512)]) == b'* QUOTA "" (STORAGE 10 512)\r\n'
    assert r.quota_root_response("INBOX", [""]) == b'* QUOTAROOT "INBOX" ""\r\n'


def test_parse_error_replies() -> None:
    """BAD with the tag, * BAD without one, NO [BADCHARSET] for charsets."""
    assert r.parse_error_reply(ParseError("a1", "Unknown command FROB")) == (
        b"a1 BAD Unknown command FROB\r\n"
    )
    assert r.parse_error_reply(ParseError(None, "Empty command line")) == (
        b"* BAD Empty command line\r\n"
    )
    error = BadCharsetError("a2", "Charset KOI8-R is not supported", ("UTF-8", "US-ASCII"))
    assert r.parse_error_reply(error) == (
        b"a2 NO [BADCHARSET (UTF-8 US-ASCII)] Charset KOI8-R is not supported\r\n"
    )


def test_limit_replies() -> None:
    """Framer limit events become BAD, literals with [TOOBIG]."""
    line = LimitExceeded("a1", Limit.LINE, "Command line exceeds 8192 octets")
    literal = LimitExceeded("a2", Limit.LITERAL, "Literal data exceeds 10 octets")
    assert r.limit_reply(line) == b"a1 BAD Command line exceeds 8192 octets\r\n"
    assert r.limit_reply(literal) == b"a2 BAD [TOOBIG] Literal data exceeds 10 octets\r\n"
