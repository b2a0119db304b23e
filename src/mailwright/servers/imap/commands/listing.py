"""LIST (RFC 3501 6.3.8 with LIST-EXTENDED RFC 5258, SPECIAL-USE RFC 6154, CHILDREN RFC 3348,
LIST-STATUS RFC 5819) and LSUB (6.3.9).

The names listed are the folders plus their superior names that have no folder of their own
(``a`` when only ``a/b`` exists), which are listed ``\\Noselect`` (``\\NonExistent`` under
LIST-EXTENDED) so a client can walk the hierarchy. Every answer carries ``\\HasChildren`` or
``\\HasNoChildren`` and the folder's special use, whatever the client asked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mailwright.model.mailstore import HIERARCHY_SEPARATOR, INBOX, Folder
from mailwright.protocols.imap import response as r
from mailwright.protocols.imap.commands import ListCommand, LsubCommand
from mailwright.servers.imap.commands.folders import status_values

if TYPE_CHECKING:
    from mailwright.servers.imap.session import Session


@dataclass(frozen=True)
class _Name:
    """One listable name: a folder, or a superior name without one (``folder`` None)."""

    name: str
    folder: Folder | None
    has_children: bool


def pattern_matcher(reference: str, pattern: str) -> re.Pattern[str]:
    """RFC 3501 6.3.8: ``*`` matches anything, ``%`` anything but the separator; the
    reference is prefixed; INBOX matches in any case."""
    canonical = reference + pattern
    if canonical[:5].upper() == INBOX:
        canonical = INBOX + canonical[5:]
    parts = []
    for char in canonical:
        if char == "*":
            parts.append(".*")
        elif char == "%":
            parts.append(f"[^{re.escape(HIERARCHY_SEPARATOR)}]*")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


def _names(folders: Iterable[Folder]) -> list[_Name]:
    real = {folder.name: folder for folder in folders}
    every = set(real)
    for name in real:
        levels = name.split(HIERARCHY_SEPARATOR)
        every.update(HIERARCHY_SEPARATOR.join(levels[:n]) for n in range(1, len(levels)))
    parents = {name.rpartition(HIERARCHY_SEPARATOR)[0] for name in every}
    ordered = sorted(every, key=lambda name: (name != INBOX, name))
    return [_Name(name, real.get(name), name in parents) for name in ordered]


def _attributes(item: _Name, *, extended: bool, subscribed: bool) -> list[str]:
    attributes = ["\\HasChildren" if item.has_children else "\\HasNoChildren"]
    if item.folder is None:
        attributes.insert(0, "\\NonExistent" if extended else "\\Noselect")
        return attributes
    if item.folder.special_use:
        attributes.append(item.folder.special_use)
    if subscribed and item.folder.subscribed:
        attributes.append("\\Subscribed")
    return attributes


async def list_folders(session: Session, command: ListCommand) -> None:
    """LIST, LIST-EXTENDED selection and return options, LIST-STATUS."""
    if command.patterns == ("",) and not command.extended:
        # RFC 3501 6.3.8: an empty pattern asks for the hierarchy delimiter.
        session.send(r.list_response("", HIERARCHY_SEPARATOR, ["\\Noselect"]))
        session.complete(command.tag, "LIST completed")
        return
    matchers = [pattern_matcher(command.reference, p) for p in command.patterns]
    only_subscribed = "SUBSCRIBED" in command.selection
    only_special = "SPECIAL-USE" in command.selection
    recursive = "RECURSIVEMATCH" in command.selection
    show_subscribed = only_subscribed or "SUBSCRIBED" in command.return_options
    items = _names(await session.services.folders.list_folders(session.mailbox_id))
    for item in items:
        if not any(m.fullmatch(item.name) for m in matchers):
            continue
        child_info: list[str] = []
        if only_subscribed and not _subscribed(item):
            if not (recursive and _subscribed_below(item.name, items)):
                continue
            child_info = ["SUBSCRIBED"]
        if only_special and (item.folder is None or not item.folder.special_use):
            continue
        attributes = _attributes(item, extended=command.extended, subscribed=show_subscribed)
        session.send(
            r.list_response(item.name, HIERARCHY_SEPARATOR, attributes, child_info=child_info)
        )
        if "STATUS" in command.return_options and item.folder is not None:
            values = await status_values(session, item.name, command.return_status)
            session.send(r.status_response(item.name, values))
    session.complete(command.tag, "LIST completed")


def _subscribed(item: _Name) -> bool:
    return item.folder is not None and item.folder.subscribed


def _subscribed_below(name: str, items: list[_Name]) -> bool:
    prefix = name + HIERARCHY_SEPARATOR
    return any(other.name.startswith(prefix) and _subscribed(other) for other in items)


async def lsub(session: Session, command: LsubCommand) -> None:
    """LSUB: subscribed folders; a superior name of a subscribed folder that only ``%``
    reaches is listed ``\\Noselect`` (RFC 3501 6.3.9)."""
    matcher = pattern_matcher(command.reference, command.pattern)
    items = _names(await session.services.folders.list_folders(session.mailbox_id))
    for item in items:
        if not matcher.fullmatch(item.name):
            continue
        if _subscribed(item):
            attributes = _attributes(item, extended=False, subscribed=False)
        elif _subscribed_below(item.name, items) and not _listed_below(item.name, items, matcher):
            attributes = ["\\Noselect"]
        else:
            continue
        session.send(r.list_response(item.name, HIERARCHY_SEPARATOR, attributes, command="LSUB"))
    session.complete(command.tag, "LSUB completed")


def _listed_below(name: str, items: list[_Name], matcher: re.Pattern[str]) -> bool:
    prefix = name + HIERARCHY_SEPARATOR
    return any(
        other.name.startswith(prefix) and _subscribed(other) and matcher.fullmatch(other.name)
        for other in items
    )
