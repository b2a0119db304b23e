"""Argument shapes shared by several commands: RFC 4466 parameters, status items, LIST options."""

from __future__ import annotations

from typing import Final

from mailwright.protocols.imap.commands import (
    ExtensionItem,
    ExtensionParam,
    ExtensionValue,
    StatusItem,
)
from mailwright.protocols.imap.reader import MAX_NUMBER64, Reader, decode_text
from mailwright.protocols.imap.sequence import read_sequence_set

MAX_NESTING: Final = 8
"""Parenthesis depth allowed inside a parameter value; no extension needs more."""

LIST_SELECTION_OPTIONS: Final = ("SUBSCRIBED", "REMOTE", "RECURSIVEMATCH", "SPECIAL-USE")
LIST_RETURN_OPTIONS: Final = ("SUBSCRIBED", "CHILDREN", "SPECIAL-USE", "STATUS")
_STATUS_ITEMS: Final = {item.value: item for item in StatusItem}


def read_params(reader: Reader) -> tuple[ExtensionParam, ...]:
    """RFC 4466 2.1: ``"(" param *(SP param) ")"``, param = name [SP value]."""
    reader.expect("(", "'(' opening the parameters")
    params: list[ExtensionParam] = []
    while True:
        name = reader.read_keyword("parameter name")
        params.append(ExtensionParam(name, _read_optional_value(reader)))
        if reader.skip(")"):
            return tuple(params)
        reader.expect_space("parameter")


def _read_optional_value(reader: Reader) -> ExtensionValue | None:
    # RFC 4466 2.1: a value is a number, a sequence set or a parenthesised list,
    # which tells it apart from the next parameter name (an atom).
    start = reader.position
    if not reader.skip(" "):
        return None
    if reader.skip("("):
        return _read_value_list(reader, 1)
    if reader.peek_digit():
        number = reader.read_number("parameter value", maximum=MAX_NUMBER64)
        if not (reader.peek_is(":") or reader.peek_is(",")):
            return number
        reader.rewind(start + 1)
        return read_sequence_set(reader)
    if reader.peek_is("*") or reader.peek_is("$"):
        return read_sequence_set(reader)
    reader.rewind(start)
    return None


def _read_value_list(reader: Reader, depth: int) -> tuple[ExtensionItem, ...]:
    # RFC 4466 2.1: tagged-ext-comp = astring / tagged-ext-comp *(SP tagged-ext-comp)
    #   / "(" tagged-ext-comp ")"
    if depth > MAX_NESTING:
        reader.fail(f"Parameter values are nested more than {MAX_NESTING} deep")
    items: list[ExtensionItem] = []
    while not reader.skip(")"):
        if items:
            reader.expect_space("parameter value")
        if reader.skip("("):
            items.append(_read_value_list(reader, depth + 1))
        elif reader.skip("\\"):  # RFC 6154 use-attr such as \Sent
            items.append("\\" + reader.read_atom("attribute name"))
        else:
            items.append(decode_text(reader.read_astring("parameter value"), "parameter value"))
    return tuple(items)


def read_status_items(reader: Reader) -> tuple[StatusItem, ...]:
    """RFC 3501 9: ``"(" status-att *(SP status-att) ")"``."""
    reader.expect("(", "'(' opening the status items")
    items: list[StatusItem] = []
    while True:
        name = reader.read_keyword("status item")
        item = _STATUS_ITEMS.get(name)
        if item is None:
            reader.fail(f"Unknown status item {name}")
        items.append(item)
        if reader.skip(")"):
            return tuple(dict.fromkeys(items))
        reader.expect_space("status item")


def read_list_selection(reader: Reader) -> tuple[str, ...]:
    """RFC 5258 list-select-opts: ``"(" [option *(SP option)] ")"``."""
    reader.expect("(", "'(' opening the LIST selection options")
    options: list[str] = []
    while not reader.skip(")"):
        if options:
            reader.expect_space("LIST selection option")
        name = reader.read_keyword("LIST selection option")
        if name not in LIST_SELECTION_OPTIONS:
            reader.fail(f"Unknown LIST selection option {name}")
        options.append(name)
    # RFC 5258 3: RECURSIVEMATCH never stands alone (or with REMOTE only).
    if "RECURSIVEMATCH" in options and set(options) <= {"RECURSIVEMATCH", "REMOTE"}:
        reader.fail("RECURSIVEMATCH needs another selection option such as SUBSCRIBED")
    return tuple(dict.fromkeys(options))


def read_list_return(reader: Reader) -> tuple[tuple[str, ...], tuple[StatusItem, ...]]:
    """RFC 5258 list-return-opts after ``RETURN SP``, with RFC 5819 ``STATUS (...)``."""
    reader.expect("(", "'(' opening the LIST return options")
    options: list[str] = []
    status: tuple[StatusItem, ...] = ()
    while not reader.skip(")"):
        if options:
            reader.expect_space("LIST return option")
        name = reader.read_keyword("LIST return option")
        if name not in LIST_RETURN_OPTIONS:
            reader.fail(f"Unknown LIST return option {name}")
        if name == "STATUS":
            reader.expect_space("STATUS items")
            status = read_status_items(reader)
        options.append(name)
    return tuple(dict.fromkeys(options)), status
