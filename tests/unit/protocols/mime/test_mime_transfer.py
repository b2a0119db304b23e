"""Content decoding: transfer encodings (RFC 2045 6) and charsets."""

import base64

import pytest

from mailwright.protocols.mime.transfer import (
    decode_base64,
    decode_text,
    decode_transfer_encoding,
    find_codec,
)


@pytest.mark.parametrize("encoding", ["7bit", "8bit", "binary", ""])
def test_identity_encodings_leave_content_alone(encoding):
    """7bit, 8bit, binary and no encoding at all return the octets unchanged."""
    assert decode_transfer_encoding(b"a\r\nb\xff", encoding) == b"a\r\nb\xff"


def test_base64_with_line_breaks_decodes():
    """Line breaks and white space inside base64 are skipped."""
    payload = bytes(range(256)) * 3
    encoded = base64.encodebytes(payload).replace(b"\n", b"\r\n")
    assert decode_transfer_encoding(encoded, "base64") == payload


def test_base64_with_missing_padding_decodes():
    """Missing ``=`` padding is repaired."""
    assert decode_base64(b"QUJDRA") == b"ABCD"
    assert decode_base64(b"QUJDREU") == b"ABCDE"


def test_base64_with_garbage_decodes_what_it_can():
    """Characters outside the alphabet are ignored and a dangling character dropped."""
    assert decode_base64(b"QU!JD*RA==\r\n") == b"ABCD"
    assert decode_base64(b"QUJDR") == b"ABC"


def test_base64_concatenated_blocks_decode_each():
    """Padding in the middle marks concatenated encodings, each decoded in turn."""
    assert decode_base64(b"QQ==\r\nQkI=\r\n") == b"ABB"


def test_quoted_printable_decodes_soft_breaks_and_escapes():
    """``=XX`` escapes and ``=`` soft line breaks are undone (RFC 2045 6.7)."""
    encoded = b"Caf=C3=A9 au =\r\nlait=3D\r\nnext line"
    assert decode_transfer_encoding(encoded, "quoted-printable") == (
        "Café au lait=\r\nnext line".encode()
    )


def test_unknown_transfer_encoding_gives_none():
    """An encoding we cannot undo is reported as None (IMAP: UNKNOWN-CTE)."""
    assert decode_transfer_encoding(b"begin 644 x\r\n", "x-uuencode") is None


def test_text_decodes_in_its_charset():
    """Text is decoded in its declared charset."""
    assert decode_text("Grüße".encode("iso-8859-15"), "ISO-8859-15") == "Grüße"
    assert decode_text("日本語".encode("iso-2022-jp"), "iso-2022-jp") == "日本語"


def test_text_labelled_us_ascii_reads_utf8():
    """8-bit text mislabelled us-ascii (or unlabelled) is read as UTF-8."""
    assert decode_text("é".encode(), None) == "é"
    assert decode_text("é".encode(), "us-ascii") == "é"


def test_text_labelled_latin1_reads_windows_1252():
    """iso-8859-1 is read as windows-1252, as the WHATWG Encoding Standard does."""
    assert decode_text(b"\x80 \xe9", "iso-8859-1") == "€ é"


def test_unknown_charset_falls_back_to_utf8():
    """An unknown label, a codec that is not a charset, or a suspicious name give UTF-8."""
    for label in ["x-nonsense", "base64", "unicode_escape", "../../os", "a" * 80]:
        assert find_codec(label) == "utf-8"
    assert decode_text(b"\\u00e9", "unicode_escape") == "\\u00e9"


def test_charset_x_prefix_is_tried_without_it():
    """``x-mac-roman`` is found as Python's ``mac-roman``."""
    assert find_codec("x-mac-roman") == "mac-roman"


def test_utf7_lone_surrogates_are_replaced():
    """UTF-7 can decode to lone surrogates, which are replaced so the text encodes."""
    text = decode_text(b"+2AA-", "utf-7")
    assert text == "\ufffd"
    text.encode("utf-8")
