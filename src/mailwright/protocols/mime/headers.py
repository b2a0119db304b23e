"""Header field values: unfolding, RFC 2047 encoded words, MIME parameters with RFC 2231.

Values come in as the raw octets after the field's colon and leave as ``str``. Parsing is
lenient: a value that cannot be read gives None (the caller applies the RFC default), never an
exception.
"""

from __future__ import annotations

import binascii
import re
from urllib.parse import unquote_to_bytes

from mailwright.protocols.mime.transfer import decode_base64, decode_header_bytes, decode_text

# RFC 2045 5.1 token (named "atom" here): 1*<any (US-ASCII) CHAR except SPACE, CTLs, or tspecials>
_MIME_ATOM = r"[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+"
_HEAD = re.compile(rf"[ \t]*({_MIME_ATOM})(?:[ \t]*/[ \t]*({_MIME_ATOM}))?")
_PARAM = re.compile(
    rf';[ \t]*({_MIME_ATOM})[ \t]*=[ \t]*(?:"((?:[^"\\]|\\.)*)"?|([^;]*))', re.DOTALL
)
_QUOTED_PAIR = re.compile(r"\\(.)", re.DOTALL)
_SECTION = re.compile(r"(?P<name>[^*]+)\*(?:(?P<index>[0-9]{1,3})\*?|)$")
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")


def header_text(raw: bytes) -> str:
    """Unfold a raw header value into one line of text with the outer white space removed.

    RFC 5322 2.2.3: unfolding removes the CRLF before folding white space, keeping the white
    space. NUL and stray line endings are dropped: they cannot be sent in an IMAP string.
    """
    return _drop_forbidden(decode_header_bytes(raw).strip())


def decode_encoded_words(text: str) -> str:
    """Decode RFC 2047 encoded words, dropping the white space between adjacent ones (6.2).

    Adjacent words in the same charset are decoded together, which repairs the common split of
    one multibyte character across two words.
    """
    if "=?" not in text:
        return text
    pieces: list[str] = []
    pending = bytearray()
    pending_charset = ""
    after_word = False
    pos = 0
    for match in _ENCODED_WORD.finditer(text):
        gap = text[pos : match.start()]
        charset = match.group(1).split("*", 1)[0]
        if not after_word or gap.strip():
            _flush(pieces, pending, pending_charset)
            pieces.append(gap)
            pending_charset = charset
        elif charset.lower() != pending_charset.lower():
            _flush(pieces, pending, pending_charset)
            pending_charset = charset
        pending += _decode_word(match.group(2), match.group(3))
        after_word = True
        pos = match.end()
    _flush(pieces, pending, pending_charset)
    pieces.append(text[pos:])
    return _drop_forbidden("".join(pieces))


def parse_token(value: str) -> str | None:
    """Return the leading MIME token of ``value`` lowercased (Content-Transfer-Encoding)."""
    match = _HEAD.match(_strip_comments(value))
    return match.group(1).lower() if match else None


def parse_parameterized(value: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """Parse ``value; name=value; ...`` as in Content-Type and Content-Disposition.

    The leading value is a token, or ``type/subtype`` with white space allowed around the
    slash; comments are dropped first. Parameter names are lowercased; values are unquoted,
    RFC 2231 sections joined and charset-decoded. The first occurrence of a parameter wins, and
    an RFC 2231 form wins over a plain one. An unquoted value runs to the next ";", so the
    common ``filename=my file.pdf`` keeps its space (lenient, like mail clients).

    Returns:
        The lowercased leading value and the parameters, or None if it has no leading token.
    """
    value = _strip_comments(value)
    head = _HEAD.match(value)
    if head is None:
        return None
    maintype, subtype = head.groups()
    head_text = maintype.lower() if subtype is None else f"{maintype}/{subtype}".lower()
    if ";" not in value:
        return head_text, ()
    plain: dict[str, str] = {}
    sections: dict[str, dict[int, tuple[bool, str]]] = {}
    order: list[str] = []
    for match in _PARAM.finditer(value, head.end()):
        name, quoted, bare = match.groups()
        name = name.lower()
        raw = bare.strip() if quoted is None else _unescape(quoted)
        section = _SECTION.match(name) if "*" in name else None
        key = name if section is None else section.group("name")
        if key not in plain and key not in sections:
            order.append(key)
        if section is None:
            plain.setdefault(key, raw)
        else:
            index = int(section.group("index") or 0)
            sections.setdefault(key, {}).setdefault(index, (name.endswith("*"), raw))
    params = tuple(
        (key, _join_sections(sections[key]) if key in sections else plain[key]) for key in order
    )
    return head_text, params


def parse_language_list(value: str) -> tuple[str, ...]:
    """Parse Content-Language (RFC 3282): a comma-separated list of language tags."""
    return tuple(tag for tag in (item.strip() for item in _strip_comments(value).split(",")) if tag)


def _drop_forbidden(text: str) -> str:
    if "\n" in text:
        text = text.replace("\n", "")
    if "\r" in text:
        text = text.replace("\r", "")
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text


def _unescape(quoted: str) -> str:
    return _QUOTED_PAIR.sub(r"\1", quoted) if "\\" in quoted else quoted


def _strip_comments(text: str) -> str:
    """Remove RFC 5322 comments (nested, outside quoted strings)."""
    if "(" not in text:
        return text
    out: list[str] = []
    depth = 0
    in_quotes = False
    pos = 0
    length = len(text)
    while pos < length:
        char = text[pos]
        if char == "\\" and (in_quotes or depth):
            if not depth:
                out.append(text[pos : pos + 2])
            pos += 2
            continue
        if depth:
            depth += {"(": 1, ")": -1}.get(char, 0)
        elif char == "(" and not in_quotes:
            depth = 1
        else:
            in_quotes ^= char == '"'
            out.append(char)
        pos += 1
    return "".join(out)


def _join_sections(sections: dict[int, tuple[bool, str]]) -> str:
    """Join RFC 2231 sections ``name*0``, ``name*1*``... in index order and decode them."""
    ordered = [sections[index] for index in sorted(sections)]
    if not any(extended for extended, _ in ordered):
        return "".join(raw for _, raw in ordered)
    charset: str | None = None
    octets = bytearray()
    for position, (extended, raw) in enumerate(ordered):
        text = raw
        if extended and position == 0:
            # RFC 2231 4: charset'language'percent-encoded-octets
            parts = raw.split("'", 2)
            if len(parts) == 3:
                charset, text = parts[0] or None, parts[2]
        if extended:
            octets += unquote_to_bytes(text)
        else:
            octets += text.encode("utf-8", "surrogateescape")
    return _drop_forbidden(decode_text(bytes(octets), charset))


def _decode_word(encoding: str, text: str) -> bytes:
    raw = text.encode("ascii", "replace")
    if encoding in "bB":
        return decode_base64(raw)
    return binascii.a2b_qp(raw, header=True)


def _flush(pieces: list[str], pending: bytearray, charset: str) -> None:
    if pending:
        pieces.append(decode_text(bytes(pending), charset))
        pending.clear()
