"""FETCH and UID FETCH (RFC 3501 6.4.5, 6.4.8; BINARY RFC 3516; CHANGEDSINCE and MODSEQ
RFC 7162).

Flags, sizes, dates and UIDs come from the session's in-memory view, so ``FETCH 1:* (FLAGS)``
touches neither database nor disk. Structures are loaded (and cached) per batch of messages
in one query; bodies are read per batch in one worker thread, only their header when that is
all the FETCH needs. Responses go out in large writes, batch by batch.

A non-PEEK body fetch sets \\Seen first (in a read-write session), in one change for the
whole set, and reports the new flags with the messages (RFC 3501 6.4.5).
"""

from __future__ import annotations

from contextlib import aclosing
from typing import TYPE_CHECKING, Final

from mailwright.model.mail_access import FlagAction, MessageEntry
from mailwright.model.mailstore import SEEN
from mailwright.protocols.imap import codes
from mailwright.protocols.imap.codes import ResponseCode
from mailwright.protocols.imap.commands import FetchCommand
from mailwright.protocols.imap.fetch import FetchItem, FetchSimple
from mailwright.protocols.imap.fetchdata import section_range
from mailwright.protocols.mime import MessageStructure
from mailwright.servers.imap.fetch_plan import (
    BodyNeed,
    FetchPlan,
    LoadedMessage,
    UnknownEncoding,
    make_plan,
)
from mailwright.servers.imap.pipeline import pipelined
from mailwright.servers.imap.selected import SelectedFolder

if TYPE_CHECKING:
    from mailwright.servers.imap.session import Session

BATCH: Final = 500
"""Messages loaded and written per round."""
UNKNOWN_CTE: Final = ResponseCode("UNKNOWN-CTE")


async def fetch(session: Session, command: FetchCommand) -> None:
    """Answer a FETCH batch by batch, loading the next batch while writing one."""
    selected = session.selected
    assert selected is not None
    attributes = command.response_attributes
    if command.changed_since is not None or FetchSimple(FetchItem.MODSEQ) in attributes:
        session.enable_condstore()
    plan = make_plan(attributes)
    uids = selected.resolve(command.sequence_set, uid=command.uid)
    live = [uid for uid in uids if not selected.is_expunged(uid)]
    if command.changed_since is not None:
        since = command.changed_since
        live = [uid for uid in live if selected.entries[uid].modseq > since]
    seen_now: frozenset[int] = frozenset()
    if plan.sets_seen and not selected.read_only:
        seen_now = await _set_seen(session, selected, live)
    batches = [live[start : start + BATCH] for start in range(0, len(live), BATCH)]

    async def load(batch: list[int]) -> list[LoadedMessage]:
        return await _load(session, selected, plan, batch)

    answered = 0
    try:
        async with aclosing(pipelined(batches, load)) as loaded_batches:
            async for messages in loaded_batches:
                for message in messages:
                    session.send(plan.render(message, add_flags=message.entry.uid in seen_now))
                answered += len(messages)
                await session.flush()
    except UnknownEncoding as error:
        session.fail(command.tag, f"Cannot decode transfer encoding {error}", UNKNOWN_CTE)
        return
    # RFC 2180 4.1.2: messages expunged by another session but still numbered here are
    # skipped, and the client is told so.
    expected = len(live) if command.changed_since is not None else len(uids)
    code = codes.EXPUNGEISSUED if answered < expected else None
    session.complete(command.tag, "FETCH completed", code)


async def _set_seen(session: Session, selected: SelectedFolder, uids: list[int]) -> frozenset[int]:
    unseen = [uid for uid in uids if SEEN not in selected.entries[uid].flags]
    if not unseen:
        return frozenset()
    update = await session.services.mail.store_flags(
        session.mailbox_id, selected.folder_id, unseen, FlagAction.ADD, frozenset({SEEN})
    )
    selected.update_entries(update.entries)
    return update.changed


async def _load(
    session: Session, selected: SelectedFolder, plan: FetchPlan, uids: list[int]
) -> list[LoadedMessage]:
    entries = [selected.entries[uid] for uid in uids]
    structures: dict[int, MessageStructure] = {}
    if plan.needs_structure:
        structures = await session.services.mail.structures(selected.folder_id, entries)
        entries = [entry for entry in entries if entry.uid in structures]  # expunged meanwhile
    bodies = await _bodies(session, plan, entries, structures)
    recent = selected.recent
    return [
        LoadedMessage(
            selected.sequence_number(entry.uid),
            entry,
            entry.uid in recent,
            structures.get(entry.uid),
            bodies[index] if bodies else b"",
            sliced=plan.body is BodyNeed.SECTION,
        )
        for index, entry in enumerate(entries)
    ]


async def _bodies(
    session: Session,
    plan: FetchPlan,
    entries: list[MessageEntry],
    structures: dict[int, MessageStructure],
) -> list[bytes]:
    if plan.body is BodyNeed.NONE:
        return []
    ranges: list[tuple[str, int, int | None]] = []
    for entry in entries:
        structure = structures.get(entry.uid)
        start, end = 0, None
        if structure is not None and plan.body is BodyNeed.HEADER:
            end = structure.root.header_end
        elif structure is not None and plan.section is not None:
            section = plan.section
            text = section.text.value if section.text else None
            start, end = section_range(structure, section.parts, text) or (0, 0)
        ranges.append((entry.blob, start, end))
    return await session.services.mail.read_bodies(ranges)
