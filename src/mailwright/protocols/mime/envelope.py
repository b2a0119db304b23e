"""RFC 3501 ENVELOPE data: address lists (RFC 5322 3.4, with groups and obsolete routes).

Strings stay as written in the header: RFC 2047 encoded words are not decoded (RFC 3501 7.4.2
leaves that to the client), quoted display names are unquoted. A mailbox without a domain gets
the placeholder host ``MISSING_DOMAIN`` (as Dovecot does), because a NIL host would tell the
client "group marker".
"""

from __future__ import annotations

import re

from mailwright.protocols.mime.headers import header_text
from mailwright.protocols.mime.structure import Address, Envelope

ENVELOPE_FIELDS = frozenset(
    {"date", "subject", "from", "sender", "reply-to", "to", "cc", "bcc", "in-reply-to"}
    | {"message-id"}
)
MISSING_MAILBOX = "MISSING_MAILBOX"
MISSING_DOMAIN = "MISSING_DOMAIN"

_STOPS = frozenset("<>:;@,")
_DOMAIN_STOPS = frozenset(",;<>:")
_TRAILER_STOPS = frozenset(",;<:")
_SEPARATORS = frozenset(",;")
_ANGLE_CLOSE = frozenset(">")
_SPECIALS = frozenset(")<>]:;@,.")
# RFC 5322 3.2: one lexical token. "(" is left out: comments nest and are read by hand.
_LEXEME = re.compile(
    r"[ \t]+"
    r'|[^ \t()<>\[\]:;@\\,."]+'
    r'|"(?:[^"\\]|\\.)*"?'
    r"|\[(?:[^\]\\]|\\.)*\]?"
    r"|\\.?"
    r"|[^(]",
    re.DOTALL,
)
_QUOTED_PAIR = re.compile(r"\\(.)", re.DOTALL)

# (kind, text, raw, spaced): kind is "atom", "quoted", "comment", "literal" or the special
# character itself; text is the unquoted content; raw is as written; spaced tells whether white
# space or a comment came before the token.
_Token = tuple[str, str, str, bool]


def build_envelope(fields: dict[str, bytes]) -> Envelope:
    """Build the envelope of a message from the raw values of its header fields."""

    def text(name: str) -> str | None:
        raw = fields.get(name)
        return None if raw is None else header_text(raw)

    def addresses(name: str) -> tuple[Address, ...]:
        raw = fields.get(name)
        return () if raw is None else parse_address_list(header_text(raw))

    return Envelope(
        date=text("date"),
        subject=text("subject"),
        from_=addresses("from"),
        sender=addresses("sender"),
        reply_to=addresses("reply-to"),
        to=addresses("to"),
        cc=addresses("cc"),
        bcc=addresses("bcc"),
        in_reply_to=text("in-reply-to"),
        message_id=text("message-id"),
    )


def parse_address_list(text: str) -> tuple[Address, ...]:
    """Parse an address-list into IMAP address structures, never raising.

    Groups become a start marker, their members and an end marker. Unparseable pieces are
    skipped; a bare word becomes a mailbox with ``MISSING_DOMAIN`` as host.
    """
    tokens = _tokenize(text)
    out: list[Address] = []
    pos = 0
    while pos < len(tokens):
        pos = _parse_item(tokens, pos, out, in_group=False)
    return tuple(out)


def _parse_item(tokens: list[_Token], pos: int, out: list[Address], *, in_group: bool) -> int:
    """Parse one mailbox or group starting at ``pos``; return the position after it."""
    start = pos
    count = len(tokens)
    while pos < count and tokens[pos][0] not in _STOPS:
        pos += 1
    phrase = tokens[start:pos]
    stop = tokens[pos][0] if pos < count else ""
    if stop == ":" and not in_group:
        return _parse_group(tokens, pos + 1, _phrase_text(phrase), out)
    if stop == "<":
        return _parse_angle(tokens, pos + 1, phrase, out, in_group=in_group)
    if stop == "@":
        domain_end = _skip_to(tokens, pos + 1, _DOMAIN_STOPS)
        if domain_end < count and tokens[domain_end][0] == "<":
            # An unquoted address used as display name: ``a@b.example <a@b.example>``
            return _parse_angle(
                tokens, domain_end + 1, tokens[start:domain_end], out, in_group=in_group
            )
        domain = tokens[pos + 1 : domain_end]
        name = _first_comment(phrase) or _first_comment(domain)
        out.append(_address(name, None, _joined(phrase), _joined(domain)))
        return _after_item(tokens, domain_end, in_group)
    if any(token[0] != "comment" for token in phrase):
        out.append(_address(None, None, _joined(phrase), ""))
    elif stop == "" or (stop == ";" and in_group):
        return pos
    return _after_item(tokens, pos, in_group)


def _parse_group(tokens: list[_Token], pos: int, name: str | None, out: list[Address]) -> int:
    out.append(Address(None, None, name or "", None))
    count = len(tokens)
    while pos < count and tokens[pos][0] != ";":
        pos = _parse_item(tokens, pos, out, in_group=True)
    out.append(Address(None, None, None, None))
    pos = min(pos + 1, count)
    while pos < count and tokens[pos][0] == "comment":
        pos += 1
    return pos + 1 if pos < count and tokens[pos][0] == "," else pos


def _parse_angle(
    tokens: list[_Token], pos: int, phrase: list[_Token], out: list[Address], *, in_group: bool
) -> int:
    close = _skip_to(tokens, pos, _ANGLE_CLOSE)
    after = min(close + 1, len(tokens))
    inner = [token for token in tokens[pos:close] if token[0] != "comment"]
    kinds = [token[0] for token in inner]
    adl = None
    if kinds and kinds[0] == "@" and ":" in kinds:
        # RFC 5322 4.4 obs-route: "@a,@b:" before the addr-spec
        colon = kinds.index(":")
        adl = "".join(token[2] for token in inner[:colon]) or None
        inner, kinds = inner[colon + 1 :], kinds[colon + 1 :]
    at = len(kinds) - 1 - kinds[::-1].index("@") if "@" in kinds else len(kinds)
    trailing_end = _skip_to(tokens, after, _TRAILER_STOPS)
    name = (
        _phrase_text(phrase) or _first_comment(phrase) or _first_comment(tokens[after:trailing_end])
    )
    out.append(_address(name, adl, _joined(inner[:at]), _joined(inner[at + 1 :])))
    return _after_item(tokens, trailing_end, in_group)


def _after_item(tokens: list[_Token], pos: int, in_group: bool) -> int:
    """Move past the separator that ends an item (a comma; a ";" ends the group instead)."""
    pos = _skip_to(tokens, pos, _SEPARATORS)
    if pos < len(tokens):
        kind = tokens[pos][0]
        if kind == "," or (kind == ";" and not in_group):
            return pos + 1
    return pos


def _skip_to(tokens: list[_Token], pos: int, kinds: frozenset[str]) -> int:
    count = len(tokens)
    while pos < count and tokens[pos][0] not in kinds:
        pos += 1
    return pos


def _address(name: str | None, adl: str | None, mailbox: str, host: str) -> Address:
    return Address(name or None, adl, mailbox or MISSING_MAILBOX, host or MISSING_DOMAIN)


def _phrase_text(tokens: list[_Token]) -> str | None:
    words: list[str] = []
    for kind, text, _, spaced in tokens:
        if kind == "comment":
            continue
        if words and spaced:
            words.append(" ")
        words.append(text)
    return "".join(words).strip() or None


def _joined(tokens: list[_Token]) -> str:
    return "".join([token[2] for token in tokens if token[0] != "comment"])


def _first_comment(tokens: list[_Token]) -> str | None:
    for kind, text, _, _ in tokens:
        if kind == "comment" and text.strip():
            return text.strip()
    return None


def _tokenize(text: str) -> list[_Token]:
    """Split a header value into RFC 5322 lexical tokens (3.2), comments included."""
    tokens: list[_Token] = []
    pos = 0
    length = len(text)
    spaced = False
    match = _LEXEME.match
    while pos < length:
        found = match(text, pos)
        if found is None:
            # Only "(" fails the pattern: comments nest, so they are read by hand.
            end, value = _read_comment(text, pos)
            tokens.append(("comment", value, text[pos:end], spaced))
            spaced = True
            pos = end
            continue
        lexeme = found.group()
        pos = found.end()
        first = lexeme[0]
        if first in " \t":
            spaced = True
            continue
        if first == '"':
            body = lexeme[1:-1] if len(lexeme) > 1 and lexeme.endswith('"') else lexeme[1:]
            if "\\" in body:
                body = _QUOTED_PAIR.sub(r"\1", body)
            tokens.append(("quoted", body, lexeme, spaced))
        elif first == "[":
            tokens.append(("literal", lexeme, lexeme, spaced))
        elif first in _SPECIALS:
            tokens.append((first, lexeme, lexeme, spaced))
        else:
            tokens.append(("atom", lexeme, lexeme, spaced))
        spaced = False
    return tokens


def _read_comment(text: str, pos: int) -> tuple[int, str]:
    """Read a (possibly nested) comment from its "("; return its end and its unescaped text."""
    depth = 0
    out: list[str] = []
    while pos < len(text):
        char = text[pos]
        if char == "\\" and pos + 1 < len(text):
            out.append(text[pos + 1])
            pos += 2
            continue
        if char == "(":
            depth += 1
            if depth > 1:
                out.append(char)
        elif char == ")":
            depth -= 1
            if depth == 0:
                return pos + 1, "".join(out)
            out.append(char)
        else:
            out.append(char)
        pos += 1
    return pos, "".join(out)
