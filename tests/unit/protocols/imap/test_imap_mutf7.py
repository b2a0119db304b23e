"""Modified UTF-7 mailbox names (protocols/imap/mutf7.py)."""

from __future__ import annotations

import pytest

from mailwright.protocols.imap import mutf7

EXAMPLES: list[tuple[str, str]] = [
    ("INBOX", "INBOX"),
    ("", ""),
    ("&", "&-"),
    ("Tom & Jerry", "Tom &- Jerry"),
    ("Entwürfe", "Entw&APw-rfe"),
    ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),  # RFC 3501 5.1.3
    ("😀", "&2D3eAA-"),
    ("a\x00b", "a&AAA-b"),
    ("tab\there", "tab&AAk-here"),
]


@pytest.mark.parametrize(("text", "encoded"), EXAMPLES)
def test_encodes_and_decodes(text: str, encoded: str) -> None:
    """Known names encode to their canonical form and decode back."""
    assert mutf7.encode(text) == encoded
    assert mutf7.decode(encoded) == text
    assert mutf7.decode(encoded.encode("ascii")) == text


@pytest.mark.parametrize(
    ("encoded", "reason"),
    [
        ("&Jjo!", "'&' at offset 0 is not closed by '-'"),  # RFC 3501 5.1.3 counter-example
        ("abc&", "'&' at offset 3 is not closed by '-'"),
        ("&U,BTFw-&ZeVnLIqe-", "adjacent shift sequences at offset 8 must be merged"),
        ("&AGE-", "printable US-ASCII encoded in BASE64 at offset 0"),
        ("&A-", "invalid BASE64 in shift sequence at offset 0"),
        ("&AOQ/-", "invalid BASE64 character in shift sequence at offset 0"),
        ("&AOR-", "non-canonical BASE64 (stray bits) at offset 0"),
        ("&AOQA-", "odd number of UTF-16 octets at offset 0"),
        ("&2D0-", "unpaired UTF-16 surrogate at offset 0"),
        ("a\x01b", "character 0x01 at offset 1 must be encoded"),
        ("\x7f", "character 0x7f at offset 0 must be encoded"),
        ("Entwürfe", "character 0xfc at offset 4 must be encoded"),
    ],
)
def test_rejects_malformed_input(encoded: str, reason: str) -> None:
    """Malformed modified UTF-7 raises MUTF7Error saying what and where."""
    with pytest.raises(mutf7.MUTF7Error) as caught:
        mutf7.decode(encoded)
    assert str(caught.value) == reason


def test_rejects_8bit_bytes() -> None:
    """Octets above 0x7f are not modified UTF-7."""
    with pytest.raises(mutf7.MUTF7Error, match="8-bit octet"):
        mutf7.decode("Entwürfe".encode())


def test_refuses_to_encode_lone_surrogate() -> None:
    """A str with a lone surrogate has no UTF-16 form."""
    with pytest.raises(mutf7.MUTF7Error, match="lone surrogate"):
        mutf7.encode("\ud800")
