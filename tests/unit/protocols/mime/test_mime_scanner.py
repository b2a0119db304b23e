"""Byte-level scanning: header blocks and multipart delimiters (RFC 5322 2.1, RFC 2046 5.1.1)."""

from mailwright.protocols.mime.scanner import (
    canonicalize_line_endings,
    count_lines,
    find_header_end,
    iter_header_fields,
    scan_header,
    split_multipart,
)

WANTED = frozenset({"subject", "to"})


def _parts(body: bytes, boundary: bytes) -> list[bytes]:
    layout = split_multipart(body, 0, len(body), boundary)
    return [body[start:end] for start, end in layout.parts]


def test_header_ends_after_the_empty_line():
    """The empty line belongs to the header, so the body starts right after it."""
    message = b"Subject: hi\r\nTo: a@b\r\n\r\nbody\r\n"
    body_start, fields = scan_header(message, 0, len(message), WANTED)
    assert message[body_start:] == b"body\r\n"
    assert fields == {"subject": b" hi\r\n", "to": b" a@b\r\n"}


def test_header_keeps_continuation_lines_with_their_field():
    """A folded field's raw value includes its continuation lines."""
    message = b"Subject: one\r\n two\r\n\tthree\r\nTo: x\r\n\r\n"
    _, fields = scan_header(message, 0, len(message), WANTED)
    assert fields["subject"] == b" one\r\n two\r\n\tthree\r\n"


def test_header_keeps_only_the_first_occurrence_of_a_field():
    """A repeated field keeps its first value."""
    message = b"Subject: first\r\nSubject: second\r\n\r\n"
    _, fields = scan_header(message, 0, len(message), WANTED)
    assert fields["subject"] == b" first\r\n"


def test_header_ends_at_a_line_that_is_not_a_field():
    """A line without a field name starts the body, as when the empty line is missing."""
    message = b"Subject: hi\r\nthis is body text\r\n"
    body_start, _ = scan_header(message, 0, len(message), WANTED)
    assert body_start == len(b"Subject: hi\r\n")
    assert find_header_end(message, 0, len(message)) == body_start


def test_header_without_empty_line_runs_to_the_end():
    """A message made only of header fields has an empty body."""
    message = b"Subject: hi\r\nTo: a@b"
    body_start, fields = scan_header(message, 0, len(message), WANTED)
    assert body_start == len(message)
    assert fields["to"] == b" a@b"


def test_header_accepts_white_space_before_the_colon():
    """RFC 5322 4.5 obsolete syntax allows white space between field name and colon."""
    message = b"Subject : spaced\n\nbody"
    body_start, fields = scan_header(message, 0, len(message), WANTED)
    assert fields["subject"] == b" spaced\n"
    assert message[body_start:] == b"body"


def test_header_empty_when_the_entity_starts_with_an_empty_line():
    """An entity that starts with an empty line has a header made of that line only."""
    assert find_header_end(b"\r\nbody", 0, 6) == 2
    assert find_header_end(b"\nbody", 0, 5) == 1


def test_header_fields_are_listed_with_their_offsets():
    """iter_header_fields gives each field's extent, continuation lines included."""
    message = b"A: 1\r\nB: 2\r\n  more\r\nC: 3\r\n\r\nbody"
    fields = list(iter_header_fields(message, 0, len(message)))
    assert [(f.name, message[f.start : f.end]) for f in fields] == [
        ("a", b"A: 1\r\n"),
        ("b", b"B: 2\r\n  more\r\n"),
        ("c", b"C: 3\r\n"),
    ]
    assert message[fields[1].value_start : fields[1].end] == b" 2\r\n  more\r\n"


def test_multipart_ignores_preamble_and_epilogue():
    """Text before the first delimiter and after the close-delimiter is not a part."""
    body = b"preamble\r\n--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n--b--\r\nepilogue\r\n"
    assert _parts(body, b"b") == [b"\r\none", b"\r\ntwo"]
    assert split_multipart(body, 0, len(body), b"b").closed


def test_multipart_line_ending_before_a_delimiter_belongs_to_it():
    """The CRLF before a delimiter is not part content; an extra empty line is."""
    body = b"--b\r\n\r\none\r\n\r\n--b--"
    assert _parts(body, b"b") == [b"\r\none\r\n"]


def test_multipart_without_close_delimiter_runs_to_the_end():
    """A missing final boundary ends the last part at the end of the body."""
    body = b"--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n"
    layout = split_multipart(body, 0, len(body), b"b")
    assert [body[s:e] for s, e in layout.parts] == [b"\r\none", b"\r\ntwo\r\n"]
    assert not layout.closed


def test_multipart_boundary_inside_a_line_is_content():
    """A boundary string that does not start a line is not a delimiter."""
    body = b"--b\r\n\r\nsee --b here\r\nx--b\r\n--b--\r\n"
    assert _parts(body, b"b") == [b"\r\nsee --b here\r\nx--b"]


def test_multipart_longer_boundary_with_same_prefix_is_content():
    """``--bb`` is not a delimiter for boundary ``b`` (only padding may follow it)."""
    body = b"--b\r\n\r\n--bb\r\ninner\r\n--b--\r\n"
    assert _parts(body, b"b") == [b"\r\n--bb\r\ninner"]


def test_multipart_accepts_transport_padding():
    """Spaces and tabs after a delimiter are transport padding (RFC 2046 5.1.1)."""
    body = b"--b \t\r\n\r\none\r\n--b-- \r\n"
    assert _parts(body, b"b") == [b"\r\none"]


def test_multipart_handles_bare_lf():
    """Bare-LF line endings delimit parts the same way as CRLF."""
    body = b"--b\n\none\n--b\n\ntwo\n--b--\n"
    assert _parts(body, b"b") == [b"\none", b"\ntwo"]


def test_multipart_consecutive_delimiters_give_an_empty_part():
    """Two delimiter lines in a row enclose an empty part."""
    body = b"--b\r\n--b\r\n\r\nx\r\n--b--"
    assert _parts(body, b"b") == [b"", b"\r\nx"]


def test_multipart_without_any_delimiter_has_no_parts():
    """A body that never mentions the boundary has no parts."""
    assert _parts(b"just text\r\n", b"b") == []


def test_lines_are_counted_as_lf_octets():
    """IMAP line counts are the number of LFs; a final partial line does not count."""
    assert count_lines(b"a\r\nb\r\nc", 0, 7) == 2
    assert count_lines(b"a\nb\n", 0, 4) == 2


def test_line_endings_are_canonicalized_to_crlf():
    """Bare LF, bare CR and CRLF all become CRLF."""
    assert canonicalize_line_endings(b"a\nb\r\nc\rd") == b"a\r\nb\r\nc\r\nd"
    assert canonicalize_line_endings(b"a\nb") == b"a\r\nb"


def test_multipart_scan_stops_after_max_parts():
    """A body made of delimiters is not scanned past the part limit."""
    body = b"--b\r\n" * 1000
    layout = split_multipart(body, 0, len(body), b"b", max_parts=3)
    assert len(layout.parts) == 3
    assert not layout.closed
