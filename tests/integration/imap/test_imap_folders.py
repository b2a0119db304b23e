"""Folder commands over imaplib: LIST (extended, special-use, children, status), LSUB,
CREATE, DELETE, RENAME, SUBSCRIBE, STATUS, NAMESPACE, ID, ENABLE and QUOTA."""

from __future__ import annotations

from mailwright.model.actors import Actor
from mailwright.services.mailboxes import MailboxChanges
from tests.integration.imap.conftest import ALICE, Imap, raw


def _names(lines: list[bytes]) -> dict[str, bytes]:
    """LIST lines by folder name -> attribute list."""
    found = {}
    for line in lines:
        attributes, _, rest = line.partition(b") ")
        found[rest.split(b" ", 1)[1].strip(b'"').decode()] = attributes + b")"
    return found


def test_list_shows_special_use_and_children(imap: Imap) -> None:
    """LIST "" * shows INBOX first and the special-use folders with their attributes."""
    client = imap.login()
    typ, data = client.list()
    assert typ == "OK"
    assert data[0] == b'(\\HasNoChildren) "/" "INBOX"'
    names = _names([line for line in data if isinstance(line, bytes)])
    assert names["Sent"] == b"(\\HasNoChildren \\Sent)"
    assert set(names) == {"INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive"}
    client.logout()


def test_list_delimiter_and_percent(imap: Imap) -> None:
    """An empty pattern returns the delimiter; % stops at levels and shows parents."""
    client = imap.login()
    assert client.list('""', '""')[1] == [b'(\\Noselect) "/" ""']
    client.create("Projects/2026/Q1")
    top = _names(client.list('""', "%")[1])  # type: ignore[arg-type]
    assert top["Projects"] == b"(\\HasChildren)"
    below = _names(client.list("Projects/", "%")[1])  # type: ignore[arg-type]
    assert below == {"Projects/2026": b"(\\HasChildren)"}
    client.logout()


def test_list_extended_return_options(imap: Imap) -> None:
    """LIST-EXTENDED: SPECIAL-USE selection, RETURN (SUBSCRIBED CHILDREN STATUS)."""
    client = imap.login()
    imap.seed(2)
    lines = raw(client, "a1", 'LIST (SPECIAL-USE) "" "*" RETURN (SPECIAL-USE)')
    assert len(lines) == 6 and all(b"\\" in line for line in lines[:-1])
    lines = raw(
        client, "a2", 'LIST "" "INBOX" RETURN (SUBSCRIBED CHILDREN STATUS (MESSAGES UNSEEN))'
    )
    assert lines[0] == b'* LIST (\\HasNoChildren \\Subscribed) "/" "INBOX"\r\n'
    assert lines[1] == b'* STATUS "INBOX" (MESSAGES 2 UNSEEN 2)\r\n'
    client.logout()


def test_list_subscribed_recursive_match(imap: Imap) -> None:
    """LIST (SUBSCRIBED RECURSIVEMATCH) reports an unsubscribed parent with CHILDINFO."""
    client = imap.login()
    client.create("Team/Reports")
    client.unsubscribe("Team")
    lines = raw(client, "a1", 'LIST (SUBSCRIBED RECURSIVEMATCH) "" "Team"')
    assert lines[0] == b'* LIST (\\HasChildren) "/" "Team" ("CHILDINFO" ("SUBSCRIBED"))\r\n'
    client.logout()


def test_create_delete_rename_with_children(imap: Imap) -> None:
    """CREATE makes parents, RENAME takes children along, DELETE keeps children."""
    client = imap.login()
    assert client.create("A/B/C")[0] == "OK"
    assert client.create("A/B")[0] == "NO"  # exists (made as a parent)
    assert client.rename("A", "Z")[0] == "OK"
    names = _names(client.list('""', "Z*")[1])  # type: ignore[arg-type]
    assert set(names) == {"Z", "Z/B", "Z/B/C"}
    assert client.delete("Z/B")[0] == "OK"
    names = _names(client.list('""', "Z*")[1])  # type: ignore[arg-type]
    assert names["Z/B"] == b"(\\Noselect \\HasChildren)"
    assert client.rename("Z", "Z/inside")[0] == "NO"
    assert client.delete("INBOX")[0] == "NO"
    typ, data = client.create('"Nope*"')
    assert typ == "NO" and b"[CANNOT]" in data[0]
    client.logout()


def test_create_existing_and_special_use(imap: Imap) -> None:
    """CREATE of an existing name is ALREADYEXISTS; CREATE (USE (\\Flagged)) sets the use."""
    client = imap.login()
    typ, data = client.create("Sent")
    assert typ == "NO" and b"[ALREADYEXISTS]" in data[0]
    assert raw(client, "a1", "CREATE Starred (USE (\\Flagged))")[-1].startswith(b"a1 OK")
    assert _names(client.list('""', "Starred")[1])["Starred"] == (  # type: ignore[arg-type]
        b"(\\HasNoChildren \\Flagged)"
    )
    client.logout()


def test_rename_inbox_moves_messages(imap: Imap) -> None:
    """RENAME INBOX moves its messages to the new folder and leaves INBOX empty."""
    imap.seed(3)
    client = imap.login()
    assert client.rename("INBOX", "Old")[0] == "OK"
    assert client.status("INBOX", "(MESSAGES)")[1][0] == b'"INBOX" (MESSAGES 0)'
    assert client.status("Old", "(MESSAGES)")[1][0] == b'"Old" (MESSAGES 3)'
    client.select("Old")
    assert client.fetch("1:*", "(UID)")[1] == [b"1 (UID 1)", b"2 (UID 2)", b"3 (UID 3)"]
    client.logout()


def test_subscribe_and_lsub(imap: Imap) -> None:
    """SUBSCRIBE/UNSUBSCRIBE change LSUB; a parent only % reaches is \\Noselect."""
    client = imap.login()
    client.create("Lists/python")
    client.unsubscribe("Lists")
    assert client.lsub('""', "Lists/*")[1] == [b'(\\HasNoChildren) "/" "Lists/python"']
    assert client.lsub('""', "Lis%")[1] == [b'(\\Noselect) "/" "Lists"']
    client.unsubscribe("Lists/python")
    assert client.lsub('""', "Lists*")[1] == [None]
    assert client.subscribe("Missing")[0] == "NO"
    client.logout()


def test_status_items(imap: Imap) -> None:
    """STATUS reports every item, RECENT and HIGHESTMODSEQ and SIZE included."""
    imap.seed(2)
    client = imap.login()
    typ, data = client.status(
        "INBOX", "(MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ SIZE)"
    )
    assert typ == "OK"
    text = data[0].decode()
    assert "MESSAGES 2 RECENT 2 UIDNEXT 3" in text and "UNSEEN 2" in text
    assert "HIGHESTMODSEQ" in text and "SIZE" in text
    assert client.status("Nowhere", "(MESSAGES)")[0] == "NO"
    client.logout()


def test_namespace_id_enable(imap: Imap) -> None:
    """NAMESPACE, ID and ENABLE answer as RFC 2342, 2971 and 5161 say."""
    client = imap.login()
    assert client.namespace()[1] == [b'(("" "/")) NIL NIL']
    lines = raw(client, "a1", 'ID ("name" "test")')
    assert lines[0].startswith(b'* ID ("name" "Mailwright"')
    lines = raw(client, "a2", "ENABLE CONDSTORE X-UNKNOWN")
    assert lines[0] == b"* ENABLED CONDSTORE\r\n"
    client.logout()


def test_quota_from_mailbox(imap: Imap) -> None:
    """GETQUOTAROOT and GETQUOTA report the mailbox quota in KiB; unlimited has no root."""
    client = imap.login()
    assert raw(client, "a1", "GETQUOTAROOT INBOX")[0] == b'* QUOTAROOT "INBOX"\r\n'
    imap.live.run(
        imap.live.services.mailboxes.update(
            Actor.operator("t"), ALICE, MailboxChanges(quota_bytes=10 * 1024 * 1024)
        )
    )
    imap.seed(1)
    lines = raw(client, "a2", "GETQUOTAROOT INBOX")
    assert lines[0] == b'* QUOTAROOT "INBOX" ""\r\n'
    assert lines[1] == b'* QUOTA "" (STORAGE 1 10240)\r\n'
    assert raw(client, "a3", 'GETQUOTA ""')[0] == b'* QUOTA "" (STORAGE 1 10240)\r\n'
    assert raw(client, "a4", "GETQUOTA other")[-1].startswith(b"a4 NO [NONEXISTENT]")
    client.logout()


def test_utf7_folder_names(imap: Imap) -> None:
    """Non-ASCII names travel in modified UTF-7 both ways."""
    client = imap.login()
    assert client.create("&AMk-t&AOk-")[0] == "OK"  # "Été"
    assert client.list('""', "&AMk-*")[1] == [b'(\\HasNoChildren) "/" "&AMk-t&AOk-"']
    folders = imap.live.run(imap.live.services.folders.list_folders(imap.mailbox_id()))
    assert "Été" in {folder.name for folder in folders}
    client.logout()
