"""Parse one framed IMAP command line into a typed `Command` (RFC 3501 9).

``parse_command(b'a1 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 5)')`` returns a
`FetchCommand`; any deviation from the grammar raises `ParseError` and
nothing else. Literals are inline (``{n}\\r\\n`` followed by n octets), as
`CommandFramer` delivers them; a final CRLF is optional. Command names and
keywords are case-insensitive.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from mailwright.protocols.imap import commands as c
from mailwright.protocols.imap.dates import parse_date_time
from mailwright.protocols.imap.extensions import (
    read_list_return,
    read_list_selection,
    read_params,
    read_status_items,
)
from mailwright.protocols.imap.fetch import read_fetch_attributes, read_fetch_modifiers
from mailwright.protocols.imap.flags import read_flag_list, read_flags
from mailwright.protocols.imap.reader import (
    MAX_NUMBER64,
    SP,
    TAG_CHARS,
    BadCharsetError,
    ParseError,
    Reader,
    decode_text,
    describe_byte,
)
from mailwright.protocols.imap.search import SearchParser, charset_decoder, read_return_options
from mailwright.protocols.imap.sequence import read_sequence_set

__all__ = ["BadCharsetError", "ParseError", "parse_command"]


@dataclass(frozen=True, slots=True)
class _Context:
    tag: str
    uid: bool
    utf8: bool


_Parser = Callable[[Reader, _Context], c.Command]


def parse_command(line: bytes, *, utf8_accept: bool = False) -> c.Command:
    """Parse a complete command line with inline literals.

    Args:
        line: ``tag SP command ...`` as framed by `CommandFramer`.
        utf8_accept: the client ENABLEd UTF8=ACCEPT (RFC 6855), so mailbox
            names are UTF-8 rather than modified UTF-7.

    Raises:
        ParseError: the line breaks the grammar; `tag` is None when even the
            tag is unreadable. `BadCharsetError` (a subclass) for SEARCH
            CHARSET values other than UTF-8 and US-ASCII.
    """
    reader = Reader(line)
    tag = _read_tag(reader)
    try:
        reader.expect_space("command name")
        name = reader.read_keyword("command name")
        uid = name == "UID"
        if uid:
            reader.expect_space("command after UID")
            name = reader.read_keyword("command after UID")
        parser = (_UID_COMMANDS if uid else _COMMANDS).get(name)
        if parser is None:
            reader.fail(f"UID {name} is not a command" if uid else f"Unknown command {name}")
        command = parser(reader, _Context(tag, uid, utf8_accept))
        reader.ensure_end()
    except ParseError as error:
        error.tag = tag
        raise
    return command


def _read_tag(reader: Reader) -> str:
    # RFC 3501 9: tag = 1*<any ASTRING-CHAR except "+">
    if reader.at_end():
        reader.fail("Empty command line")
    raw = reader.read_run(TAG_CHARS, "tag")
    following = reader.peek()
    if following is not None and following != SP:
        reader.fail(f"Invalid character {describe_byte(following)} in tag")
    return raw.decode("ascii")


def _no_arguments(command: Callable[[str], c.Command]) -> _Parser:
    return lambda reader, ctx: command(ctx.tag)


def _one_mailbox(command: Callable[[str, str], c.Command]) -> _Parser:
    def parse(reader: Reader, ctx: _Context) -> c.Command:
        reader.expect_space("mailbox name")
        return command(ctx.tag, reader.read_mailbox(utf8=ctx.utf8))

    return parse


def _authenticate(reader: Reader, ctx: _Context) -> c.Command:
    # RFC 3501 9 / RFC 4959: "AUTHENTICATE" SP auth-type [SP (base64 / "=")]
    reader.expect_space("SASL mechanism")
    mechanism = reader.read_keyword("SASL mechanism")
    if reader.at_end():
        return c.AuthenticateCommand(ctx.tag, mechanism)
    reader.expect_space("initial response")
    raw = reader.read_atom("initial response").encode("ascii")
    if raw == b"=":
        return c.AuthenticateCommand(ctx.tag, mechanism, b"")
    try:
        initial = base64.b64decode(raw, validate=True)
    except binascii.Error:
        reader.fail("Initial response is not valid BASE64")
    return c.AuthenticateCommand(ctx.tag, mechanism, initial)


def _login(reader: Reader, ctx: _Context) -> c.Command:
    # RFC 3501 9: "LOGIN" SP userid SP password
    reader.expect_space("user name")
    username = reader.read_astring_text("user name")
    reader.expect_space("password")
    password = reader.read_astring_text("password")
    return c.LoginCommand(ctx.tag, username, password)


def _select(command: type[c.SelectCommand]) -> _Parser:
    def parse(reader: Reader, ctx: _Context) -> c.Command:
        # RFC 4466 2.1: "SELECT" SP mailbox [select-params]
        reader.expect_space("mailbox name")
        mailbox = reader.read_mailbox(utf8=ctx.utf8)
        params = _optional_params(reader)
        return command(ctx.tag, mailbox, params)

    return parse


def _optional_params(reader: Reader) -> tuple[c.ExtensionParam, ...]:
    if reader.at_end():
        return ()
    reader.expect_space("parameters")
    return read_params(reader)


def _create(reader: Reader, ctx: _Context) -> c.Command:
    # RFC 4466 2.2: "CREATE" SP mailbox [create-params]
    reader.expect_space("mailbox name")
    mailbox = reader.read_mailbox(utf8=ctx.utf8)
    return c.CreateCommand(ctx.tag, mailbox, _optional_params(reader))


def _rename(reader: Reader, ctx: _Context) -> c.Command:
    reader.expect_space("mailbox name")
    source = reader.read_mailbox(utf8=ctx.utf8)
    reader.expect_space("new mailbox name")
    destination = reader.read_mailbox(utf8=ctx.utf8, what="new mailbox name")
    return c.RenameCommand(ctx.tag, source, destination)


def _list(reader: Reader, ctx: _Context) -> c.Command:
    # RFC 5258: "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]
    reader.expect_space("LIST reference")
    selection: tuple[str, ...] = ()
    extended = reader.peek_is("(")
    if extended:
        selection = read_list_selection(reader)
        reader.expect_space("LIST reference")
    reference = reader.read_mailbox(utf8=ctx.utf8, what="LIST reference")
    reader.expect_space("mailbox pattern")
    extended = extended or reader.peek_is("(")
    patterns = _list_patterns(reader, ctx)
    return_options: tuple[str, ...] = ()
    return_status: tuple[c.StatusItem, ...] = ()
    if not reader.at_end():
        reader.expect_space("RETURN")
        if not reader.try_keyword("RETURN"):
            reader.missing("RETURN")
        reader.expect_space("LIST return options")
        return_options, return_status = read_list_return(reader)
        extended = True
    return c.ListCommand(
        ctx.tag, reference, patterns, selection, return_options, return_status, extended
    )


def _list_patterns(reader: Reader, ctx: _Context) -> tuple[str, ...]:
    # RFC 5258: mbox-or-pat = list-mailbox / patterns; patterns = "(" list-mailbox *(SP ...) ")"
    if not reader.skip("("):
        return (reader.read_list_mailbox(utf8=ctx.utf8),)
    patterns = [reader.read_list_mailbox(utf8=ctx.utf8)]
    while not reader.skip(")"):
        reader.expect_space("mailbox pattern")
        patterns.append(reader.read_list_mailbox(utf8=ctx.utf8))
    return tuple(patterns)


def _lsub(reader: Reader, ctx: _Context) -> c.Command:
    reader.expect_space("LSUB reference")
    reference = reader.read_mailbox(utf8=ctx.utf8, what="LSUB reference")
    reader.expect_space("mailbox pattern")
    return c.LsubCommand(ctx.tag, reference, reader.read_list_mailbox(utf8=ctx.utf8))


def _status(reader: Reader, ctx: _Context) -> c.Command:
    # RFC 3501 9: "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"
    reader.expect_space("mailbox name")
    mailbox = reader.read_mailbox(utf8=ctx.utf8)
    reader.expect_space("status items")
    return c.StatusCommand(ctx.tag, mailbox, read_status_items(reader))


def _append(reader: Reader, ctx: _Context) -> c.Command:
    # RFC 3501 9 / RFC 3502: "APPEND" SP mailbox 1*(SP append-message)
    reader.expect_space("mailbox name")
    mailbox = reader.read_mailbox(utf8=ctx.utf8)
    messages: list[c.AppendMessage] = []
    while not messages or not reader.at_end():
        reader.expect_space("message literal")
        messages.append(_append_message(reader))
    return c.AppendCommand(ctx.tag, mailbox, tuple(messages))


def _append_message(reader: Reader) -> c.AppendMessage:
    # append-message = [flag-list SP] [date-time SP] (literal / literal8)
    flags: tuple[str, ...] = ()
    if reader.peek_is("("):
        flags = read_flag_list(reader)
        reader.expect_space("message literal")
    internal_date: datetime | None = None
    if reader.peek_is('"'):
        raw = reader.read_quoted("APPEND date-time")
        try:
            internal_date = parse_date_time(raw.decode("ascii", "replace"))
        except ValueError as error:
            reader.fail(f"Invalid APPEND date-time: {error}")
        reader.expect_space("message literal")
    if not (reader.peek_is("{") or reader.peek_is("~")):
        reader.missing("message literal")
    binary = reader.peek_is("~")
    data = reader.read_literal("APPEND message", binary=True)
    return c.AppendMessage(flags, internal_date, data, binary)


def _expunge(reader: Reader, ctx: _Context) -> c.Command:
    # RFC 4315: "UID" SP "EXPUNGE" SP sequence-set
    if not ctx.uid:
        return c.ExpungeCommand(ctx.tag)
    reader.expect_space("UID set")
    return c.ExpungeCommand(ctx.tag, uid=True, sequence_set=read_sequence_set(reader))


def _search(reader: Reader, ctx: _Context) -> c.Command:
    # RFC 4731 / RFC 3501 9: "SEARCH" [SP "RETURN" ...] [SP "CHARSET" SP astring] 1*(SP key)
    return_options = charset = None
    if _skip_argument_keyword(reader, "RETURN"):
        return_options = read_return_options(reader)
    if _skip_argument_keyword(reader, "CHARSET"):
        reader.expect_space("charset name")
        charset = reader.read_astring_text("charset name")
    criteria = SearchParser(reader, charset_decoder(charset)).read_criteria()
    return c.SearchCommand(ctx.tag, ctx.uid, criteria, charset, return_options)


def _skip_argument_keyword(reader: Reader, word: str) -> bool:
    start = reader.position
    if reader.skip(" ") and reader.try_keyword(word):
        return True
    reader.rewind(start)
    return False


def _fetch(reader: Reader, ctx: _Context) -> c.Command:
    # RFC 3501 9 / RFC 7162: "FETCH" SP sequence-set SP (macro / fetch-att / list) [modifiers]
    reader.expect_space("sequence set")
    sequence_set = read_sequence_set(reader)
    reader.expect_space("fetch attributes")
    attributes = read_fetch_attributes(reader)
    changed_since, vanished = None, False
    if not reader.at_end():
        reader.expect_space("fetch modifiers")
        changed_since, vanished = read_fetch_modifiers(reader)
    # RFC 7162 3.2.6: VANISHED only in UID FETCH with CHANGEDSINCE.
    if vanished and not (ctx.uid and changed_since is not None):
        reader.fail("VANISHED needs UID FETCH with CHANGEDSINCE")
    return c.FetchCommand(ctx.tag, ctx.uid, sequence_set, attributes, changed_since, vanished)


_STORE_ITEMS: Final = {
    f"{action.value}{suffix}": (action, bool(suffix))
    for action in c.StoreAction
    for suffix in ("", ".SILENT")
}


def _store(reader: Reader, ctx: _Context) -> c.Command:
    # RFC 3501 9 / RFC 7162: "STORE" SP sequence-set [SP "(" "UNCHANGEDSINCE" SP n ")"]
    #   SP store-att-flags
    reader.expect_space("sequence set")
    sequence_set = read_sequence_set(reader)
    reader.expect_space("store item")
    unchanged_since = None
    if reader.skip("("):
        if not reader.try_keyword("UNCHANGEDSINCE"):
            reader.missing("store modifier UNCHANGEDSINCE")
        reader.expect_space("UNCHANGEDSINCE value")
        unchanged_since = reader.read_number("UNCHANGEDSINCE value", maximum=MAX_NUMBER64)
        reader.expect(")", "')' closing the store modifiers")
        reader.expect_space("store item")
    item = reader.read_keyword("store item (FLAGS, +FLAGS or -FLAGS)")
    if item not in _STORE_ITEMS:
        reader.fail(f"Unknown store item {item}")
    action, silent = _STORE_ITEMS[item]
    reader.expect_space("flags")
    flags = read_flag_list(reader) if reader.peek_is("(") else read_flags(reader)
    return c.StoreCommand(ctx.tag, ctx.uid, sequence_set, action, flags, silent, unchanged_since)


def _copy_or_move(command: type[c.CopyCommand] | type[c.MoveCommand]) -> _Parser:
    def parse(reader: Reader, ctx: _Context) -> c.Command:
        reader.expect_space("sequence set")
        sequence_set = read_sequence_set(reader)
        reader.expect_space("mailbox name")
        return command(ctx.tag, ctx.uid, sequence_set, reader.read_mailbox(utf8=ctx.utf8))

    return parse


def _id(reader: Reader, ctx: _Context) -> c.Command:
    # RFC 2971: "ID" SP ("(" [string SP nstring *(SP string SP nstring)] ")" / nil)
    reader.expect_space("ID parameters")
    if reader.try_keyword("NIL"):
        return c.IdCommand(ctx.tag, None)
    reader.expect("(", "'(' or NIL")
    pairs: list[tuple[str, str | None]] = []
    while not reader.skip(")"):
        if pairs:
            reader.expect_space("ID field")
        key = decode_text(reader.read_string("ID field"), "ID field")
        reader.expect_space("ID value")
        value = reader.read_nstring("ID value")
        pairs.append((key, None if value is None else decode_text(value, "ID value")))
    return c.IdCommand(ctx.tag, tuple(pairs))


def _enable(reader: Reader, ctx: _Context) -> c.Command:
    # RFC 5161: "ENABLE" 1*(SP capability)
    names: list[str] = []
    while not names or not reader.at_end():
        reader.expect_space("capability name")
        names.append(reader.read_keyword("capability name"))
    return c.EnableCommand(ctx.tag, tuple(dict.fromkeys(names)))


def _getquota(reader: Reader, ctx: _Context) -> c.Command:
    # RFC 9208 4.2: "GETQUOTA" SP quota-root-name (an astring)
    reader.expect_space("quota root")
    return c.GetQuotaCommand(ctx.tag, reader.read_astring_text("quota root"))


_UID_COMMANDS: Final[dict[str, _Parser]] = {
    "COPY": _copy_or_move(c.CopyCommand),
    "MOVE": _copy_or_move(c.MoveCommand),
    "FETCH": _fetch,
    "STORE": _store,
    "SEARCH": _search,
    "EXPUNGE": _expunge,
}

_COMMANDS: Final[dict[str, _Parser]] = {
    **_UID_COMMANDS,
    "CAPABILITY": _no_arguments(c.CapabilityCommand),
    "NOOP": _no_arguments(c.NoopCommand),
    "LOGOUT": _no_arguments(c.LogoutCommand),
    "STARTTLS": _no_arguments(c.StartTlsCommand),
    "AUTHENTICATE": _authenticate,
    "LOGIN": _login,
    "SELECT": _select(c.SelectCommand),
    "EXAMINE": _select(c.ExamineCommand),
    "CREATE": _create,
    "DELETE": _one_mailbox(c.DeleteCommand),
    "RENAME": _rename,
    "SUBSCRIBE": _one_mailbox(c.SubscribeCommand),
    "UNSUBSCRIBE": _one_mailbox(c.UnsubscribeCommand),
    "LIST": _list,
    "LSUB": _lsub,
    "STATUS": _status,
    "APPEND": _append,
    "CHECK": _no_arguments(c.CheckCommand),
    "CLOSE": _no_arguments(c.CloseCommand),
    "UNSELECT": _no_arguments(c.UnselectCommand),
    "IDLE": _no_arguments(c.IdleCommand),
    "NAMESPACE": _no_arguments(c.NamespaceCommand),
    "ID": _id,
    "ENABLE": _enable,
    "GETQUOTA": _getquota,
    "GETQUOTAROOT": _one_mailbox(c.GetQuotaRootCommand),
}
