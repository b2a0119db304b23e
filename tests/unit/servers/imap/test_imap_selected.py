"""The selected-folder view: sequence numbers, and which untagged updates go out when
(RFC 3501 7.4.1, RFC 2180)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mailwright.model.mail_access import FolderChanges, FolderSnapshot, MessageEntry
from mailwright.model.mailstore import Folder
from mailwright.protocols.imap.sequence import parse_sequence_set
from mailwright.servers.imap.selected import InvalidSequence, SelectedFolder

WHEN = datetime(2026, 1, 5, tzinfo=UTC)


def entry(uid: int, *flags: str, modseq: int = 1) -> MessageEntry:
    return MessageEntry(uid, frozenset(flags), modseq, 100, WHEN, "b" * 64)


def folder(uidnext: int = 11, modseq: int = 1) -> Folder:
    return Folder(1, 1, "INBOX", None, 7, uidnext, modseq, True, WHEN)


def view(*uids: int, read_only: bool = False) -> SelectedFolder:
    snapshot = FolderSnapshot(folder(), [entry(uid) for uid in uids])
    return SelectedFolder(snapshot, read_only=read_only, recent=set())


def no_recent(uids: list[int]) -> set[int]:
    return set()


def test_resolve_sequence_numbers_and_uids() -> None:
    """Sequence sets map to UIDs; '*' is the last; missing UIDs are skipped."""
    selected = view(2, 4, 6, 8)
    assert selected.resolve(parse_sequence_set("2:3,*"), uid=False) == [4, 6, 8]
    assert selected.resolve(parse_sequence_set("1:*"), uid=True) == [2, 4, 6, 8]
    assert selected.resolve(parse_sequence_set("3:5"), uid=True) == [4]
    assert selected.resolve(parse_sequence_set("20:*"), uid=True) == [8]  # n:* means *:n
    assert selected.sequence_number(6) == 3


def test_resolve_refuses_numbers_past_the_end_and_saved() -> None:
    """A sequence number beyond EXISTS is an error; '$' is not offered."""
    selected = view(1, 2)
    with pytest.raises(InvalidSequence):
        selected.resolve(parse_sequence_set("3"), uid=False)
    with pytest.raises(InvalidSequence):
        selected.resolve(parse_sequence_set("$"), uid=True)
    assert view().resolve(parse_sequence_set("1:*"), uid=False) == []


def test_new_messages_announced_with_exists_and_recent() -> None:
    """Arrivals join the view at once and are announced by EXISTS and RECENT."""
    selected = view(1, 2)
    changes = FolderChanges(folder(13, 3), [entry(11, modseq=3), entry(12, modseq=3)], None)
    selected.apply(changes, lambda uids: set(uids), report_modseq=False)
    assert selected.uids == [1, 2, 11, 12] and selected.uidnext == 13
    assert selected.take_updates(allow_expunge=True, report_modseq=False) == (
        b"* 4 EXISTS\r\n* 2 RECENT\r\n"
    )
    assert selected.take_updates(allow_expunge=True, report_modseq=False) == b""


def test_expunge_waits_until_allowed_and_numbers_adjust() -> None:
    """EXPUNGE is held back while not allowed (EXISTS still counts the message), then sent
    in ascending order with each number counted after the previous removals."""
    selected = view(1, 2, 3, 4, 5)
    changes = FolderChanges(folder(12, 2), [entry(11, modseq=2)], [1, 3, 5, 11])
    selected.apply(changes, no_recent, report_modseq=False)
    assert selected.is_expunged(2) and selected.live_count == 4
    held = selected.take_updates(allow_expunge=False, report_modseq=False)
    assert held == b"* 6 EXISTS\r\n"
    sent = selected.take_updates(allow_expunge=True, report_modseq=False)
    assert sent == b"* 2 EXPUNGE\r\n* 3 EXPUNGE\r\n"
    assert selected.uids == [1, 3, 5, 11]


def test_flag_changes_become_fetch_and_new_keywords_flags() -> None:
    """Flag changes of others become FETCH (with MODSEQ under CONDSTORE); a new keyword
    brings new FLAGS and PERMANENTFLAGS first."""
    selected = view(1, 2)
    changes = FolderChanges(folder(11, 5), [entry(2, "\\Seen", "$Work", modseq=5)], None)
    selected.apply(changes, no_recent, report_modseq=True)
    updates = selected.take_updates(allow_expunge=True, report_modseq=True)
    assert updates.startswith(b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)")
    assert b"[PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work \\*)]" in updates
    assert updates.endswith(b"* 2 FETCH (UID 2 FLAGS (\\Seen $Work) MODSEQ (5))\r\n")
    assert selected.highest_modseq == 5


def test_own_changes_are_not_reported_twice() -> None:
    """An entry this session already holds (same modseq) produces no update."""
    selected = view(1)
    selected.update_entries([entry(1, "\\Seen", modseq=4)])
    changes = FolderChanges(folder(11, 4), [entry(1, "\\Seen", modseq=4)], None)
    selected.apply(changes, no_recent, report_modseq=False)
    assert selected.take_updates(allow_expunge=True, report_modseq=False) == b""


def test_read_only_folder_has_no_permanent_flags() -> None:
    """EXAMINE offers PERMANENTFLAGS () and no \\*."""
    assert b"[PERMANENTFLAGS ()]" in view(1, read_only=True).flags_responses()
