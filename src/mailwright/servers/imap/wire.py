"""Hot-path response octets: flag lists and FETCH lines for thousands of messages at a time.

``protocols.imap.response`` builds every response correctly but generally; a ``FETCH 1:*``
over a large folder writes the same few shapes thousands of times, so these helpers format
them directly and cache flag lists (a folder has only a handful of distinct flag sets).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Final

from mailwright.protocols.imap.values import Atom
from mailwright.servers.imap.config import FLAG_ORDER

RECENT: Final = "\\Recent"
_ORDER: Final = {flag: index for index, flag in enumerate(FLAG_ORDER)}


def _sort_key(flag: str) -> tuple[int, str]:
    return (_ORDER.get(flag, len(_ORDER)), flag)


@lru_cache(maxsize=1024)
def flag_list(flags: frozenset[str], recent: bool = False) -> bytes:
    """``(\\Seen $Label1)``: system flags first, then keywords; ``\\Recent`` when recent.

    Raises:
        ValueError: a stored flag that is no valid atom (never written by us).
    """
    names = sorted(flags, key=_sort_key)
    if recent:
        names.append(RECENT)
    return b"(" + b" ".join(Atom(name).text.encode("ascii") for name in names) + b")"


def keyword_list(keywords: Iterable[str]) -> tuple[str, ...]:
    """The FLAGS of a folder: the system flags, then the keywords in use."""
    return (*FLAG_ORDER, *sorted(set(keywords) - set(FLAG_ORDER)))


def fetch_line(sequence_number: int, items: bytes) -> bytes:
    """``* n FETCH (items)`` with CRLF; ``items`` are already formatted."""
    return b"* %d FETCH (%s)\r\n" % (sequence_number, items)


def flags_update(
    sequence_number: int, uid: int, flags: frozenset[str], recent: bool, modseq: int | None
) -> bytes:
    """The unsolicited ``* n FETCH (UID u FLAGS (...) [MODSEQ (m)])`` of a flag change."""
    items = b"UID %d FLAGS %s" % (uid, flag_list(flags, recent))
    if modseq is not None:
        items += b" MODSEQ (%d)" % modseq
    return fetch_line(sequence_number, items)
