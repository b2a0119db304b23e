"""Property tests: parse_structure accepts any bytes and keeps its offsets consistent."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from mailwright.protocols.mime import MAX_PARTS, BodyPart, MessageStructure, parse_structure
from mailwright.protocols.mime.envelope import parse_address_list
from mailwright.protocols.mime.headers import (
    decode_encoded_words,
    header_text,
    parse_language_list,
    parse_parameterized,
    parse_token,
)

# Lines that steer random input into the interesting paths: boundaries, nesting, folding,
# RFC 2231 and group syntax, plus near-misses of each.
MIME_LINES = [
    b"Content-Type: multipart/mixed; boundary=a",
    b'Content-Type: multipart/alternative; boundary="b"',
    b"Content-Type: multipart/digest; boundary=a",
    b"Content-Type: message/rfc822",
    b"Content-Type: multipart/related",
    b"Content-Type: text/plain; name*0*=utf-8''%C3; name*1*=%A9; charset=\"x",
    b"Content-Transfer-Encoding: base64",
    b'Content-Disposition: attachment; filename="a b.txt"; (comment',
    b"Content-Language: en, (x) de",
    b'From: A <a@b.c>, group: x@y, <@r:z@w>;, "q\\"',
    b"To: undisclosed-recipients:;",
    b"Subject: =?utf-8?q?caf=C3=A9?= =?utf-7?b?KzJBQS0=?=",
    b" folded continuation",
    b"\tx",
    b"--a",
    b"--a--",
    b"--b",
    b"--b-- ",
    b"--aa",
    b"",
    b"body text",
    b"Not a header line",
]


@st.composite
def mime_like_messages(draw: st.DrawFn) -> bytes:
    """Messages assembled from MIME-ish lines with mixed line endings and random bytes."""
    lines = draw(
        st.lists(st.one_of(st.sampled_from(MIME_LINES), st.binary(max_size=12)), max_size=60)
    )
    endings = draw(
        st.lists(
            st.sampled_from([b"\r\n", b"\n", b"\r\n", b"\r", b""]),
            min_size=len(lines),
            max_size=len(lines),
        )
    )
    return b"".join(line + ending for line, ending in zip(lines, endings, strict=True))


def assert_offsets_consistent(part: BodyPart, start: int, end: int) -> None:
    """A part lies inside its parent's body, children in order and without overlap."""
    assert start <= part.header_start <= part.body_start <= part.body_end <= end
    previous_end = part.body_start
    for child in part.children:
        assert child.header_start >= previous_end
        assert_offsets_consistent(child, part.body_start, part.body_end)
        previous_end = child.body_end
    if part.message is not None:
        nested = part.message.root
        assert (nested.header_start, nested.body_end) == (part.body_start, part.body_end)
        assert_offsets_consistent(nested, part.body_start, part.body_end)


def assert_structure_sound(message: bytes, structure: MessageStructure) -> None:
    root = structure.root
    assert (root.header_start, root.body_end) == (0, len(message))
    assert_offsets_consistent(root, 0, len(message))
    assert sum(1 for _ in structure.walk()) <= MAX_PARTS
    for part in structure.walk():
        assert part.maintype
        assert part.subtype
        assert (part.lines is not None) == (part.maintype == "text" or part.message is not None)
        assert (part.message is not None) == (part.content_type == "message/rfc822")


@given(st.binary(max_size=2000))
def test_any_bytes_parse_with_consistent_offsets(message):
    """Arbitrary bytes never make the parser raise, and offsets stay inside and ordered."""
    assert_structure_sound(message, parse_structure(message))


@settings(max_examples=300)
@given(mime_like_messages())
def test_mime_like_bytes_parse_with_consistent_offsets(message):
    """MIME-shaped random input never makes the parser raise, and offsets stay consistent."""
    assert_structure_sound(message, parse_structure(message))


@settings(max_examples=200)
@given(st.one_of(mime_like_messages(), st.binary(max_size=500)))
def test_json_round_trips_for_any_input(message):
    """to_json/from_json rebuild an equal structure, through a UTF-8 JSON string too."""
    structure = parse_structure(message)
    stored = json.dumps(structure.to_json(), ensure_ascii=False).encode("utf-8")
    assert MessageStructure.from_json(json.loads(stored)) == structure


HEADER_ALPHABET = st.sampled_from(list("=?\"()<>[]:;@,.\\*'% \tabqQB0123456789/-_é"))


@settings(max_examples=300)
@given(st.one_of(st.text(), st.text(HEADER_ALPHABET)))
def test_header_value_parsers_accept_any_text(value):
    """Address, parameter, token, language and encoded-word parsers never raise."""
    parse_address_list(value)
    parse_parameterized(value)
    parse_token(value)
    parse_language_list(value)
    decoded = decode_encoded_words(value)
    decoded.encode("utf-8")


@given(st.binary(max_size=300))
def test_header_text_accepts_any_bytes(raw):
    """Any raw header value becomes one line of text without CR, LF or NUL."""
    text = header_text(raw)
    assert not set("\r\n\x00") & set(text)
