"""Modified UTF-7 for mailbox names (RFC 3501 5.1.3).

Printable US-ASCII other than ``&`` stands for itself; ``&`` is written ``&-``;
every other character is UTF-16BE in modified BASE64 (``,`` for ``/``, no
padding) between ``&`` and ``-``. The decoder accepts only the canonical form
so one name has one spelling, which matters when names are compared or stored.
"""

from __future__ import annotations

import base64
import binascii

_PRINTABLE_FIRST = 0x20
_PRINTABLE_LAST = 0x7E
_AMPERSAND = "&"


class MUTF7Error(ValueError):
    """Malformed modified UTF-7, or a str that cannot be encoded."""


def _is_direct(char: str) -> bool:
    return _PRINTABLE_FIRST <= ord(char) <= _PRINTABLE_LAST


def _b64_encode_bytes(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii").rstrip("=").replace("/", ",")


def _b64_encode(run: str) -> str:
    try:
        raw = run.encode("utf-16-be")
    except UnicodeEncodeError:
        raise MUTF7Error("lone surrogate code point cannot be encoded") from None
    return _b64_encode_bytes(raw)


def encode(name: str) -> str:
    """Encode a mailbox name as modified UTF-7.

    Raises:
        MUTF7Error: `name` holds a lone surrogate.
    """
    out: list[str] = []
    pending: list[str] = []
    for char in name:
        if _is_direct(char):
            if pending:
                out.append(f"&{_b64_encode(''.join(pending))}-")
                pending.clear()
            out.append("&-" if char == _AMPERSAND else char)
        else:
            pending.append(char)
    if pending:
        out.append(f"&{_b64_encode(''.join(pending))}-")
    return "".join(out)


def _b64_decode(segment: str, offset: int) -> str:
    standard = segment.replace(",", "/")
    if "/" in segment or "=" in segment:
        raise MUTF7Error(f"invalid BASE64 character in shift sequence at offset {offset}")
    try:
        raw = base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except binascii.Error:
        raise MUTF7Error(f"invalid BASE64 in shift sequence at offset {offset}") from None
    if _b64_encode_bytes(raw) != segment:
        raise MUTF7Error(f"non-canonical BASE64 (stray bits) at offset {offset}")
    if len(raw) % 2:
        raise MUTF7Error(f"odd number of UTF-16 octets at offset {offset}")
    try:
        text = raw.decode("utf-16-be")
    except UnicodeDecodeError:
        raise MUTF7Error(f"unpaired UTF-16 surrogate at offset {offset}") from None
    if any(_is_direct(char) for char in text):
        raise MUTF7Error(f"printable US-ASCII encoded in BASE64 at offset {offset}")
    return text


def decode(data: str | bytes) -> str:
    """Decode a modified UTF-7 mailbox name.

    Raises:
        MUTF7Error: an octet outside printable US-ASCII, an unterminated or
            empty shift sequence, bad BASE64, or a non-canonical encoding.
    """
    if isinstance(data, bytes):
        if not data.isascii():
            raise MUTF7Error("8-bit octet in modified UTF-7")
        data = data.decode("ascii")
    out: list[str] = []
    index = 0
    while index < len(data):
        char = data[index]
        if not _is_direct(char):
            raise MUTF7Error(f"character 0x{ord(char):02x} at offset {index} must be encoded")
        if char != _AMPERSAND:
            out.append(char)
            index += 1
            continue
        end = data.find("-", index + 1)
        if end == -1:
            raise MUTF7Error(f"'&' at offset {index} is not closed by '-'")
        if end == index + 1:
            out.append(_AMPERSAND)
        elif data.startswith("&", end + 1) and not data.startswith("&-", end + 1):
            raise MUTF7Error(f"adjacent shift sequences at offset {end + 1} must be merged")
        else:
            out.append(_b64_decode(data[index + 1 : end], index))
        index = end + 1
    return "".join(out)
