"""parse_structure: the MIME tree of a message, with byte offsets into the original bytes."""

import json

import pytest

from mailwright.protocols.mime import (
    MAX_DEPTH,
    MAX_PARTS,
    Address,
    BodyPart,
    Disposition,
    MessageStructure,
    parse_structure,
)


def crlf(text: str) -> bytes:
    """Write a message readably in the test and store it with CRLF line endings."""
    return text.replace("\n", "\r\n").encode()


MIXED = crlf(
    """From: Alice <alice@example.org>
To: Bob <bob@example.com>
Subject: Report
Date: Mon, 1 Jan 2024 10:00:00 +0000
Message-ID: <mixed@example.org>
MIME-Version: 1.0
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
Content-Description: The report
Content-Language: en, de
Content-Location: report.pdf
Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==

JVBERi0xLjQK
--mix--
epilogue
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


def _slice(message: bytes, part: BodyPart) -> tuple[bytes, bytes]:
    return message[part.header_start : part.header_end], message[part.body_start : part.body_end]


def test_simple_text_message_has_one_text_part():
    """A message without MIME headers is one text/plain part spanning the whole message."""
    message = crlf("From: a@b.c\nSubject: Hi\n\nHello\nthere\n")
    structure = parse_structure(message)
    root = structure.root
    assert (root.maintype, root.subtype, root.params) == ("text", "plain", ())
    assert _slice(message, root) == (crlf("From: a@b.c\nSubject: Hi\n\n"), crlf("Hello\nthere\n"))
    assert (root.size, root.lines, root.encoding) == (14, 2, "7bit")
    assert root.header_start == 0
    assert root.body_end == len(message)


def test_multipart_parts_have_header_and_body_offsets():
    """Each part's MIME header and body are exact slices of the message."""
    structure = parse_structure(MIXED)
    text, pdf = structure.root.children
    assert _slice(MIXED, text) == (
        b"Content-Type: text/plain; charset=us-ascii\r\n\r\n",
        b"See attached.",
    )
    header, body = _slice(MIXED, pdf)
    assert header.startswith(b"Content-Type: application/pdf;")
    assert header.endswith(b"\r\n\r\n")
    assert body == b"JVBERi0xLjQK"


def test_multipart_part_fields_are_parsed():
    """Content-* fields are decoded into the part (RFC 2231 joined, types lowercased)."""
    pdf = parse_structure(MIXED).root.children[1]
    assert pdf.content_type == "application/pdf"
    assert pdf.params == (("name", "report.pdf"),)
    assert pdf.encoding == "base64"
    assert pdf.disposition == Disposition("attachment", (("filename", "Résumé.pdf"),))
    assert pdf.content_id == "<att1@example.org>"
    assert pdf.description == "The report"
    assert pdf.language == ("en", "de")
    assert pdf.location == "report.pdf"
    assert pdf.md5 == "Q2hlY2sgSW50ZWdyaXR5IQ=="
    assert pdf.lines is None


def test_top_level_envelope_is_parsed():
    """The message header gives the envelope."""
    envelope = parse_structure(MIXED).envelope
    assert envelope.subject == "Report"
    assert envelope.from_ == (Address("Alice", None, "alice", "example.org"),)
    assert envelope.to == (Address("Bob", None, "bob", "example.com"),)
    assert envelope.message_id == "<mixed@example.org>"


def test_encapsulated_message_is_parsed_in_place():
    """A message/rfc822 part holds the nested message's envelope and parts, same offsets."""
    attached = parse_structure(FORWARD).root.children[1]
    assert attached.content_type == "message/rfc822"
    nested = attached.message
    assert nested is not None
    assert nested.envelope.subject == "numbers"
    assert nested.envelope.from_ == (Address("Carol", None, "carol", "example.net"),)
    assert nested.root.header_start == attached.body_start
    assert nested.root.body_end == attached.body_end
    assert [p.content_type for p in nested.root.children] == ["text/plain", "text/html"]
    assert FORWARD[attached.body_start :].startswith(b"From: Carol")
    assert attached.lines == FORWARD.count(b"\n", attached.body_start, attached.body_end)


def test_nested_multipart_inside_alternative():
    """multipart/related inside multipart/alternative is split at each level."""
    message = crlf(
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

iVBORw0KGgo=
--inner--
--outer--
"""
    )
    root = parse_structure(message).root
    plain, related = root.children
    html, png = related.children
    assert related.params == (("boundary", "inner"), ("type", "text/html"))
    assert message[html.body_start : html.body_end] == b'<img src="cid:logo">'
    assert message[png.body_start : png.body_end] == b"iVBORw0KGgo="
    assert png.content_id == "<logo>"
    assert message[plain.body_start : plain.body_end] == b"Plain"


def test_bare_lf_message_parses_like_crlf():
    """A bare-LF message gives the same tree, with offsets into the LF bytes."""
    lf_message = MIXED.replace(b"\r\n", b"\n")
    crlf_tree = parse_structure(MIXED)
    lf_tree = parse_structure(lf_message)
    assert [p.content_type for p in lf_tree.walk()] == [p.content_type for p in crlf_tree.walk()]
    text = lf_tree.root.children[0]
    assert lf_message[text.body_start : text.body_end] == b"See attached."
    assert lf_tree.root.children[1].disposition == crlf_tree.root.children[1].disposition


def test_missing_final_boundary_ends_last_part_at_end_of_message():
    """Without ``--boundary--`` the last part runs to the end of the message."""
    message = crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n")
    first, second = parse_structure(message).root.children
    assert message[first.body_start : first.body_end] == b"one"
    assert message[second.body_start : second.body_end] == b"two\r\n"
    assert second.body_end == len(message)


def test_inner_multipart_missing_its_close_ends_at_the_outer_delimiter():
    """An unterminated inner multipart stops at the next delimiter of its parent."""
    message = crlf(
        """Content-Type: multipart/mixed; boundary=outer

--outer
Content-Type: multipart/alternative; boundary=inner

--inner

a
--outer

b
--outer--
"""
    )
    inner, last = parse_structure(message).root.children
    assert [message[p.body_start : p.body_end] for p in inner.children] == [b"a"]
    assert message[last.body_start : last.body_end] == b"b"


def test_no_content_type_means_text_plain():
    """RFC 2045 5.2: without Content-Type a part is text/plain."""
    message = crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\n\nno header\n--b--\n")
    child = parse_structure(message).root.children[0]
    assert (child.content_type, child.params, child.lines) == ("text/plain", (), 0)
    assert message[child.header_start : child.header_end] == b"\r\n"


def test_invalid_content_type_degrades_to_text_plain():
    """RFC 2045 5.2: a syntactically invalid Content-Type is treated as text/plain."""
    for value in ["text", "/plain", '"x"/y', "", "text/"]:
        root = parse_structure(crlf(f"Content-Type: {value}; charset=utf-8\n\nbody")).root
        assert (root.content_type, root.params) == ("text/plain", ()), value


def test_multipart_without_boundary_degrades_to_text_plain():
    """A multipart with no boundary cannot be split, so it is shown as text."""
    root = parse_structure(crlf("Content-Type: multipart/mixed\n\n--x\n\nhi\n--x--\n")).root
    assert (root.content_type, root.children, root.lines) == ("text/plain", (), 4)


def test_multipart_without_delimiters_has_no_children():
    """A multipart whose body never uses its boundary has no parts."""
    root = parse_structure(crlf("Content-Type: multipart/mixed; boundary=b\n\nnothing\n")).root
    assert root.content_type == "multipart/mixed"
    assert root.children == ()


def test_base64_encoded_rfc822_becomes_octet_stream():
    """message/rfc822 may not be base64 (RFC 2046 5.2.1); it cannot be parsed in place."""
    message = crlf(
        "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nRnJvbTogYQ0K\n"
    )
    root = parse_structure(message).root
    assert (root.content_type, root.message, root.lines) == ("application/octet-stream", None, None)


def test_digest_parts_default_to_rfc822():
    """Inside multipart/digest a part without Content-Type is message/rfc822 (RFC 2046 5.1.5)."""
    message = crlf(
        "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: one\n\nbody\n--d--\n"
    )
    child = parse_structure(message).root.children[0]
    assert child.content_type == "message/rfc822"
    assert child.message is not None
    assert child.message.envelope.subject == "one"


def test_unknown_multipart_subtype_is_still_split():
    """Unknown multipart subtypes are split like multipart/mixed (RFC 2046 5.1.7)."""
    message = crlf("Content-Type: multipart/x-weird; boundary=w\n\n--w\n\na\n--w--\n")
    root = parse_structure(message).root
    assert root.subtype == "x-weird"
    assert len(root.children) == 1


def test_nesting_beyond_the_limit_becomes_a_leaf():
    """Nesting deeper than MAX_DEPTH stops the descent with an octet-stream leaf."""
    message = b"Content-Type: message/rfc822\r\n\r\n" * (MAX_DEPTH + 5) + b"\r\nend"
    depth = 0
    part = parse_structure(message).root
    while part.message is not None:
        part = part.message.root
        depth += 1
    assert depth == MAX_DEPTH
    assert part.content_type == "application/octet-stream"


def test_header_only_message_has_empty_body():
    """A message with no empty line is all header."""
    message = b"Subject: only header\r\n"
    root = parse_structure(message).root
    assert (root.body_start, root.body_end, root.lines) == (len(message), len(message), 0)


def test_empty_message_parses():
    """Even empty input gives a structure."""
    root = parse_structure(b"").root
    assert (root.content_type, root.header_start, root.body_end) == ("text/plain", 0, 0)


def test_walk_visits_every_part_depth_first():
    """walk() yields parts in section order, entering encapsulated messages."""
    types = [part.content_type for part in parse_structure(FORWARD).walk()]
    assert types == [
        "multipart/mixed",
        "text/plain",
        "message/rfc822",
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]


@pytest.mark.parametrize("message", [MIXED, FORWARD, b"", b"Subject: x\r\n\r\nbody"])
def test_json_round_trips(message):
    """from_json(to_json()) rebuilds an equal structure, also through a JSON string."""
    structure = parse_structure(message)
    stored = json.dumps(structure.to_json(), separators=(",", ":"))
    assert MessageStructure.from_json(json.loads(stored)) == structure


def test_json_is_compact():
    """Default values are left out of the stored JSON."""
    data = parse_structure(crlf("Subject: x\n\nbody\n")).to_json()
    assert data["r"] == {"o": [0, 14, 20], "l": 1}
    assert data["v"] == 1


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"v": 2, "e": [], "r": {}},
        {"v": 1, "e": [None] * 10, "r": {}},
        {"v": 1, "e": [], "r": {"o": [0, 0, 0]}},
        [],
    ],
)
def test_json_from_unknown_data_is_refused(data):
    """Data that is not a stored structure raises ValueError."""
    with pytest.raises(ValueError, match="structure"):
        MessageStructure.from_json(data)


def test_part_count_is_limited():
    """No more than MAX_PARTS entities are parsed, however many delimiters there are."""
    message = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n" + b"--b\r\n" * (MAX_PARTS + 50)
    structure = parse_structure(message)
    assert sum(1 for _ in structure.walk()) == MAX_PARTS
