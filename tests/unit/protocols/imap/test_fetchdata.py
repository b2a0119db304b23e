"""FETCH data from a parsed message: ENVELOPE, BODY(STRUCTURE), BODY[section], BINARY, SEARCH."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailwright.protocols.imap.fetchdata import (
    Adjacent,
    ImapValue,
    UnknownTransferEncoding,
    apply_partial,
    binary_section,
    binary_size,
    bodystructure_value,
    envelope_value,
    find_part,
    header_values,
    section_bytes,
    section_range,
    sent_date,
    text_for_search,
)
from mailwright.protocols.mime import canonicalize_line_endings, parse_structure


def crlf(text: str) -> bytes:
    """Write a message readably in the test and store it with CRLF line endings."""
    return text.replace("\n", "\r\n").encode()


def render(value: ImapValue) -> str:
    """Render a value the way an IMAP serializer would (quoted strings only), for comparisons."""
    if value is None:
        return "NIL"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    out: list[str] = []
    for index, item in enumerate(value):
        adjacent = index and isinstance(item, Adjacent) and isinstance(value[index - 1], Adjacent)
        if index and not adjacent:
            out.append(" ")
        out.append(render(item))
    return "(" + "".join(out) + ")"


SIMPLE = crlf(
    """From: Alice <alice@example.org>
To: bob@example.com
Subject: Hello
Date: Tue, 2 Jan 2024 09:30:00 +0100
Message-ID: <1@example.org>

Hi Bob,
How are you?
"""
)

ALTERNATIVE = crlf(
    """From: a@example.org
Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus =?ISO-8859-1?B?S/Zsbg==?=
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Gr=C3=BC=C3=9Fe
--alt
Content-Type: text/html; charset=utf-8

<p>Gr&uuml;&szlig;e</p>
--alt--
"""
)

MIXED = crlf(
    """From: Alice <alice@example.org>
To: Bob <bob@example.com>
Subject: Report
Content-Type: multipart/mixed; boundary="mix"

This is a multi-part message in MIME format.
--mix
Content-Type: text/plain; charset=us-ascii

See attached.
--mix
Content-Type: application/pdf; name="report.pdf"
Content-Transfer-Encoding: base64
Content-Disposition: attachment;
 filename*0*=utf-8''R%C3%A9sum%C3%A9;
 filename*1=".pdf"
Content-ID: <att1@example.org>

JVBERi0xLjQK
--mix--
"""
)

RELATED = crlf(
    """Content-Type: multipart/alternative; boundary="outer"

--outer
Content-Type: text/plain

Plain
--outer
Content-Type: multipart/related; boundary="inner"; type="text/html"

--inner
Content-Type: text/html; charset=utf-8

<img src="cid:logo">
--inner
Content-Type: image/png
Content-Transfer-Encoding: base64
Content-ID: <logo>
Content-Disposition: inline

iVBORw0KGgo=
--inner--
--outer--
"""
)

FORWARD = crlf(
    """From: a@example.org
Subject: Fwd: numbers
Content-Type: multipart/mixed; boundary="fwd"

--fwd
Content-Type: text/plain

See below.
--fwd
Content-Type: message/rfc822
Content-Disposition: attachment; filename="orig.eml"

From: Carol <carol@example.net>
To: a@example.org
Subject: numbers
Date: Mon, 1 Jan 2024 08:00:00 +0000
Message-ID: <orig@example.net>
Content-Type: multipart/alternative; boundary="x"

--x
Content-Type: text/plain

numbers
--x
Content-Type: text/html

<b>numbers</b>
--x--
--fwd--
"""
)

NESTED_MESSAGE = crlf(
    """From: Carol <carol@example.net>
To: a@example.org
Subject: numbers
Date: Mon, 1 Jan 2024 08:00:00 +0000
Message-ID: <orig@example.net>
Content-Type: multipart/alternative; boundary="x"

--x
Content-Type: text/plain

numbers
--x
Content-Type: text/html

<b>numbers</b>
--x--"""
)

# Dovecot's src/lib-imap/test-imap-bodystructure.c message and expected output. Dovecot
# counts sizes with CRLF line endings, so the message is canonicalized first.
DOVECOT_MESSAGE = canonicalize_line_endings(
    b"From: user@domain.org\n"
    b"Date: Sat, 24 Mar 2007 23:00:00 +0200\n"
    b"Mime-Version: 1.0\n"
    b'Content-Type: multipart/mixed; boundary="foo\n'
    b' bar"\n'
    b"\n"
    b"Root MIME prologue\n"
    b"\n"
    b"--foo bar\n"
    b'Content-Type: text/x-myown; charset=us-ascii; foo="quoted\\"string"\n'
    b"Content-ID: <foo@example.com>\n"
    b"Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\n"
    b"Content-Disposition: inline; foo=bar\n"
    b"Content-Description: hellodescription\n"
    b"Content-Language: en, fi, se\n"
    b"Content-Location: http://example.com/test.txt\n"
    b"\n"
    b"hello\n"
    b"\n"
    b"--foo bar\n"
    b"Content-Type: message/rfc822\n"
    b"\n"
    b"From: sub@domain.org\n"
    b"To: sub-to1@domain.org, sub-to2@domain.org\n"
    b"Date: Sun, 12 Aug 2012 12:34:56 +0300\n"
    b"Subject: submsg\n"
    b'Content-Type: multipart/alternative; boundary="sub1"\n'
    b"\n"
    b"Sub MIME prologue\n"
    b"--sub1\n"
    b"Content-Type: text/html\n"
    b"Content-Transfer-Encoding: 8bit\n"
    b"\n"
    b"<p>Hello world</p>\n"
    b"\n"
    b"--sub1\n"
    b"Content-Type: text/plain\n"
    b"Content-Transfer-Encoding: ?invalid\n"
    b"\n"
    b"Hello another world\n"
    b"\n"
    b"--sub1--\n"
    b"Sub MIME epilogue\n"
    b"\n"
    b"--foo bar--\n"
    b"Root MIME epilogue\n"
)
DOVECOT_BODYSTRUCTURE = (
    '("text" "x-myown" ("charset" "us-ascii" "foo" "quoted\\"string") "<foo@example.com>" '
    '"hellodescription" "7bit" 7 1 "Q2hlY2sgSW50ZWdyaXR5IQ==" ("inline" ("foo" "bar")) '
    '("en" "fi" "se") "http://example.com/test.txt")("message" "rfc822" NIL NIL NIL "7bit" 412 '
    '("Sun, 12 Aug 2012 12:34:56 +0300" "submsg" ((NIL NIL "sub" "domain.org")) '
    '((NIL NIL "sub" "domain.org")) ((NIL NIL "sub" "domain.org")) '
    '((NIL NIL "sub-to1" "domain.org")(NIL NIL "sub-to2" "domain.org")) NIL NIL NIL NIL) '
    '(("text" "html" ("charset" "us-ascii") NIL NIL "8bit" 20 1 NIL NIL NIL NIL)'
    '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 21 1 NIL NIL NIL NIL) '
    '"alternative" ("boundary" "sub1") NIL NIL NIL) 21 NIL NIL NIL NIL) '
    '"mixed" ("boundary" "foo bar") NIL NIL NIL'
)
DOVECOT_BODY = (
    '("text" "x-myown" ("charset" "us-ascii" "foo" "quoted\\"string") "<foo@example.com>" '
    '"hellodescription" "7bit" 7 1)("message" "rfc822" NIL NIL NIL "7bit" 412 '
    '("Sun, 12 Aug 2012 12:34:56 +0300" "submsg" ((NIL NIL "sub" "domain.org")) '
    '((NIL NIL "sub" "domain.org")) ((NIL NIL "sub" "domain.org")) '
    '((NIL NIL "sub-to1" "domain.org")(NIL NIL "sub-to2" "domain.org")) NIL NIL NIL NIL) '
    '(("text" "html" ("charset" "us-ascii") NIL NIL "8bit" 20 1)'
    '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 21 1) "alternative") 21) "mixed"'
)


def _bodystructure(message: bytes, *, extensible: bool = True, utf8: bool = False) -> ImapValue:
    return bodystructure_value(parse_structure(message), extensible, utf8=utf8)


def _section(message: bytes, part: tuple[int, ...], text: str | None = None, *fields: str) -> bytes:
    return section_bytes(message, parse_structure(message), part, text, fields)


def test_bodystructure_matches_dovecot_byte_for_byte():
    """Rendered, our BODYSTRUCTURE and BODY equal Dovecot's test expectations exactly."""
    assert render(_bodystructure(DOVECOT_MESSAGE))[1:-1] == DOVECOT_BODYSTRUCTURE
    assert render(_bodystructure(DOVECOT_MESSAGE, extensible=False))[1:-1] == DOVECOT_BODY


def test_bodystructure_of_simple_text_message():
    """A text message gets type, default charset, encoding, size in octets and lines."""
    assert _bodystructure(SIMPLE) == [
        "text", "plain", ["charset", "us-ascii"], None, None, "7bit", 23, 2,
        None, None, None, None,
    ]  # fmt: skip
    assert _bodystructure(SIMPLE, extensible=False) == [
        "text", "plain", ["charset", "us-ascii"], None, None, "7bit", 23, 2,
    ]  # fmt: skip


def test_bodystructure_of_multipart_alternative():
    """Multipart lists its parts, then subtype, then params, disposition, language, location."""
    assert _bodystructure(ALTERNATIVE) == [
        ["text", "plain", ["charset", "utf-8"], None, None, "quoted-printable", 15, 0,
         None, None, None, None],
        ["text", "html", ["charset", "utf-8"], None, None, "7bit", 23, 0,
         None, None, None, None],
        "alternative", ["boundary", "alt"], None, None, None,
    ]  # fmt: skip
    assert _bodystructure(ALTERNATIVE, extensible=False) == [
        ["text", "plain", ["charset", "utf-8"], None, None, "quoted-printable", 15, 0],
        ["text", "html", ["charset", "utf-8"], None, None, "7bit", 23, 0],
        "alternative",
    ]


def test_bodystructure_of_mixed_with_rfc2231_attachment():
    """A non-ASCII filename is sent as RFC 2231 ``filename*`` with percent-encoded UTF-8."""
    assert _bodystructure(MIXED) == [
        ["text", "plain", ["charset", "us-ascii"], None, None, "7bit", 13, 0,
         None, None, None, None],
        ["application", "pdf", ["name", "report.pdf"], "<att1@example.org>", None, "base64", 12,
         None, ["attachment", ["filename*", "utf-8''R%C3%A9sum%C3%A9.pdf"]], None, None],
        "mixed", ["boundary", "mix"], None, None, None,
    ]  # fmt: skip


def test_bodystructure_sends_utf8_parameters_when_enabled():
    """With UTF8=ACCEPT (RFC 6855) the decoded filename is sent as it is."""
    attachment = _bodystructure(MIXED, utf8=True)[1]
    assert isinstance(attachment, list)
    assert attachment[8] == ["attachment", ["filename", "Résumé.pdf"]]


def test_bodystructure_of_related_inside_alternative():
    """Nested multiparts nest in the value; a disposition without params has NIL params."""
    assert _bodystructure(RELATED) == [
        ["text", "plain", ["charset", "us-ascii"], None, None, "7bit", 5, 0,
         None, None, None, None],
        [
            ["text", "html", ["charset", "utf-8"], None, None, "7bit", 20, 0,
             None, None, None, None],
            ["image", "png", None, "<logo>", None, "base64", 12,
             None, ["inline", None], None, None],
            "related", ["boundary", "inner", "type", "text/html"], None, None, None,
        ],
        "alternative", ["boundary", "outer"], None, None, None,
    ]  # fmt: skip
    assert _bodystructure(RELATED, extensible=False) == [
        ["text", "plain", ["charset", "us-ascii"], None, None, "7bit", 5, 0],
        [
            ["text", "html", ["charset", "utf-8"], None, None, "7bit", 20, 0],
            ["image", "png", None, "<logo>", None, "base64", 12],
            "related",
        ],
        "alternative",
    ]


def test_bodystructure_of_attached_message():
    """message/rfc822 carries the nested envelope, the nested body and its line count."""
    nested_envelope = [
        "Mon, 1 Jan 2024 08:00:00 +0000", "numbers",
        [["Carol", None, "carol", "example.net"]],
        [["Carol", None, "carol", "example.net"]],
        [["Carol", None, "carol", "example.net"]],
        [[None, None, "a", "example.org"]], None, None, None, "<orig@example.net>",
    ]  # fmt: skip
    assert len(NESTED_MESSAGE) == 288
    assert _bodystructure(FORWARD) == [
        ["text", "plain", ["charset", "us-ascii"], None, None, "7bit", 10, 0,
         None, None, None, None],
        ["message", "rfc822", None, None, None, "7bit", 288, nested_envelope,
         [["text", "plain", ["charset", "us-ascii"], None, None, "7bit", 7, 0,
           None, None, None, None],
          ["text", "html", ["charset", "us-ascii"], None, None, "7bit", 14, 0,
           None, None, None, None],
          "alternative", ["boundary", "x"], None, None, None],
         15, None, ["attachment", ["filename", "orig.eml"]], None, None],
        "mixed", ["boundary", "fwd"], None, None, None,
    ]  # fmt: skip


def test_bodystructure_marks_bodies_and_addresses_adjacent():
    """Multipart bodies and address structures are Adjacent, written without SP between."""
    value = _bodystructure(FORWARD)
    assert isinstance(value, Adjacent)
    assert all(isinstance(child, Adjacent) for child in value[:2])
    rendered = render(value)
    assert rendered.startswith('(("text" "plain"')
    assert ' 0 NIL NIL NIL NIL)("message" "rfc822"' in rendered
    assert '"orig.eml")) NIL NIL) "mixed" ("boundary" "fwd")' in rendered


def test_bodystructure_of_message_without_content_type():
    """No Content-Type gives text/plain with the RFC 2045 default charset."""
    message = crlf("Subject: plain\n\nno MIME here\n")
    assert _bodystructure(message) == [
        "text", "plain", ["charset", "us-ascii"], None, None, "7bit", 14, 1,
        None, None, None, None,
    ]  # fmt: skip


def test_bodystructure_of_empty_multipart_has_one_empty_text_part():
    """A multipart with no parts still shows one empty text/plain part (RFC 3501 needs one)."""
    message = crlf("Content-Type: multipart/mixed; boundary=b\n\nno parts at all\n")
    assert _bodystructure(message, extensible=False) == [
        ["text", "plain", ["charset", "us-ascii"], None, None, "7bit", 0, 0],
        "mixed",
    ]


def test_bodystructure_of_missing_final_boundary():
    """Without the close-delimiter the last part runs to the end."""
    message = crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n")
    assert _bodystructure(message, extensible=False) == [
        ["text", "plain", ["charset", "us-ascii"], None, None, "7bit", 3, 0],
        ["text", "plain", ["charset", "us-ascii"], None, None, "7bit", 5, 1],
        "mixed",
    ]


def test_bodystructure_of_bare_lf_message_counts_stored_octets():
    """Sizes count the octets as stored: a bare-LF message reports LF-only sizes."""
    message = ALTERNATIVE.replace(b"\r\n", b"\n")
    value = _bodystructure(message, extensible=False)
    assert value[:2] == [
        ["text", "plain", ["charset", "utf-8"], None, None, "quoted-printable", 15, 0],
        ["text", "html", ["charset", "utf-8"], None, None, "7bit", 23, 0],
    ]
    assert _section(message, (1,)) == b"Gr=C3=BC=C3=9Fe"


def test_bodystructure_language_list_and_location():
    """Content-Language is a list of strings, Content-Location a string."""
    message = crlf(
        "Content-Type: text/plain\nContent-Language: en, de\nContent-Location: a.txt\n\nx"
    )
    value = _bodystructure(message)
    assert value[-3:] == [None, ["en", "de"], "a.txt"]


def test_envelope_of_simple_message():
    """ENVELOPE has ten members; sender and reply-to default to from."""
    alice = [["Alice", None, "alice", "example.org"]]
    assert envelope_value(parse_structure(SIMPLE)) == [
        "Tue, 2 Jan 2024 09:30:00 +0100", "Hello", alice, alice, alice,
        [[None, None, "bob", "example.com"]], None, None, None, "<1@example.org>",
    ]  # fmt: skip


def test_envelope_keeps_encoded_words():
    """The subject is sent as it is in the header (RFC 3501 7.4.2)."""
    envelope = envelope_value(parse_structure(ALTERNATIVE))
    assert envelope[1] == "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus =?ISO-8859-1?B?S/Zsbg==?="


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "Message-ID: <msg@id>\nIn-Reply-To: <reply@to.id>\n"
            "Date: Thu, 15 Feb 2007 01:02:03 +0200\nSubject: subject header\n"
            "From: From Real <fromuser@fromdomain.org>\nTo: To Real <touser@todomain.org>\n"
            "Cc: Cc Real <ccuser@ccdomain.org>\nBcc: Bcc Real <bccuser@bccdomain.org>\n"
            "Sender: Sender Real <senderuser@senderdomain.org>\n"
            "Reply-To: ReplyTo Real <replytouser@replytodomain.org>\n",
            '"Thu, 15 Feb 2007 01:02:03 +0200" "subject header" '
            '(("From Real" NIL "fromuser" "fromdomain.org")) '
            '(("Sender Real" NIL "senderuser" "senderdomain.org")) '
            '(("ReplyTo Real" NIL "replytouser" "replytodomain.org")) '
            '(("To Real" NIL "touser" "todomain.org")) (("Cc Real" NIL "ccuser" "ccdomain.org")) '
            '(("Bcc Real" NIL "bccuser" "bccdomain.org")) "<reply@to.id>" "<msg@id>"',
        ),
        (
            "Date: Thu, 15 Feb 2007 01:02:03 +0200\nFrom: user@domain (Real Name)\n"
            "To: group: g1@d1.org, g2@d2.org;, group2: g3@d3.org;\n"
            "Cc: group:;, group2: (foo) ;\n",
            '"Thu, 15 Feb 2007 01:02:03 +0200" NIL (("Real Name" NIL "user" "domain")) '
            '(("Real Name" NIL "user" "domain")) (("Real Name" NIL "user" "domain")) '
            '((NIL NIL "group" NIL)(NIL NIL "g1" "d1.org")(NIL NIL "g2" "d2.org")'
            '(NIL NIL NIL NIL)(NIL NIL "group2" NIL)(NIL NIL "g3" "d3.org")(NIL NIL NIL NIL)) '
            '((NIL NIL "group" NIL)(NIL NIL NIL NIL)(NIL NIL "group2" NIL)(NIL NIL NIL NIL)) '
            "NIL NIL NIL",
        ),
        (
            "Date: Thu, 15 Feb 2007 01:02:03 +0200\nFrom: user@domain (Real Name)\n"
            "Sender: \nReply-To: \n",
            '"Thu, 15 Feb 2007 01:02:03 +0200" NIL (("Real Name" NIL "user" "domain")) '
            '(("Real Name" NIL "user" "domain")) (("Real Name" NIL "user" "domain")) '
            "NIL NIL NIL NIL NIL",
        ),
        (
            "Date: Thu, 15 Feb 2007 01:02:03 +0200\nFrom: <@route:user@domain>\n",
            '"Thu, 15 Feb 2007 01:02:03 +0200" NIL ((NIL "@route" "user" "domain")) '
            '((NIL "@route" "user" "domain")) ((NIL "@route" "user" "domain")) '
            "NIL NIL NIL NIL NIL",
        ),
    ],
)
def test_envelope_matches_dovecot_cases(header, expected):
    """ENVELOPE agrees with Dovecot's test-imap-envelope.c, groups and routes included."""
    message = crlf(header + "\nbody\n")
    assert render(envelope_value(parse_structure(message)))[1:-1] == expected


def test_envelope_of_message_without_header():
    """With no header every member is NIL."""
    assert envelope_value(parse_structure(b"\r\njust a body")) == [None] * 10


def test_section_whole_message_header_and_text():
    """``[]`` is the message, ``[HEADER]`` its header with the empty line, ``[TEXT]`` its body."""
    header, _, body = SIMPLE.partition(b"\r\n\r\n")
    assert _section(SIMPLE, ()) == SIMPLE
    assert _section(SIMPLE, (), "HEADER") == header + b"\r\n\r\n"
    assert _section(SIMPLE, (), "text") == body


def test_section_part_one_of_single_part_message_is_its_body():
    """For a non-multipart message, part 1 is the body; other numbers do not exist."""
    assert _section(SIMPLE, (1,)) == b"Hi Bob,\r\nHow are you?\r\n"
    assert _section(SIMPLE, (2,)) == b""
    assert _section(SIMPLE, (1, 1)) == b""


def test_section_numbered_parts_and_mime_headers():
    """``[n]`` is a part's body and ``[n.MIME]`` its MIME header."""
    assert _section(MIXED, (1,)) == b"See attached."
    assert _section(MIXED, (2,)) == b"JVBERi0xLjQK"
    assert _section(MIXED, (1,), "MIME") == b"Content-Type: text/plain; charset=us-ascii\r\n\r\n"
    assert _section(MIXED, (3,)) == b""
    assert _section(MIXED, (0,)) == b""


def test_section_nested_multipart_parts():
    """``[2]`` of a nested multipart is its whole body; ``[2.2]`` a part inside it."""
    inner = _section(RELATED, (2,))
    assert inner.startswith(b"--inner\r\nContent-Type: text/html")
    assert inner.endswith(b"iVBORw0KGgo=\r\n--inner--")
    assert _section(RELATED, (2, 1)) == b'<img src="cid:logo">'
    assert _section(RELATED, (2, 2)) == b"iVBORw0KGgo="
    assert _section(RELATED, (2, 2), "MIME").startswith(b"Content-Type: image/png\r\n")


def test_section_inside_attached_message():
    """Numbers continue inside message/rfc822; HEADER and TEXT apply to the nested message."""
    nested_header, _, nested_text = NESTED_MESSAGE.partition(b"\r\n\r\n")
    assert _section(FORWARD, (2,)) == NESTED_MESSAGE
    assert _section(FORWARD, (2,), "HEADER") == nested_header + b"\r\n\r\n"
    assert _section(FORWARD, (2,), "TEXT") == nested_text
    assert _section(FORWARD, (2, 1)) == b"numbers"
    assert _section(FORWARD, (2, 2)) == b"<b>numbers</b>"
    assert _section(FORWARD, (2, 1), "MIME") == b"Content-Type: text/plain\r\n\r\n"
    assert _section(FORWARD, (2,), "MIME") == (
        b'Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename="orig.eml"'
        b"\r\n\r\n"
    )
    assert _section(FORWARD, (2, 3)) == b""


def test_section_header_of_a_non_message_part_is_empty():
    """HEADER and TEXT need a message/rfc822 part (RFC 3501 6.4.5)."""
    assert _section(FORWARD, (1,), "HEADER") == b""
    assert _section(FORWARD, (1,), "TEXT") == b""


def test_section_header_fields_selects_fields_in_message_order():
    """HEADER.FIELDS keeps the named fields, folded lines included, and the empty line."""
    message = crlf("Subject: one\n two\nFrom: a@b\nTo: c@d\nsubject: again\n\nbody")
    assert _section(message, (), "HEADER.FIELDS", "SUBJECT", "to") == crlf(
        "Subject: one\n two\nTo: c@d\nsubject: again\n\n"
    )


def test_section_header_fields_not_excludes_fields():
    """HEADER.FIELDS.NOT keeps every field except the named ones."""
    message = crlf("Subject: one\nFrom: a@b\nTo: c@d\n\nbody")
    assert _section(message, (), "HEADER.FIELDS.NOT", "subject", "TO") == crlf("From: a@b\n\n")


def test_section_header_fields_without_match_is_an_empty_line():
    """When no field matches, the result is just the empty line."""
    assert _section(SIMPLE, (), "HEADER.FIELDS", "X-Nothing") == b"\r\n"


def test_section_header_fields_of_attached_message():
    """HEADER.FIELDS applies to the nested message's header."""
    assert _section(FORWARD, (2,), "HEADER.FIELDS", "subject", "from") == crlf(
        "From: Carol <carol@example.net>\nSubject: numbers\n\n"
    )


def test_section_range_gives_offsets_for_ranged_reads():
    """section_range names the byte range to read from the stored file."""
    structure = parse_structure(MIXED)
    start, end = section_range(structure, (2,), None) or (0, 0)
    assert MIXED[start:end] == b"JVBERi0xLjQK"
    assert section_range(structure, (9,), None) is None
    assert section_range(structure, (), "MIME") is None


def test_find_part_walks_into_attached_messages():
    """find_part follows part numbers into a message/rfc822 part's message."""
    structure = parse_structure(FORWARD)
    part = find_part(structure, (2, 2))
    assert part is not None
    assert part.content_type == "text/html"
    assert find_part(structure, ()) is None


def test_apply_partial_slices():
    """``<origin.count>`` takes at most count octets from origin; past the end is empty."""
    assert apply_partial(b"0123456789", 2, 3) == b"234"
    assert apply_partial(b"0123456789", 8, 10) == b"89"
    assert apply_partial(b"0123456789", 20, 5) == b""


def test_binary_decodes_base64_and_quoted_printable():
    """BINARY returns the decoded content (RFC 3516)."""
    assert binary_section(MIXED, parse_structure(MIXED), (2,)) == b"%PDF-1.4\n"
    assert binary_section(ALTERNATIVE, parse_structure(ALTERNATIVE), (1,)) == "Grüße".encode()
    assert binary_size(MIXED, parse_structure(MIXED), (2,)) == 9


def test_binary_of_whole_message_and_missing_part():
    """``BINARY[]`` is the stored message; a missing part is empty."""
    structure = parse_structure(MIXED)
    assert binary_section(MIXED, structure, ()) == MIXED
    assert binary_section(MIXED, structure, (7,)) == b""


def test_binary_of_unknown_encoding_is_an_error_value():
    """An encoding that cannot be decoded gives UnknownTransferEncoding (NO [UNKNOWN-CTE])."""
    message = crlf("Content-Type: text/plain\nContent-Transfer-Encoding: x-uuencode\n\nbegin\n")
    structure = parse_structure(message)
    assert binary_section(message, structure, (1,)) == UnknownTransferEncoding("x-uuencode")
    assert binary_size(message, structure, (1,)) == UnknownTransferEncoding("x-uuencode")


def test_binary_of_multipart_is_left_as_is():
    """Multipart and message/rfc822 parts are not transfer-decoded."""
    structure = parse_structure(FORWARD)
    assert binary_section(FORWARD, structure, (2,)) == NESTED_MESSAGE


def test_header_values_are_decoded_for_search():
    """header_values unfolds and decodes RFC 2047 words, for every occurrence."""
    message = crlf(
        "Received: from a\n\tby b\nReceived: from c\n"
        "From: =?utf-8?q?J=C3=B6rg?= <j@x.de>\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\n\nbody"
    )
    structure = parse_structure(message)
    assert header_values(message, structure, "RECEIVED") == ["from a\tby b", "from c"]
    assert header_values(message, structure, "from") == ["Jörg <j@x.de>"]
    assert header_values(message, structure, "subject") == ["Grüße"]
    assert header_values(message, structure, "cc") == []
    assert header_values(ALTERNATIVE, parse_structure(ALTERNATIVE), "Subject") == ["Grüße aus Köln"]


def test_text_for_search_decodes_every_text_part():
    """Text parts are transfer- and charset-decoded, those in attached messages included."""
    assert text_for_search(ALTERNATIVE, parse_structure(ALTERNATIVE)) == (
        "Grüße\n<p>Gr&uuml;&szlig;e</p>"
    )
    assert text_for_search(FORWARD, parse_structure(FORWARD)) == (
        "See below.\nnumbers\n<b>numbers</b>"
    )
    assert text_for_search(MIXED, parse_structure(MIXED)) == "See attached."


def test_text_for_search_reads_legacy_charsets():
    """A base64 body in ISO-8859-1 decodes to text."""
    message = crlf(
        "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: base64\n\n"
        "S/ZsbiBpc3Qgc2No9m4=\n"
    )
    assert text_for_search(message, parse_structure(message)) == "Köln ist schön"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Date: Tue, 2 Jan 2024 09:30:00 +0100\n", date(2024, 1, 2)),
        ("Date: Tue, 2 Jan 2024 23:30:00 -0800\n", date(2024, 1, 2)),
        ("Date: 2 Jan 24 09:30 GMT\n", date(2024, 1, 2)),
        ("Date: not a date\n", None),
        ("Date:\n", None),
        ("", None),
    ],
)
def test_sent_date_is_the_date_in_its_own_zone(header, expected):
    """sent_date reads the Date header, ignoring time and zone (RFC 3501 6.4.4)."""
    message = crlf(header + "Subject: x\n\nbody")
    assert sent_date(parse_structure(message)) == expected


MIME_LINES = [
    b"Content-Type: multipart/mixed; boundary=a",
    b"Content-Type: message/rfc822",
    b"Content-Type: text/plain; name*=utf-8''%C3%A9",
    b"Content-Transfer-Encoding: base64",
    b"Content-Disposition: attachment; filename=x",
    b"From: A <a@b.c>, g: x@y;",
    b" folded",
    b"--a",
    b"--a--",
    b"",
    b"text",
]


@st.composite
def mime_like_messages(draw: st.DrawFn) -> bytes:
    """Messages assembled from MIME-ish lines and random bytes, with mixed line endings."""
    lines = draw(st.lists(st.one_of(st.sampled_from(MIME_LINES), st.binary(max_size=8))))
    ending = draw(st.sampled_from([b"\r\n", b"\n"]))
    return ending.join(lines)


def _assert_imap_value(value: ImapValue) -> None:
    if isinstance(value, list):
        for item in value:
            _assert_imap_value(item)
    else:
        assert value is None or type(value) in (int, str)


@settings(max_examples=200)
@given(st.one_of(mime_like_messages(), st.binary(max_size=400)))
def test_fetch_values_hold_only_imap_types(message):
    """ENVELOPE and BODYSTRUCTURE of any input contain only None, int, str and lists."""
    structure = parse_structure(message)
    _assert_imap_value(envelope_value(structure))
    _assert_imap_value(bodystructure_value(structure, True))
    _assert_imap_value(bodystructure_value(structure, False))


@settings(max_examples=200)
@given(
    st.one_of(mime_like_messages(), st.binary(max_size=400)),
    st.lists(st.integers(min_value=0, max_value=3), max_size=3).map(tuple),
    st.sampled_from([None, "HEADER", "TEXT", "MIME", "HEADER.FIELDS", "HEADER.FIELDS.NOT"]),
)
def test_any_section_of_any_message_is_served(message, part, text):
    """``[]`` is the whole message, and every section is a slice or an empty result."""
    structure = parse_structure(message)
    assert section_bytes(message, structure, (), None) == message
    data = section_bytes(message, structure, part, text, ("from", "to"))
    if text is None or text in ("HEADER", "TEXT", "MIME"):
        assert data in message
    else:
        assert data == b"" or data.endswith(b"\r\n")
    result = binary_section(message, structure, part)
    assert isinstance(result, bytes | UnknownTransferEncoding)
