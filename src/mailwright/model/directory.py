"""What the directory knows about one address, for routing mail to it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mailwright.model.mailboxes import Mailbox


@dataclass(frozen=True)
class DirectoryEntry:
    """One lookup's answer.

    Attributes:
        hosted: the address's domain is hosted here.
        mailbox: the mailbox at the address, if any.
        inbox_id: the id of that mailbox's INBOX folder.
        alias: destinations of an alias at the address, if any.
        catch_all: destinations of the domain's catch-all, if any.
    """

    hosted: bool
    mailbox: Mailbox | None = None
    inbox_id: int | None = None
    alias: tuple[str, ...] | None = None
    catch_all: tuple[str, ...] | None = None


def alias_entry(
    hosted: bool, address: str, catch_all: str, pairs: Iterable[tuple[str, str | None]]
) -> DirectoryEntry:
    """The entry for an address that is no mailbox, from (alias source, destination) pairs of
    the alias at ``address`` and the catch-all ``catch_all``, destinations in order (None for
    an alias without destinations)."""
    targets: dict[str, list[str]] = {}
    for source, destination in pairs:
        if destination is not None:
            targets.setdefault(source, []).append(destination)
    alias = tuple(targets[address]) if address in targets else None
    every = tuple(targets[catch_all]) if catch_all in targets else None
    return DirectoryEntry(hosted, None, None, alias, every)
