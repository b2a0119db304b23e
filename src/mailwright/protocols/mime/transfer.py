"""Content decoding: transfer encodings (RFC 2045 6) and charsets.

Both decoders are lenient the way mail clients are: damaged base64 decodes as far as it can,
and an unknown or unusable charset falls back to UTF-8 with replacement characters.
"""

from __future__ import annotations

import binascii
import codecs
import re
from functools import lru_cache

IDENTITY_ENCODINGS = frozenset({"7bit", "8bit", "binary"})
"""Transfer encodings that leave the content as it is (RFC 2045 6.2)."""

_BASE64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_NOT_BASE64 = bytes(sorted(set(range(256)) - set(_BASE64_ALPHABET) - {ord("=")}))
_BASE64_CHUNK = re.compile(rb"[A-Za-z0-9+/]+=*")
_CHARSET_NAME = re.compile(r"[A-Za-z0-9_.:+-]{1,40}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Codecs Python has that are not charsets: they interpret escapes rather than decode text.
_NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape", "idna", "punycode"})

# Labels that are, in practice, something wider: 8-bit text labelled us-ascii is common and
# UTF-8 decodes ASCII unchanged; iso-8859-1 mail is usually windows-1252 (WHATWG Encoding
# Standard maps the label the same way).
_CHARSET_ALIASES = {
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso-8859-9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "shift_jis": "cp932",
    "tis-620": "cp874",
    "x-unknown": "utf-8",
    "unknown-8bit": "utf-8",
}


def decode_transfer_encoding(data: bytes, encoding: str) -> bytes | None:
    """Undo a Content-Transfer-Encoding.

    Args:
        data: the encoded body.
        encoding: the lowercased encoding name; ``""`` means none was given (7bit).

    Returns:
        The decoded octets, or None when the encoding is unknown (IMAP answers that with
        ``NO [UNKNOWN-CTE]``, RFC 3516 4.2).
    """
    if encoding in IDENTITY_ENCODINGS or not encoding:
        return data
    if encoding == "base64":
        return decode_base64(data)
    if encoding == "quoted-printable":
        return binascii.a2b_qp(data)
    return None


def decode_base64(data: bytes) -> bytes:
    """Decode base64, skipping characters outside the alphabet and repairing bad padding."""
    cleaned = data.translate(None, _NOT_BASE64)
    stripped = cleaned.rstrip(b"=")
    if b"=" not in stripped:
        return _decode_base64_chunk(stripped)
    # Padding in the middle: several encoded blocks were concatenated; decode each one.
    return b"".join(
        _decode_base64_chunk(chunk.rstrip(b"=")) for chunk in _BASE64_CHUNK.findall(cleaned)
    )


def decode_text(data: bytes, charset: str | None) -> str:
    """Decode text in the given charset, never raising.

    Args:
        data: the octets (transfer encoding already undone).
        charset: the charset label from the message, or None for the RFC 2045 default
            (US-ASCII, read as UTF-8).
    """
    codec = find_codec(charset or "us-ascii")
    try:
        text = data.decode(codec, "replace")
    except (LookupError, ValueError):
        # Some codecs (idna, punycode) refuse the "replace" handler.
        return data.decode("utf-8", "replace")
    if codec != "utf-8" and not text.isascii():
        # UTF-7 can decode to lone surrogates, which no UTF-8 writer (JSON column, IMAP
        # string) accepts.
        text = _LONE_SURROGATE.sub("\ufffd", text)
    return text


@lru_cache(maxsize=256)
def find_codec(charset: str) -> str:
    """Return a Python codec name usable for ``charset``, falling back to UTF-8."""
    label = charset.strip().strip('"').lower()
    label = _CHARSET_ALIASES.get(label, label)
    if _CHARSET_NAME.fullmatch(label) is None:
        # Only plain labels reach the codec registry, which imports modules by name.
        return "utf-8"
    for candidate in (label, label.removeprefix("x-")):
        try:
            info = codecs.lookup(candidate)
            b"a".decode(info.name, "replace")
        except (LookupError, ValueError):
            continue
        return "utf-8" if info.name in _NOT_CHARSETS else info.name
    return "utf-8"


def decode_header_bytes(raw: bytes) -> str:
    """Turn raw header octets into text: UTF-8 (RFC 6532), else ISO-8859-1 as older mail used."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _decode_base64_chunk(chunk: bytes) -> bytes:
    remainder = len(chunk) % 4
    if remainder == 1:
        chunk = chunk[:-1]
    elif remainder:
        chunk += b"=" * (4 - remainder)
    return binascii.a2b_base64(chunk)
