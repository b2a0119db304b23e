"""The selected folder of one session: its view of the messages, numbered, and the untagged
updates it still owes the client.

The view is the list of UIDs in sequence-number order plus one `MessageEntry` per UID. Other
sessions' changes arrive through ``apply()`` (from ``MailAccess.changes``) and wait as pending
updates until the session may announce them (state rule 8): expunged UIDs stay in the view,
keeping every sequence number valid, until EXPUNGE responses go out; new messages join the
view at once and are announced by EXISTS (whose count therefore includes messages expunged
but not yet reported, RFC 2180 4.1); flag changes become unsolicited FETCH responses.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence

from mailwright.model.mail_access import FolderChanges, FolderSnapshot, MessageEntry
from mailwright.protocols.imap import response as r
from mailwright.protocols.imap.codes import ResponseCode
from mailwright.protocols.imap.sequence import STAR, SequenceSet
from mailwright.servers.imap import wire
from mailwright.servers.imap.config import FLAG_ORDER


class InvalidSequence(ValueError):
    """A sequence set names messages that do not exist (answer BAD)."""


class SelectedFolder:
    """A session's numbered view of one folder."""

    def __init__(self, snapshot: FolderSnapshot, *, read_only: bool, recent: set[int]) -> None:
        folder = snapshot.folder
        self.folder_id = folder.id
        self.name = folder.name
        self.uidvalidity = folder.uidvalidity
        self.uidnext = folder.uidnext
        self.highest_modseq = folder.highest_modseq
        self.read_only = read_only
        self.uids: list[int] = [entry.uid for entry in snapshot.messages]
        self.entries: dict[int, MessageEntry] = {e.uid: e for e in snapshot.messages}
        self.recent = recent
        self.keywords = _keywords(snapshot.messages)
        self.dirty = False
        self.gone = False
        self._expunged: set[int] = set()
        self._flag_updates: dict[int, None] = {}
        self._announced_exists = len(self.uids)
        self._announced_recent = len(recent)
        self._keywords_grew = False

    @property
    def exists(self) -> int:
        """Messages in the view (including expunged ones not yet reported)."""
        return len(self.uids)

    @property
    def live_count(self) -> int:
        """Messages in the view that are still in the folder."""
        return len(self.uids) - len(self._expunged)

    def is_expunged(self, uid: int) -> bool:
        """True for a message gone from the folder but still numbered in this view."""
        return uid in self._expunged

    def sequence_number(self, uid: int) -> int:
        """The sequence number of a UID in the view."""
        return bisect_left(self.uids, uid) + 1

    def first_unseen(self) -> int | None:
        """The sequence number of the first message without \\Seen (SELECT's [UNSEEN n])."""
        for index, uid in enumerate(self.uids):
            if "\\Seen" not in self.entries[uid].flags:
                return index + 1
        return None

    def resolve(self, sequence_set: SequenceSet, *, uid: bool) -> list[int]:
        """The UIDs a sequence set names, ascending.

        Raises:
            InvalidSequence: ``$`` (SEARCHRES is not offered), or a message sequence number
                beyond the last message. Missing UIDs are simply skipped (RFC 3501 6.4.8).
        """
        if sequence_set.saved:
            raise InvalidSequence("Saved search results ($) are not supported")
        if uid:
            largest = self.uids[-1] if self.uids else 0
            return self._slice(sequence_set.resolve(largest), by_uid=True)
        count = len(self.uids)
        for item in sequence_set.ranges:
            # A range reaching "*" is clamped (1:* of an empty folder is nothing); a number
            # past the end on its own is an error (RFC 3501 9 seq-number).
            first, last = item.first, item.last
            if first is STAR or last is STAR:
                continue
            if max(first, last) > count:
                largest = max(first, last)
                raise InvalidSequence(f"Message {largest} does not exist ({count} exist)")
        return self._slice(sequence_set.resolve(count), by_uid=False)

    def _slice(self, ranges: Iterable[tuple[int, int]], *, by_uid: bool) -> list[int]:
        found: list[int] = []
        for low, high in ranges:
            if by_uid:
                found.extend(self.uids[bisect_left(self.uids, low) : bisect_right(self.uids, high)])
            elif high >= 1:
                found.extend(self.uids[max(low, 1) - 1 : high])
        return found

    def update_entries(self, entries: Iterable[MessageEntry]) -> None:
        """Take entries this session changed itself (STORE, \\Seen by FETCH)."""
        for entry in entries:
            if entry.uid in self.entries and entry.uid not in self._expunged:
                self.entries[entry.uid] = entry
                self._note_keywords(entry.flags)

    def mark_expunged(self, uids: Iterable[int]) -> None:
        """Messages this session expunged or moved away, to be reported as EXPUNGE."""
        for uid in uids:
            if uid in self.entries:
                self._expunged.add(uid)
                self._flag_updates.pop(uid, None)

    def apply(
        self,
        changes: FolderChanges,
        claim_recent: Callable[[list[int]], set[int]],
        *,
        report_modseq: bool,
    ) -> None:
        """Merge what other sessions changed; the updates wait for ``take_updates``."""
        if changes.present_uids is not None:
            present = set(changes.present_uids)
            self.mark_expunged([uid for uid in self.uids if uid not in present])
        arrived: list[MessageEntry] = []
        for entry in changes.changed:
            old = self.entries.get(entry.uid)
            if old is None:
                if not self.uids or entry.uid > self.uids[-1]:
                    arrived.append(entry)
            elif entry.uid not in self._expunged and entry.modseq != old.modseq:
                self.entries[entry.uid] = entry
                if entry.flags != old.flags or report_modseq:
                    self._flag_updates[entry.uid] = None
                self._note_keywords(entry.flags)
        for entry in arrived:
            self.uids.append(entry.uid)
            self.entries[entry.uid] = entry
            self._note_keywords(entry.flags)
        self.recent |= claim_recent([entry.uid for entry in arrived])
        newest = max((entry.uid + 1 for entry in arrived), default=0)
        self.uidnext = max(self.uidnext, changes.folder.uidnext, newest)
        top = max((entry.modseq for entry in changes.changed), default=0)
        self.highest_modseq = max(self.highest_modseq, changes.folder.highest_modseq, top)

    def _note_keywords(self, flags: Iterable[str]) -> None:
        for flag in flags:
            if not flag.startswith("\\") and flag not in self.keywords:
                self.keywords.add(flag)
                self._keywords_grew = True

    def take_updates(self, *, allow_expunge: bool, report_modseq: bool) -> bytes:
        """The pending untagged responses, in the order RFC 3501 7.4.1 needs them."""
        out: list[bytes] = []
        if allow_expunge and self._expunged:
            out.extend(self._expunge_responses())
        if self._keywords_grew:
            self._keywords_grew = False
            out.append(self.flags_responses())
        if len(self.uids) != self._announced_exists:
            self._announced_exists = len(self.uids)
            out.append(r.exists_response(len(self.uids)))
        if len(self.recent) != self._announced_recent:
            self._announced_recent = len(self.recent)
            out.append(r.recent_response(len(self.recent)))
        for uid in self._flag_updates:
            entry = self.entries[uid]
            modseq = entry.modseq if report_modseq else None
            seq = self.sequence_number(uid)
            out.append(wire.flags_update(seq, uid, entry.flags, uid in self.recent, modseq))
        self._flag_updates.clear()
        return b"".join(out)

    def _expunge_responses(self) -> list[bytes]:
        # Ascending, each number counted after the removals before it (RFC 3501 7.4.1 example).
        doomed = sorted(self._expunged)
        positions = [bisect_left(self.uids, uid) for uid in doomed]
        out = [r.expunge_response(position + 1 - index) for index, position in enumerate(positions)]
        self.uids = [uid for uid in self.uids if uid not in self._expunged]
        for uid in doomed:
            del self.entries[uid]
            self.recent.discard(uid)
        self._expunged.clear()
        # EXPUNGE lowers EXISTS and RECENT implicitly (RFC 3501 7.4.1): no EXISTS or RECENT.
        self._announced_exists = len(self.uids)
        self._announced_recent = len(self.recent)
        return out

    def flags_responses(self) -> bytes:
        """``* FLAGS`` and ``* OK [PERMANENTFLAGS]`` for this folder."""
        flags = wire.keyword_list(self.keywords)
        permanent = () if self.read_only else flags
        code = ResponseCode.permanent_flags(permanent, new_keywords=not self.read_only)
        text = "Read-only folder" if self.read_only else "Flags permitted"
        return r.flags_response(flags) + r.untagged(r.Status.OK, text, code)


def _keywords(entries: Sequence[MessageEntry]) -> set[str]:
    found: set[str] = set()
    for flags in {entry.flags for entry in entries}:
        found.update(flag for flag in flags if flag not in FLAG_ORDER)
    return found
