"""Message flags: the RFC 3501 2.3.2 system flags and keywords.

Flags travel as `str`: system flags in their canonical spelling (``\\Seen``),
keywords as the client wrote them. Both are case-insensitive, so the server
compares keywords with ``casefold()``.
"""

from __future__ import annotations

from typing import Final

from mailwright.protocols.imap.reader import Reader

SEEN: Final = "\\Seen"
ANSWERED: Final = "\\Answered"
FLAGGED: Final = "\\Flagged"
DELETED: Final = "\\Deleted"
DRAFT: Final = "\\Draft"
RECENT: Final = "\\Recent"

SYSTEM_FLAGS: Final = frozenset({SEEN, ANSWERED, FLAGGED, DELETED, DRAFT})
"""The system flags a client may set; ``\\Recent`` is the server's alone."""

_CANONICAL: Final = {flag.upper(): flag for flag in (*SYSTEM_FLAGS, RECENT)}


def read_flag(reader: Reader, *, storing: bool) -> str:
    """RFC 3501 9: flag = "\\Answered" / ... / flag-keyword / flag-extension.

    When `storing` (STORE, APPEND) ``\\Recent`` is refused: RFC 3501 2.3.2
    makes it a session flag only the server sets. Unknown ``\\`` flags are
    refused too, as RFC 3501 reserves flag-extension for future standards.
    """
    if not reader.skip("\\"):
        return reader.read_atom("flag")
    name = reader.read_atom("flag name after '\\'")
    canonical = _CANONICAL.get("\\" + name.upper())
    if canonical is None:
        reader.fail(f"Unknown system flag \\{name}")
    if storing and canonical == RECENT:
        reader.fail("\\Recent cannot be set by the client")
    return canonical


def read_flags(reader: Reader) -> tuple[str, ...]:
    """Flags separated by SP, up to ``)`` or the end of the line; duplicates dropped."""
    flags: list[str] = []
    while not (reader.at_end() or reader.peek_is(")")):
        if flags:
            reader.expect_space("flag")
        flags.append(read_flag(reader, storing=True))
    return tuple(dict.fromkeys(flags))


def read_flag_list(reader: Reader) -> tuple[str, ...]:
    """RFC 3501 9: flag-list = "(" [flag *(SP flag)] ")"."""
    reader.expect("(", "'(' opening the flag list")
    flags = read_flags(reader)
    reader.expect(")", "')' closing the flag list")
    return flags
