"""SEARCH and UID SEARCH (RFC 3501 6.4.4, 6.4.8), ESEARCH results (RFC 4731) and MODSEQ
(RFC 7162 3.1.5).

Cheap keys (flags, sizes, dates, numbers) filter the folder in memory first; what is left is
loaded batch by batch, only the header block for header keys and the whole message for BODY
and TEXT.
"""

from __future__ import annotations

import re
from contextlib import aclosing
from typing import TYPE_CHECKING, Final

from mailwright.protocols.imap import response as r
from mailwright.protocols.imap.commands import SearchCommand
from mailwright.protocols.imap.search import SearchKey
from mailwright.protocols.imap.sequence import SequenceSet
from mailwright.servers.imap.pipeline import pipelined
from mailwright.servers.imap.search_match import (
    Candidate,
    Matcher,
    Need,
    need_of,
    split_by_cost,
    uses_modseq,
)
from mailwright.servers.imap.selected import SelectedFolder

if TYPE_CHECKING:
    from mailwright.servers.imap.session import Session

BATCH: Final = 500
HEADER_PREFIX: Final = 16384
"""Octets read to find a header block; longer headers are read whole."""
_BLANK_LINE: Final = re.compile(rb"\r?\n\r?\n")


async def search(session: Session, command: SearchCommand) -> None:
    """Answer ``* SEARCH`` (or ``* ESEARCH`` when RETURN was given)."""
    selected = session.selected
    assert selected is not None
    if "SAVE" in (command.return_options or ()):
        session.reject(command.tag, "SEARCH RETURN (SAVE) is not supported")
        return
    with_modseq = uses_modseq(command.criteria)
    if with_modseq:
        session.enable_condstore()
    found = await _matching(session, selected, command.criteria)
    numbers = [c.entry.uid if command.uid else c.sequence_number for c in found]
    modseq = max((c.entry.modseq for c in found), default=None) if with_modseq else None
    if command.return_options is None:
        session.send(r.search_response(numbers, modseq=modseq))
    else:
        session.send(_esearch(command, numbers, modseq))
    session.complete(command.tag, "SEARCH completed")


def _esearch(command: SearchCommand, numbers: list[int], modseq: int | None) -> bytes:
    options = command.return_options or ("ALL",)
    return r.esearch_response(
        command.tag,
        uid=command.uid,
        minimum=min(numbers) if numbers and "MIN" in options else None,
        maximum=max(numbers) if numbers and "MAX" in options else None,
        all_numbers=SequenceSet.of(numbers) if numbers and "ALL" in options else None,
        count=len(numbers) if "COUNT" in options else None,
        modseq=modseq if numbers else None,
    )


async def _matching(
    session: Session, selected: SelectedFolder, criteria: SearchKey
) -> list[Candidate]:
    largest_uid = selected.uids[-1] if selected.uids else 0
    matcher = Matcher(selected.exists, largest_uid)
    recent = selected.recent
    candidates = [
        Candidate(index + 1, selected.entries[uid], uid in recent)
        for index, uid in enumerate(selected.uids)
        if not selected.is_expunged(uid)
    ]
    cheap, costly = split_by_cost(criteria)
    if cheap is not None:
        candidates = [c for c in candidates if matcher.matches(cheap, c)]
    if costly is None:
        return candidates
    need = need_of(costly)
    batches = [candidates[start : start + BATCH] for start in range(0, len(candidates), BATCH)]

    async def load(batch: list[Candidate]) -> list[Candidate]:
        await _load(session, selected, batch, need)
        return batch

    found: list[Candidate] = []
    async with aclosing(pipelined(batches, load)) as loaded_batches:
        async for batch in loaded_batches:
            found.extend(c for c in batch if matcher.matches(costly, c))
    return found


async def _load(
    session: Session, selected: SelectedFolder, batch: list[Candidate], need: Need
) -> None:
    mail = session.services.mail
    if need is Need.BODY:
        structures = await mail.structures(selected.folder_id, [c.entry for c in batch])
        bodies = await mail.read_bodies([(c.entry.blob, 0, None) for c in batch])
        for c, body in zip(batch, bodies, strict=True):
            c.body, c.structure = body, structures.get(c.entry.uid)
            c.header = body[: c.structure.root.header_end] if c.structure else body
        return
    prefixes = await mail.read_bodies([(c.entry.blob, 0, HEADER_PREFIX) for c in batch])
    long_ones: list[Candidate] = []
    for c, prefix in zip(batch, prefixes, strict=True):
        end = header_end(prefix)
        if end is None and c.entry.size > len(prefix):
            long_ones.append(c)
        c.header = prefix[:end]
    if long_ones:
        whole = await mail.read_bodies([(c.entry.blob, 0, None) for c in long_ones])
        for c, body in zip(long_ones, whole, strict=True):
            c.header = body[: header_end(body)]


def header_end(data: bytes) -> int | None:
    """Where the header block ends: after its first empty line (RFC 5322 2.1), or None when
    ``data`` has none. A malformed header without one is searched whole."""
    found = _BLANK_LINE.search(data)
    return None if found is None else found.end()
