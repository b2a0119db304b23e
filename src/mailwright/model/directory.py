"""What the directory knows about one address, for routing mail to it."""

from __future__ import annotations

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
