"""Header values: unfolding, RFC 2047 encoded words and RFC 2045/2231 parameters."""

import pytest

from mailwright.protocols.mime.headers import (
    decode_encoded_words,
    header_text,
    parse_language_list,
    parse_parameterized,
    parse_token,
)


def test_header_text_unfolds_and_trims():
    """Unfolding drops the CRLF and keeps the folding white space (RFC 5322 2.2.3)."""
    assert header_text(b" Hello\r\n world \r\n") == "Hello world"


def test_header_text_reads_latin1_when_not_utf8():
    """Raw 8-bit header text that is not UTF-8 is read as ISO-8859-1."""
    assert header_text(b" K\xf6ln\r\n") == "Köln"
    assert header_text(" Köln\r\n".encode()) == "Köln"


def test_header_text_drops_nul():
    """NUL cannot be sent in an IMAP string, so it is dropped."""
    assert header_text(b" a\x00b\r\n") == "ab"


@pytest.mark.parametrize(
    ("encoded", "decoded"),
    [
        ("=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=", "Grüße"),
        ("=?ISO-8859-1?B?S/Zsbg==?=", "Köln"),
        ("=?utf-8?q?a_b?=", "a b"),
        ("=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus =?ISO-8859-1?B?S/Zsbg==?=", "Grüße aus Köln"),
        ("=?utf-8?q?one?= \t =?utf-8?q?_two?=", "one two"),
        ("plain text", "plain text"),
        ("=?utf-8*en?q?lang?=", "lang"),
        ("=?utf-8?b?w6k?=", "é"),
    ],
)
def test_encoded_words_are_decoded(encoded, decoded):
    """RFC 2047 words decode; white space between adjacent words is dropped (6.2)."""
    assert decode_encoded_words(encoded) == decoded


def test_encoded_words_split_inside_a_character_are_joined():
    """A multibyte character split across two words of one charset decodes whole."""
    assert decode_encoded_words("=?utf-8?b?w6k=?= =?utf-8?b?w6k=?=") == "éé"
    assert decode_encoded_words("=?utf-8?q?=C3?= =?utf-8?q?=A9?=") == "é"


def test_encoded_word_with_unknown_charset_falls_back_to_utf8():
    """An unknown charset decodes as UTF-8 with replacement characters."""
    assert decode_encoded_words("=?x-nonsense?q?caf=C3=A9?=") == "café"


def test_content_type_is_split_and_lowercased():
    """Type and subtype are lowercased; parameter names too, values are kept."""
    assert parse_parameterized('Text/HTML; Charset="UTF-8"; Format=Flowed') == (
        "text/html",
        (("charset", "UTF-8"), ("format", "Flowed")),
    )


def test_content_type_allows_comments_and_spaces():
    """RFC 2045 allows comments and white space around tokens."""
    assert parse_parameterized("text / plain (note) ; charset = us-ascii (Plain text)") == (
        "text/plain",
        (("charset", "us-ascii"),),
    )


def test_quoted_parameter_values_are_unescaped():
    """Quoted-pairs inside quoted strings are unescaped; semicolons inside are kept."""
    assert parse_parameterized(r'a/b; foo="quoted\"string; x=y"') == (
        "a/b",
        (("foo", 'quoted"string; x=y'),),
    )


def test_unquoted_value_with_spaces_is_kept_whole():
    """A broken unquoted value keeps its spaces up to the next semicolon."""
    _, params = parse_parameterized("attachment; filename=my report.pdf; size=10") or ("", ())
    assert params == (("filename", "my report.pdf"), ("size", "10"))


def test_first_parameter_occurrence_wins():
    """A repeated parameter keeps its first value."""
    assert parse_parameterized("text/plain; charset=utf-8; charset=latin1") == (
        "text/plain",
        (("charset", "utf-8"),),
    )


def test_rfc2231_continuations_are_joined():
    """``name*0``, ``name*1``... join in index order, whatever the header order (RFC 2231 3)."""
    value = 'message/external-body; URL*1="/file.txt"; URL*0="ftp://example.org"'
    assert parse_parameterized(value) == (
        "message/external-body",
        (("url", "ftp://example.org/file.txt"),),
    )


def test_rfc2231_extended_value_is_charset_decoded():
    """``name*=charset'lang'%XX`` is percent- and charset-decoded (RFC 2231 4)."""
    assert parse_parameterized("attachment; filename*=iso-8859-1'de'K%F6ln.txt") == (
        "attachment",
        (("filename", "Köln.txt"),),
    )


def test_rfc2231_mixed_encoded_and_plain_sections():
    """Encoded and plain sections combine, the charset coming from section 0 (RFC 2231 4.1)."""
    value = "attachment; filename*0*=utf-8''R%C3%A9sum%C3%A9; filename*1=\".pdf\""
    assert parse_parameterized(value) == ("attachment", (("filename", "Résumé.pdf"),))


def test_rfc2231_form_wins_over_plain_form():
    """When both ``name`` and ``name*`` are given, the RFC 2231 value is used."""
    value = "attachment; filename=\"fallback.txt\"; filename*=utf-8''%E2%82%AC.txt"
    assert parse_parameterized(value) == ("attachment", (("filename", "€.txt"),))


def test_parameterized_value_without_leading_token_is_rejected():
    """A value that does not start with a token cannot be parsed."""
    assert parse_parameterized('"quoted"/plain') is None
    assert parse_parameterized("") is None


def test_token_is_read_and_lowercased():
    """The leading token of Content-Transfer-Encoding is returned lowercased."""
    assert parse_token(" Base64 (comment)") == "base64"
    assert parse_token("?invalid") is None


def test_language_list_is_split_on_commas():
    """Content-Language is a comma-separated list of tags (RFC 3282)."""
    assert parse_language_list("en, fi (Finnish), se") == ("en", "fi", "se")
    assert parse_language_list(" ") == ()
