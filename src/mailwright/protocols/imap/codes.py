"""Response codes: the bracketed ``[UIDNEXT 5]`` after OK, NO, BAD, BYE (RFC 3501 7.1).

Codes without arguments are module constants (`TRYCREATE`, `ALERT`...); codes
with arguments have factory methods on `ResponseCode` (`ResponseCode.uid_next`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from mailwright.protocols.imap.sequence import SequenceSet
from mailwright.protocols.imap.values import Atom, DataValue, serialize


@dataclass(frozen=True, slots=True)
class ResponseCode:
    """A response code: an atom name and its arguments."""

    name: str
    args: tuple[DataValue, ...] = ()

    def to_bytes(self) -> bytes:
        """``[NAME arg ...]``."""
        words = [self.name.encode("ascii"), *(serialize(arg) for arg in self.args)]
        return b"[" + b" ".join(words) + b"]"

    @classmethod
    def uid_next(cls, uid: int) -> ResponseCode:
        """``[UIDNEXT n]`` (RFC 3501 7.1)."""
        return cls("UIDNEXT", (uid,))

    @classmethod
    def uid_validity(cls, value: int) -> ResponseCode:
        """``[UIDVALIDITY n]`` (RFC 3501 7.1)."""
        return cls("UIDVALIDITY", (value,))

    @classmethod
    def unseen(cls, sequence_number: int) -> ResponseCode:
        """``[UNSEEN n]``: the first unseen message (RFC 3501 7.1)."""
        return cls("UNSEEN", (sequence_number,))

    @classmethod
    def permanent_flags(cls, flags: Iterable[str], *, new_keywords: bool = True) -> ResponseCode:
        """``[PERMANENTFLAGS (\\Seen ... \\*)]``; ``\\*`` when clients may create keywords."""
        atoms: list[DataValue] = [Atom(flag) for flag in flags]
        if new_keywords:
            atoms.append(Atom("\\*"))
        return cls("PERMANENTFLAGS", (atoms,))

    @classmethod
    def capability(cls, names: Iterable[str]) -> ResponseCode:
        """``[CAPABILITY IMAP4rev1 ...]`` (RFC 3501 7.1)."""
        return cls("CAPABILITY", tuple(Atom(name) for name in names))

    @classmethod
    def bad_charset(cls, charsets: Iterable[str]) -> ResponseCode:
        """``[BADCHARSET (UTF-8 US-ASCII)]`` (RFC 3501 7.1)."""
        return cls("BADCHARSET", ([Atom(name) for name in charsets],))

    @classmethod
    def append_uid(cls, uid_validity: int, uids: int | SequenceSet) -> ResponseCode:
        """``[APPENDUID validity uid]`` (RFC 4315 3); a set under MULTIAPPEND."""
        return cls("APPENDUID", (uid_validity, uids))

    @classmethod
    def copy_uid(
        cls, uid_validity: int, source: SequenceSet, destination: SequenceSet
    ) -> ResponseCode:
        """``[COPYUID validity source-uids destination-uids]`` (RFC 4315 3)."""
        return cls("COPYUID", (uid_validity, source, destination))

    @classmethod
    def highest_modseq(cls, modseq: int) -> ResponseCode:
        """``[HIGHESTMODSEQ n]`` (RFC 7162 3.1.2.1)."""
        return cls("HIGHESTMODSEQ", (modseq,))

    @classmethod
    def modified(cls, sequence_set: SequenceSet) -> ResponseCode:
        """``[MODIFIED set]``: STORE UNCHANGEDSINCE failed for these (RFC 7162 3.1.3)."""
        return cls("MODIFIED", (sequence_set,))


ALERT: Final = ResponseCode("ALERT")
PARSE: Final = ResponseCode("PARSE")
READ_ONLY: Final = ResponseCode("READ-ONLY")
READ_WRITE: Final = ResponseCode("READ-WRITE")
TRYCREATE: Final = ResponseCode("TRYCREATE")
UIDNOTSTICKY: Final = ResponseCode("UIDNOTSTICKY")  # RFC 4315
NOMODSEQ: Final = ResponseCode("NOMODSEQ")  # RFC 7162
CLOSED: Final = ResponseCode("CLOSED")  # RFC 7162 3.2.11
TOOBIG: Final = ResponseCode("TOOBIG")  # RFC 4469, RFC 7889
# RFC 5530 response codes
UNAVAILABLE: Final = ResponseCode("UNAVAILABLE")
AUTHENTICATIONFAILED: Final = ResponseCode("AUTHENTICATIONFAILED")
AUTHORIZATIONFAILED: Final = ResponseCode("AUTHORIZATIONFAILED")
EXPIRED: Final = ResponseCode("EXPIRED")
PRIVACYREQUIRED: Final = ResponseCode("PRIVACYREQUIRED")
CONTACTADMIN: Final = ResponseCode("CONTACTADMIN")
NOPERM: Final = ResponseCode("NOPERM")
INUSE: Final = ResponseCode("INUSE")
EXPUNGEISSUED: Final = ResponseCode("EXPUNGEISSUED")
CORRUPTION: Final = ResponseCode("CORRUPTION")
SERVERBUG: Final = ResponseCode("SERVERBUG")
CLIENTBUG: Final = ResponseCode("CLIENTBUG")
CANNOT: Final = ResponseCode("CANNOT")
LIMIT: Final = ResponseCode("LIMIT")
OVERQUOTA: Final = ResponseCode("OVERQUOTA")
ALREADYEXISTS: Final = ResponseCode("ALREADYEXISTS")
NONEXISTENT: Final = ResponseCode("NONEXISTENT")
