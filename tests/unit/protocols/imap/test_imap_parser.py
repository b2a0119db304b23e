"""parse_command: every command form and the grammar's quirks (protocols/imap/parser.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from mailwright.protocols.imap import commands as c
from mailwright.protocols.imap.fetch import (
    FetchBodySection,
    FetchItem,
    FetchSimple,
    Partial,
    Section,
)
from mailwright.protocols.imap.parser import BadCharsetError, ParseError, parse_command
from mailwright.protocols.imap.search import SearchAll, SearchFlag
from mailwright.protocols.imap.sequence import STAR, SequenceRange, SequenceSet, parse_sequence_set


def seq(text: str) -> SequenceSet:
    return parse_sequence_set(text)


PARSED: list[tuple[bytes, c.Command]] = [
    (b"a1 CAPABILITY", c.CapabilityCommand("a1")),
    (b"a1 NOOP", c.NoopCommand("a1")),
    (b"a1 LOGOUT", c.LogoutCommand("a1")),
    (b"a1 STARTTLS", c.StartTlsCommand("a1")),
    (b"a1 CHECK", c.CheckCommand("a1")),
    (b"a1 CLOSE", c.CloseCommand("a1")),
    (b"a1 UNSELECT", c.UnselectCommand("a1")),
    (b"a1 EXPUNGE", c.ExpungeCommand("a1")),
    (b"a1 IDLE", c.IdleCommand("a1")),
    (b"a1 NAMESPACE", c.NamespaceCommand("a1")),
    (b"a1 noop", c.NoopCommand("a1")),
    (b"a1 NOOP\r\n", c.NoopCommand("a1")),
    (b"A.b-c]9 NOOP", c.NoopCommand("A.b-c]9")),
    (b"a1 AUTHENTICATE PLAIN", c.AuthenticateCommand("a1", "PLAIN")),
    (b"a1 authenticate plain =", c.AuthenticateCommand("a1", "PLAIN", b"")),
    (
        b"a1 AUTHENTICATE PLAIN AGFsaWNlAHB3",
        c.AuthenticateCommand("a1", "PLAIN", b"\x00alice\x00pw"),
    ),
    (b"a1 LOGIN alice secret", c.LoginCommand("a1", "alice", "secret")),
    (b'a1 LOGIN "al ice" "p\\"w\\\\"', c.LoginCommand("a1", "al ice", 'p"w\\')),
    (b"a1 LOGIN {5}\r\nalice {2+}\r\npw", c.LoginCommand("a1", "alice", "pw")),
    (b"a1 LOGIN {0}\r\n {0}\r\n", c.LoginCommand("a1", "", "")),
    (b'a1 LOGIN "j\xc3\xb6rg" "p\xc3\xa4ss"', c.LoginCommand("a1", "jörg", "päss")),
    (b"a1 SELECT INBOX", c.SelectCommand("a1", "INBOX")),
    (b"a1 SELECT inbox", c.SelectCommand("a1", "INBOX")),
    (b'a1 select "InBoX"', c.SelectCommand("a1", "INBOX")),
    (b"a1 SELECT Inbox/Sub", c.SelectCommand("a1", "Inbox/Sub")),
    (
        b"a1 SELECT INBOX (CONDSTORE)",
        c.SelectCommand("a1", "INBOX", (c.ExtensionParam("CONDSTORE"),)),
    ),
    (
        b"a1 SELECT box (QRESYNC (67890007 20050715194045000 41,43:211))",
        c.SelectCommand(
            "a1",
            "box",
            (c.ExtensionParam("QRESYNC", ("67890007", "20050715194045000", "41,43:211")),),
        ),
    ),
    (
        b"a1 SELECT box (X-A 5 X-B 1:* X-C X-D *:3 X-E ())",
        c.SelectCommand(
            "a1",
            "box",
            (
                c.ExtensionParam("X-A", 5),
                c.ExtensionParam("X-B", seq("1:*")),
                c.ExtensionParam("X-C"),
                c.ExtensionParam("X-D", seq("*:3")),
                c.ExtensionParam("X-E", ()),
            ),
        ),
    ),
    (b"a1 EXAMINE &U,BTFw-", c.ExamineCommand("a1", "台北")),
    (b"a1 CREATE Entw&APw-rfe", c.CreateCommand("a1", "Entwürfe")),
    (
        b"a1 CREATE Sent (USE (\\Sent))",
        c.CreateCommand("a1", "Sent", (c.ExtensionParam("USE", ("\\Sent",)),)),
    ),
    (b"a1 DELETE old", c.DeleteCommand("a1", "old")),
    (b"a1 RENAME a b", c.RenameCommand("a1", "a", "b")),
    (b'a1 RENAME "a b" {3+}\r\nc d', c.RenameCommand("a1", "a b", "c d")),
    (b"a1 SUBSCRIBE news", c.SubscribeCommand("a1", "news")),
    (b"a1 UNSUBSCRIBE news", c.UnsubscribeCommand("a1", "news")),
    (b'a1 LIST "" *', c.ListCommand("a1", "", ("*",))),
    (b'a1 LIST "" %', c.ListCommand("a1", "", ("%",))),
    (b"a1 LIST ~/Mail/ %/x*", c.ListCommand("a1", "~/Mail/", ("%/x*",))),
    (b'a1 LIST "" ""', c.ListCommand("a1", "", ("",))),
    (
        b'a1 LIST (SPECIAL-USE) "" "*"',
        c.ListCommand("a1", "", ("*",), selection=("SPECIAL-USE",), extended=True),
    ),
    (
        b'a1 LIST "" "*" RETURN (SPECIAL-USE)',
        c.ListCommand("a1", "", ("*",), return_options=("SPECIAL-USE",), extended=True),
    ),
    (
        b'a1 LIST (SUBSCRIBED RECURSIVEMATCH) "" ("INBOX" "Sent*") '
        b"RETURN (CHILDREN STATUS (MESSAGES UNSEEN))",
        c.ListCommand(
            "a1",
            "",
            ("INBOX", "Sent*"),
            ("SUBSCRIBED", "RECURSIVEMATCH"),
            ("CHILDREN", "STATUS"),
            (c.StatusItem.MESSAGES, c.StatusItem.UNSEEN),
            extended=True,
        ),
    ),
    (b'a1 LIST () "" %', c.ListCommand("a1", "", ("%",), extended=True)),
    (b'a1 LSUB "" *', c.LsubCommand("a1", "", "*")),
    (
        b"a1 STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ SIZE)",
        c.StatusCommand("a1", "INBOX", tuple(c.StatusItem)),
    ),
    (b"a1 status x (unseen)", c.StatusCommand("a1", "x", (c.StatusItem.UNSEEN,))),
    (
        b"a1 APPEND saved-messages {5+}\r\nhello",
        c.AppendCommand("a1", "saved-messages", (c.AppendMessage((), None, b"hello"),)),
    ),
    (
        b'a1 APPEND INBOX (\\Seen $Forwarded) " 7-Feb-1994 21:52:25 -0800" {0}\r\n',
        c.AppendCommand(
            "a1",
            "INBOX",
            (
                c.AppendMessage(
                    ("\\Seen", "$Forwarded"),
                    datetime(1994, 2, 7, 21, 52, 25, tzinfo=timezone(timedelta(hours=-8))),
                    b"",
                ),
            ),
        ),
    ),
    (
        b"a1 APPEND box () {1+}\r\nx ~{2+}\r\n\x00y",
        c.AppendCommand(
            "a1",
            "box",
            (c.AppendMessage((), None, b"x"), c.AppendMessage((), None, b"\x00y", binary=True)),
        ),
    ),
    (b"a1 UID EXPUNGE 3:5,9", c.ExpungeCommand("a1", uid=True, sequence_set=seq("3:5,9"))),
    (
        b"a1 FETCH 1:* (FLAGS)",
        c.FetchCommand("a1", False, seq("1:*"), (FetchSimple(FetchItem.FLAGS),)),
    ),
    (
        b"a1 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 5)",
        c.FetchCommand("a1", True, seq("1:*"), (FetchSimple(FetchItem.FLAGS),), 5),
    ),
    (
        b"a1 UID FETCH 1:* FLAGS (CHANGEDSINCE 12345678901234 VANISHED)",
        c.FetchCommand(
            "a1", True, seq("1:*"), (FetchSimple(FetchItem.FLAGS),), 12345678901234, True
        ),
    ),
    (
        b"a1 fetch *:4 body[]<0.100>",
        c.FetchCommand("a1", False, seq("*:4"), (FetchBodySection(Section(), Partial(0, 100)),)),
    ),
    (
        b"a1 STORE 2:4 +FLAGS (\\Deleted)",
        c.StoreCommand("a1", False, seq("2:4"), c.StoreAction.ADD, ("\\Deleted",)),
    ),
    (
        b"a1 UID STORE 7 -flags.silent \\seen $Junk",
        c.StoreCommand(
            "a1", True, seq("7"), c.StoreAction.REMOVE, ("\\Seen", "$Junk"), silent=True
        ),
    ),
    (
        b"a1 STORE 1 (UNCHANGEDSINCE 320162338) FLAGS ()",
        c.StoreCommand("a1", False, seq("1"), c.StoreAction.REPLACE, (), unchanged_since=320162338),
    ),
    (b"a1 COPY 2:4 MEETING", c.CopyCommand("a1", False, seq("2:4"), "MEETING")),
    (b"a1 UID COPY $ Trash", c.CopyCommand("a1", True, SequenceSet((), saved=True), "Trash")),
    (b"a1 MOVE 1 inbox", c.MoveCommand("a1", False, seq("1"), "INBOX")),
    (b"a1 uid move 1:2 Archive", c.MoveCommand("a1", True, seq("1:2"), "Archive")),
    (b"a1 SEARCH ALL", c.SearchCommand("a1", False, SearchAll())),
    (
        b"a1 UID SEARCH CHARSET UTF-8 UNSEEN",
        c.SearchCommand("a1", True, SearchFlag("\\Seen", present=False), "UTF-8"),
    ),
    (
        b"a1 SEARCH RETURN (MIN COUNT SAVE) ALL",
        c.SearchCommand("a1", False, SearchAll(), return_options=("MIN", "COUNT", "SAVE")),
    ),
    (b"a1 SEARCH RETURN () ALL", c.SearchCommand("a1", False, SearchAll(), return_options=())),
    (b"a1 ID NIL", c.IdCommand("a1", None)),
    (b"a1 ID ()", c.IdCommand("a1", ())),
    (
        b'a1 ID ("name" "sodr" "version" NIL)',
        c.IdCommand("a1", (("name", "sodr"), ("version", None))),
    ),
    (b"a1 ENABLE condstore UTF8=ACCEPT", c.EnableCommand("a1", ("CONDSTORE", "UTF8=ACCEPT"))),
    (b'a1 GETQUOTA ""', c.GetQuotaCommand("a1", "")),
    (b"a1 GETQUOTAROOT INBOX", c.GetQuotaRootCommand("a1", "INBOX")),
]


@pytest.mark.parametrize(("line", "expected"), PARSED)
def test_parses_command(line: bytes, expected: c.Command) -> None:
    """Each command form parses to its typed dataclass."""
    assert parse_command(line) == expected


def test_fetch_partial_is_parsed() -> None:
    """``BODY[]<0.100>`` keeps its partial range and echoes only the origin."""
    command = parse_command(b"a1 FETCH *:4 BODY[]<0.100>")
    assert isinstance(command, c.FetchCommand)
    assert command.sequence_set.ranges == (SequenceRange(STAR, 4),)
    (attribute,) = command.attributes
    assert isinstance(attribute, FetchBodySection)
    assert attribute.partial is not None
    assert (attribute.partial.offset, attribute.partial.length) == (0, 100)
    assert attribute.echo == "BODY[]<0>"


def test_examine_is_a_read_only_select() -> None:
    """EXAMINE matches ``case SelectCommand()`` and says it is read-only."""
    command = parse_command(b"a1 EXAMINE INBOX (CONDSTORE)")
    assert isinstance(command, c.SelectCommand)
    assert command.read_only
    assert command.name == "EXAMINE"
    assert command.condstore


def test_uid_fetch_answers_with_uid_and_modseq() -> None:
    """UID FETCH with CHANGEDSINCE implies UID and MODSEQ in the response."""
    command = parse_command(b"a1 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 5)")
    assert isinstance(command, c.FetchCommand)
    assert command.response_attributes == (
        FetchSimple(FetchItem.FLAGS),
        FetchSimple(FetchItem.UID),
        FetchSimple(FetchItem.MODSEQ),
    )


def test_utf8_accept_reads_mailbox_names_verbatim() -> None:
    """Under UTF8=ACCEPT an ampersand is literal and UTF-8 is the name (RFC 6855)."""
    command = parse_command(b'a1 SELECT "Tom & Jerry"', utf8_accept=True)
    assert command == c.SelectCommand("a1", "Tom & Jerry")


def test_raw_utf8_mailbox_name_is_accepted_without_enable() -> None:
    """A quoted 8-bit name is read as UTF-8 even without UTF8=ACCEPT."""
    assert parse_command(b'a1 SELECT "Entw\xc3\xbcrfe"') == c.SelectCommand("a1", "Entwürfe")


def test_login_repr_hides_password() -> None:
    """The password never shows up in logs through repr()."""
    assert "hunter2" not in repr(parse_command(b"a1 LOGIN alice hunter2"))


def test_command_name_is_exposed() -> None:
    """Each command class carries its wire name for logging and state tables."""
    assert parse_command(b"a1 uid fetch 1 uid").name == "FETCH"


PARSE_ERRORS: list[tuple[bytes, str | None, str]] = [
    (b"", None, "Empty command line"),
    (b"\r\n", None, "Empty command line"),
    (b"+1 NOOP", None, "Expected tag, found '+'"),
    (b"a{1 NOOP", None, "Invalid character '{' in tag"),
    (b"a*1 NOOP", None, "Invalid character '*' in tag"),
    (b"\xc3\xa41 NOOP", None, "Expected tag, found 8-bit octet 0xc3"),
    (b" NOOP", None, "Expected tag, found SP"),
    (b"a1", "a1", "Missing command name"),
    (b"a1 ", "a1", "Missing command name"),
    (b"a1 FROB", "a1", "Unknown command FROB"),
    (b"a1 UID NOOP", "a1", "UID NOOP is not a command"),
    (b"a1 NOOP extra", "a1", "Unexpected data after the arguments: ' extra'"),
    (b"a1  NOOP", "a1", "Expected command name, found SP"),
    (b"a1 LOGIN alice", "a1", "Missing password"),
    (b"a1 LOGIN", "a1", "Missing user name"),
    (b"a1 LOGIN j\xc3\xb6rg pw", "a1", "8-bit octet 0xc3 in user name; quote it"),
    (b'a1 LOGIN "alice pw', "a1", "Unterminated quoted string in user name"),
    (b'a1 LOGIN "a\\lice" pw', "a1", "Invalid escape before 'l' in quoted user name"),
    (b'a1 LOGIN "a\x00" pw', "a1", "0x00 inside a quoted string in user name"),
    (b"a1 LOGIN {5}\r\nabc", "a1", "Literal announces 5 octets but only 3 follow"),
    (b"a1 LOGIN {5}abc", "a1", "Literal size for user name must be followed by CRLF"),
    (b"a1 LOGIN {5x}\r\nabc", "a1", "Malformed literal for user name"),
    (b"a1 LOGIN {5}", "a1", "Literal size for user name must be followed by CRLF"),
    (b"a1 LOGIN {99999999999}\r\n", "a1", "Literal size 99999999999 is out of range"),
    (b"a1 LOGIN {3}\r\na\x00b pw", "a1", "user name contains a NUL octet"),
    (b'a1 LOGIN "\xff" pw', "a1", "user name is not valid UTF-8"),
    (b"a1 AUTHENTICATE PLAIN (", "a1", "Expected initial response, found '('"),
    (b"a1 AUTHENTICATE PLAIN abc", "a1", "Initial response is not valid BASE64"),
    (b"a1 SELECT", "a1", "Missing mailbox name"),
    (b"a1 SELECT &Jjo!", "a1", "Mailbox name is not modified UTF-7"),
    (b"a1 SELECT Tom&Jerry", "a1", "'&' at offset 3 is not closed by '-'"),
    (b"a1 SELECT x (CONDSTORE", "a1", "Missing parameter"),
    (b"a1 SELECT x ((((((((((x))))))))))", "a1", "Expected parameter name, found '('"),
    (b"a1 SELECT x (X ((((((((((a))))))))))", "a1", "nested more than 8 deep"),
    (b"a1 SELECT &AAA-", "a1", "Mailbox name contains NUL"),
    (b"a1 RENAME a", "a1", "Missing new mailbox name"),
    (b"a1 LIST", "a1", "Missing LIST reference"),
    (b'a1 LIST ""', "a1", "Missing mailbox pattern"),
    (b'a1 LIST (BOGUS) "" *', "a1", "Unknown LIST selection option BOGUS"),
    (b'a1 LIST "" &Jjo!', "a1", "Mailbox pattern is not modified UTF-7"),
    (b'a1 LIST (RECURSIVEMATCH) "" *', "a1", "RECURSIVEMATCH needs another selection option"),
    (b'a1 LIST "" * RETURN (BOGUS)', "a1", "Unknown LIST return option BOGUS"),
    (b'a1 LIST "" * EXTRA', "a1", "Expected RETURN, found 'E'"),
    (b"a1 STATUS INBOX ()", "a1", "Expected status item, found ')'"),
    (b"a1 STATUS INBOX (MESSAGES FOO)", "a1", "Unknown status item FOO"),
    (b"a1 STATUS INBOX (MESSAGES", "a1", "Missing status item"),
    (b"a1 APPEND INBOX", "a1", "Missing message literal"),
    (b'a1 APPEND INBOX "hello"', "a1", "Invalid APPEND date-time"),
    (b'a1 APPEND INBOX "hello" {1+}\r\nx', "a1", "Invalid APPEND date-time"),
    (b"a1 APPEND INBOX (\\Recent) {1+}\r\nx", "a1", "\\Recent cannot be set by the client"),
    (b"a1 APPEND INBOX (\\Bogus) {1+}\r\nx", "a1", "Unknown system flag \\Bogus"),
    (b"a1 APPEND INBOX (\\Seen {1+}\r\nx", "a1", "Expected flag, found '{'"),
    (b"a1 APPEND INBOX x", "a1", "Expected message literal, found 'x'"),
    (b"a1 UID EXPUNGE", "a1", "Missing UID set"),
    (b"a1 EXPUNGE 1", "a1", "Unexpected data after the arguments"),
    (b"a1 FETCH 1", "a1", "Missing fetch attributes"),
    (b"a1 FETCH 0 FLAGS", "a1", "message number must not be zero"),
    (b"a1 FETCH 1:4294967296 FLAGS", "a1", "message number 4294967296 is out of range"),
    (b"a1 FETCH 1 (FLAGS", "a1", "Missing ')' closing the fetch attribute list"),
    (b"a1 FETCH 1 FLAGS)", "a1", "Expected SP before fetch modifiers, found ')'"),
    (b"a1 FETCH 1 (FLAGS) (VANISHED)", "a1", "VANISHED needs UID FETCH with CHANGEDSINCE"),
    (b"a1 FETCH 1 (FLAGS) ()", "a1", "Expected fetch modifier, found ')'"),
    (b"a1 FETCH 1 (FLAGS) (CHANGEDSINCE 1 CHANGEDSINCE 2)", "a1", "repeated fetch modifier"),
    (b"a1 STORE 1 FLAGS", "a1", "Missing flags"),
    (b"a1 STORE 1 +FLAGS \\Recent", "a1", "\\Recent cannot be set by the client"),
    (b"a1 STORE 1 *FLAGS (\\Seen)", "a1", "Expected store item"),
    (b"a1 STORE 1 XFLAGS (\\Seen)", "a1", "Unknown store item XFLAGS"),
    (b"a1 STORE 1 (FOO 1) FLAGS ()", "a1", "Expected store modifier UNCHANGEDSINCE"),
    (b"a1 COPY 1", "a1", "Missing mailbox name"),
    (b"a1 COPY x box", "a1", "Expected sequence set, found 'x'"),
    (b"a1 SEARCH", "a1", "SEARCH needs at least one search key"),
    (b"a1 SEARCH RETURN (BOGUS) ALL", "a1", "Unknown search return option BOGUS"),
    (b"a1 ID", "a1", "Missing ID parameters"),
    (b"a1 ID NILS", "a1", "Expected '(' or NIL, found 'N'"),
    (b"a1 ID (name x)", "a1", "Expected ID field (a quoted string or literal), found 'n'"),
    (b'a1 ID ("name")', "a1", "Expected SP before ID value, found ')'"),
    (b"a1 ENABLE", "a1", "Missing capability name"),
    (b"a1 GETQUOTA", "a1", "Missing quota root"),
]


@pytest.mark.parametrize(("line", "tag", "reason"), PARSE_ERRORS)
def test_rejects_malformed_command(line: bytes, tag: str | None, reason: str) -> None:
    """A malformed line raises ParseError with the tag (None if unreadable) and a precise reason."""
    with pytest.raises(ParseError) as caught:
        parse_command(line)
    assert caught.value.tag == tag
    assert reason in caught.value.reason, caught.value.reason


def test_unknown_charset_raises_bad_charset() -> None:
    """SEARCH CHARSET other than UTF-8/US-ASCII raises BadCharsetError naming the supported ones."""
    with pytest.raises(BadCharsetError) as caught:
        parse_command(b"a1 SEARCH CHARSET KOI8-R TEXT x")
    assert caught.value.tag == "a1"
    assert caught.value.supported == ("UTF-8", "US-ASCII")
