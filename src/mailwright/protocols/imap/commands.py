"""One frozen dataclass per IMAP command, as `parse_command` returns them.

Every command carries its `tag`; `name` is the command word (``"FETCH"``).
The UID forms of COPY, MOVE, FETCH, STORE, SEARCH and EXPUNGE are the same
classes with ``uid=True``. Mailbox names are decoded `str` (modified UTF-7 or
UTF-8 already undone) and ``INBOX`` is spelled in capitals. Dispatch with
``match command: case FetchCommand(): ...`` over the `Command` union.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, TypeAlias

from mailwright.protocols.imap.fetch import FetchAttribute, FetchItem, FetchSimple
from mailwright.protocols.imap.search import SearchKey
from mailwright.protocols.imap.sequence import SequenceSet

ExtensionItem: TypeAlias = str | tuple["ExtensionItem", ...]
ExtensionValue: TypeAlias = int | SequenceSet | tuple[ExtensionItem, ...]


@dataclass(frozen=True, slots=True)
class ExtensionParam:
    """A generic RFC 4466 parameter such as ``CONDSTORE`` or ``QRESYNC (1 2)``.

    `value` is an int for a number, a `SequenceSet` for a set, a nested
    tuple of strings for a parenthesised value, or None.
    """

    name: str
    value: ExtensionValue | None = None


class StatusItem(enum.Enum):
    """STATUS data items: RFC 3501 6.3.10, HIGHESTMODSEQ (RFC 7162), SIZE (RFC 8438)."""

    MESSAGES = "MESSAGES"
    RECENT = "RECENT"
    UIDNEXT = "UIDNEXT"
    UIDVALIDITY = "UIDVALIDITY"
    UNSEEN = "UNSEEN"
    HIGHESTMODSEQ = "HIGHESTMODSEQ"
    SIZE = "SIZE"


class StoreAction(enum.Enum):
    """FLAGS replaces, +FLAGS adds, -FLAGS removes."""

    REPLACE = "FLAGS"
    ADD = "+FLAGS"
    REMOVE = "-FLAGS"


@dataclass(frozen=True, slots=True)
class BaseCommand:
    """Fields every command has."""

    name: ClassVar[str]
    tag: str


@dataclass(frozen=True, slots=True)
class CapabilityCommand(BaseCommand):
    """CAPABILITY (RFC 3501 6.1.1)."""

    name: ClassVar[str] = "CAPABILITY"


@dataclass(frozen=True, slots=True)
class NoopCommand(BaseCommand):
    """NOOP (RFC 3501 6.1.2)."""

    name: ClassVar[str] = "NOOP"


@dataclass(frozen=True, slots=True)
class LogoutCommand(BaseCommand):
    """LOGOUT (RFC 3501 6.1.3)."""

    name: ClassVar[str] = "LOGOUT"


@dataclass(frozen=True, slots=True)
class StartTlsCommand(BaseCommand):
    """STARTTLS (RFC 3501 6.2.1); the server must `CommandFramer.reset()` afterwards."""

    name: ClassVar[str] = "STARTTLS"


@dataclass(frozen=True, slots=True)
class AuthenticateCommand(BaseCommand):
    """AUTHENTICATE mechanism [initial-response] (RFC 3501 6.2.2, SASL-IR RFC 4959).

    `initial_response` is None when absent and ``b""`` when sent as ``=``.
    """

    name: ClassVar[str] = "AUTHENTICATE"
    mechanism: str
    initial_response: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class LoginCommand(BaseCommand):
    """LOGIN username password (RFC 3501 6.2.3); the password stays out of repr()."""

    name: ClassVar[str] = "LOGIN"
    username: str
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class SelectCommand(BaseCommand):
    """SELECT mailbox [(params)] (RFC 3501 6.3.1, RFC 4466 2.1).

    `params` are kept generic; the server answers BAD to any it does not
    support (RFC 4466 2.1). `ExamineCommand` is the read-only subclass, so
    ``case SelectCommand()`` matches both.
    """

    name: ClassVar[str] = "SELECT"
    read_only: ClassVar[bool] = False
    mailbox: str
    params: tuple[ExtensionParam, ...] = ()

    @property
    def condstore(self) -> bool:
        """RFC 7162 3.1.8: ``SELECT box (CONDSTORE)`` enables CONDSTORE."""
        return any(param.name == "CONDSTORE" for param in self.params)


@dataclass(frozen=True, slots=True)
class ExamineCommand(SelectCommand):
    """EXAMINE mailbox [(params)] (RFC 3501 6.3.2): SELECT, read-only."""

    name: ClassVar[str] = "EXAMINE"
    read_only: ClassVar[bool] = True


@dataclass(frozen=True, slots=True)
class CreateCommand(BaseCommand):
    """CREATE mailbox [params] (RFC 3501 6.3.3; ``(USE (\\Sent))`` from RFC 6154)."""

    name: ClassVar[str] = "CREATE"
    mailbox: str
    params: tuple[ExtensionParam, ...] = ()


@dataclass(frozen=True, slots=True)
class DeleteCommand(BaseCommand):
    """DELETE mailbox (RFC 3501 6.3.4)."""

    name: ClassVar[str] = "DELETE"
    mailbox: str


@dataclass(frozen=True, slots=True)
class RenameCommand(BaseCommand):
    """RENAME source destination (RFC 3501 6.3.5)."""

    name: ClassVar[str] = "RENAME"
    source: str
    destination: str


@dataclass(frozen=True, slots=True)
class SubscribeCommand(BaseCommand):
    """SUBSCRIBE mailbox (RFC 3501 6.3.6)."""

    name: ClassVar[str] = "SUBSCRIBE"
    mailbox: str


@dataclass(frozen=True, slots=True)
class UnsubscribeCommand(BaseCommand):
    """UNSUBSCRIBE mailbox (RFC 3501 6.3.7)."""

    name: ClassVar[str] = "UNSUBSCRIBE"
    mailbox: str


@dataclass(frozen=True, slots=True)
class ListCommand(BaseCommand):
    """LIST (RFC 3501 6.3.8) with the RFC 5258 LIST-EXTENDED options.

    `selection` and `return_options` hold upper-case option names such as
    ``SUBSCRIBED``, ``SPECIAL-USE`` or ``CHILDREN``; ``RETURN (STATUS (...))``
    (RFC 5819) adds ``STATUS`` to `return_options` and fills `return_status`.
    `extended` tells whether any LIST-EXTENDED syntax was used.
    """

    name: ClassVar[str] = "LIST"
    reference: str
    patterns: tuple[str, ...]
    selection: tuple[str, ...] = ()
    return_options: tuple[str, ...] = ()
    return_status: tuple[StatusItem, ...] = ()
    extended: bool = False


@dataclass(frozen=True, slots=True)
class LsubCommand(BaseCommand):
    """LSUB reference pattern (RFC 3501 6.3.9)."""

    name: ClassVar[str] = "LSUB"
    reference: str
    pattern: str


@dataclass(frozen=True, slots=True)
class StatusCommand(BaseCommand):
    """STATUS mailbox (items) (RFC 3501 6.3.10)."""

    name: ClassVar[str] = "STATUS"
    mailbox: str
    items: tuple[StatusItem, ...]


@dataclass(frozen=True, slots=True)
class AppendMessage:
    """One message of an APPEND: flags, optional internal date, and the octets.

    `binary` is True when the message came as a literal8 (``~{n}``, RFC 3516).
    """

    flags: tuple[str, ...]
    internal_date: datetime | None
    data: bytes = field(repr=False)
    binary: bool = False


@dataclass(frozen=True, slots=True)
class AppendCommand(BaseCommand):
    """APPEND mailbox [flags] [date-time] literal (RFC 3501 6.3.11).

    Several messages arrive at once under MULTIAPPEND (RFC 3502).
    """

    name: ClassVar[str] = "APPEND"
    mailbox: str
    messages: tuple[AppendMessage, ...]


@dataclass(frozen=True, slots=True)
class CheckCommand(BaseCommand):
    """CHECK (RFC 3501 6.4.1)."""

    name: ClassVar[str] = "CHECK"


@dataclass(frozen=True, slots=True)
class CloseCommand(BaseCommand):
    """CLOSE (RFC 3501 6.4.2)."""

    name: ClassVar[str] = "CLOSE"


@dataclass(frozen=True, slots=True)
class UnselectCommand(BaseCommand):
    """UNSELECT (RFC 3691)."""

    name: ClassVar[str] = "UNSELECT"


@dataclass(frozen=True, slots=True)
class ExpungeCommand(BaseCommand):
    """EXPUNGE (RFC 3501 6.4.3), or UID EXPUNGE set when `uid` (UIDPLUS, RFC 4315)."""

    name: ClassVar[str] = "EXPUNGE"
    uid: bool = False
    sequence_set: SequenceSet | None = None


@dataclass(frozen=True, slots=True)
class SearchCommand(BaseCommand):
    """[UID] SEARCH [RETURN (...)] [CHARSET x] criteria (RFC 3501 6.4.4, ESEARCH RFC 4731).

    `return_options` is None without RETURN; ``()`` means ``RETURN ()``,
    which RFC 4731 treats as ``RETURN (ALL)``.
    """

    name: ClassVar[str] = "SEARCH"
    uid: bool
    criteria: SearchKey
    charset: str | None = None
    return_options: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class FetchCommand(BaseCommand):
    """[UID] FETCH set attributes [(CHANGEDSINCE n [VANISHED])] (RFC 3501 6.4.5, RFC 7162)."""

    name: ClassVar[str] = "FETCH"
    uid: bool
    sequence_set: SequenceSet
    attributes: tuple[FetchAttribute, ...]
    changed_since: int | None = None
    vanished: bool = False

    @property
    def response_attributes(self) -> tuple[FetchAttribute, ...]:
        """The attributes to answer with: UID FETCH always reports UID (RFC 3501 6.4.8)
        and CHANGEDSINCE always reports MODSEQ (RFC 7162 3.1.4.1)."""
        extra: list[FetchAttribute] = []
        if self.uid:
            extra.append(FetchSimple(FetchItem.UID))
        if self.changed_since is not None:
            extra.append(FetchSimple(FetchItem.MODSEQ))
        return tuple(dict.fromkeys((*self.attributes, *extra)))


@dataclass(frozen=True, slots=True)
class StoreCommand(BaseCommand):
    """[UID] STORE set [(UNCHANGEDSINCE n)] [+|-]FLAGS[.SILENT] flags (RFC 3501 6.4.6)."""

    name: ClassVar[str] = "STORE"
    uid: bool
    sequence_set: SequenceSet
    action: StoreAction
    flags: tuple[str, ...]
    silent: bool = False
    unchanged_since: int | None = None


@dataclass(frozen=True, slots=True)
class CopyCommand(BaseCommand):
    """[UID] COPY set mailbox (RFC 3501 6.4.7)."""

    name: ClassVar[str] = "COPY"
    uid: bool
    sequence_set: SequenceSet
    mailbox: str


@dataclass(frozen=True, slots=True)
class MoveCommand(BaseCommand):
    """[UID] MOVE set mailbox (RFC 6851)."""

    name: ClassVar[str] = "MOVE"
    uid: bool
    sequence_set: SequenceSet
    mailbox: str


@dataclass(frozen=True, slots=True)
class IdleCommand(BaseCommand):
    """IDLE (RFC 2177); the client ends it with the raw line ``DONE``."""

    name: ClassVar[str] = "IDLE"


@dataclass(frozen=True, slots=True)
class NamespaceCommand(BaseCommand):
    """NAMESPACE (RFC 2342)."""

    name: ClassVar[str] = "NAMESPACE"


@dataclass(frozen=True, slots=True)
class IdCommand(BaseCommand):
    """ID (RFC 2971): None for ``ID NIL``, else the (field, value) pairs."""

    name: ClassVar[str] = "ID"
    parameters: tuple[tuple[str, str | None], ...] | None


@dataclass(frozen=True, slots=True)
class EnableCommand(BaseCommand):
    """ENABLE capability... (RFC 5161), names upper-cased."""

    name: ClassVar[str] = "ENABLE"
    capabilities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GetQuotaCommand(BaseCommand):
    """GETQUOTA quota-root (RFC 9208 4.2)."""

    name: ClassVar[str] = "GETQUOTA"
    root: str


@dataclass(frozen=True, slots=True)
class GetQuotaRootCommand(BaseCommand):
    """GETQUOTAROOT mailbox (RFC 9208 4.3)."""

    name: ClassVar[str] = "GETQUOTAROOT"
    mailbox: str


Command = (
    CapabilityCommand
    | NoopCommand
    | LogoutCommand
    | StartTlsCommand
    | AuthenticateCommand
    | LoginCommand
    | SelectCommand
    | ExamineCommand
    | CreateCommand
    | DeleteCommand
    | RenameCommand
    | SubscribeCommand
    | UnsubscribeCommand
    | ListCommand
    | LsubCommand
    | StatusCommand
    | AppendCommand
    | CheckCommand
    | CloseCommand
    | UnselectCommand
    | ExpungeCommand
    | SearchCommand
    | FetchCommand
    | StoreCommand
    | CopyCommand
    | MoveCommand
    | IdleCommand
    | NamespaceCommand
    | IdCommand
    | EnableCommand
    | GetQuotaCommand
    | GetQuotaRootCommand
)
