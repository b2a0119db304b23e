"""Address lists and envelopes (RFC 5322 3.4, RFC 3501 7.4.2 ENVELOPE)."""

import pytest

from mailwright.protocols.mime.envelope import (
    MISSING_DOMAIN,
    MISSING_MAILBOX,
    build_envelope,
    parse_address_list,
)
from mailwright.protocols.mime.structure import Address

GROUP_END = Address(None, None, None, None)


def _group(name: str) -> Address:
    return Address(None, None, name, None)


@pytest.mark.parametrize(
    ("header", "addresses"),
    [
        ("user@domain", [Address(None, None, "user", "domain")]),
        (
            "From Real <fromuser@fromdomain.org>",
            [Address("From Real", None, "fromuser", "fromdomain.org")],
        ),
        ('"Doe, John" <john@example.com>', [Address("Doe, John", None, "john", "example.com")]),
        ('"J. \\"JD\\" Doe" <j@x.org>', [Address('J. "JD" Doe', None, "j", "x.org")]),
        ("John Q. Public <jqp@x.org>", [Address("John Q. Public", None, "jqp", "x.org")]),
        ("user@domain (Real Name)", [Address("Real Name", None, "user", "domain")]),
        ("<user@domain> (Comment Name)", [Address("Comment Name", None, "user", "domain")]),
        ("<@route:user@domain>", [Address(None, "@route", "user", "domain")]),
        ("<@a,@b:user@domain>", [Address(None, "@a,@b", "user", "domain")]),
        ('"john doe"@example.com', [Address(None, None, '"john doe"', "example.com")]),
        ("user@[192.0.2.1]", [Address(None, None, "user", "[192.0.2.1]")]),
        (
            "=?utf-8?q?J=C3=B6rg?= <j@x.de>",
            [Address("=?utf-8?q?J=C3=B6rg?=", None, "j", "x.de")],
        ),
        ("Jörg <jörg@bücher.de>", [Address("Jörg", None, "jörg", "bücher.de")]),
        ("a@b.example <a@b.example>", [Address("a@b.example", None, "a", "b.example")]),
        ("localonly", [Address(None, None, "localonly", MISSING_DOMAIN)]),
        ("<>", [Address(None, None, MISSING_MAILBOX, MISSING_DOMAIN)]),
        ("", []),
        (" , ,", []),
    ],
)
def test_mailboxes_are_parsed(header, addresses):
    """Display names are unquoted, comments name an address that has none, routes go to adl."""
    assert list(parse_address_list(header)) == addresses


def test_address_list_keeps_order():
    """Several mailboxes come back in header order."""
    assert parse_address_list("a@x.org, B <b@y.org>,c@z.org") == (
        Address(None, None, "a", "x.org"),
        Address("B", None, "b", "y.org"),
        Address(None, None, "c", "z.org"),
    )


def test_groups_are_bracketed_by_markers():
    """A group is a start marker (mailbox = name, host NIL), its members and an end marker."""
    header = "group: g1@d1.org, g2@d2.org;, group2: g3@d3.org;"
    assert parse_address_list(header) == (
        _group("group"),
        Address(None, None, "g1", "d1.org"),
        Address(None, None, "g2", "d2.org"),
        GROUP_END,
        _group("group2"),
        Address(None, None, "g3", "d3.org"),
        GROUP_END,
    )


def test_empty_groups_have_no_members():
    """``undisclosed-recipients:;`` and a group holding only a comment have no members."""
    assert parse_address_list("undisclosed-recipients:;") == (
        _group("undisclosed-recipients"),
        GROUP_END,
    )
    assert parse_address_list("group:;, group2: (foo) ;") == (
        _group("group"),
        GROUP_END,
        _group("group2"),
        GROUP_END,
    )


def test_group_members_may_use_angle_addresses():
    """Members written as ``name <addr>`` stay inside their group."""
    assert parse_address_list("Team: Ann <ann@x.org>, bob@x.org; carol@y.org") == (
        _group("Team"),
        Address("Ann", None, "ann", "x.org"),
        Address(None, None, "bob", "x.org"),
        GROUP_END,
        Address(None, None, "carol", "y.org"),
    )


def test_unterminated_group_is_closed():
    """A group missing its ``;`` still gets an end marker."""
    assert parse_address_list("team: a@b.c") == (
        _group("team"),
        Address(None, None, "a", "b.c"),
        GROUP_END,
    )


@pytest.mark.parametrize(
    "header",
    ['"unterminated <a@b>', "<a@b", "((nested) comment", "a@b>c, <<>>", ";;:,@<>", "\\", "[x"],
)
def test_malformed_address_lists_do_not_raise(header):
    """Broken address syntax degrades to whatever can be read."""
    for address in parse_address_list(header):
        assert isinstance(address, Address)


def test_envelope_keeps_raw_strings_and_distinguishes_empty_from_absent():
    """Subject stays encoded; a present-but-empty field is "" and an absent one None."""
    envelope = build_envelope(
        {
            "subject": b" =?utf-8?q?caf=C3=A9?=\r\n",
            "date": b" Thu, 15 Feb 2007 01:02:03 +0200\r\n",
            "in-reply-to": b"\r\n",
            "from": b" From Real\r\n <fromuser@fromdomain.org>\r\n",
        }
    )
    assert envelope.subject == "=?utf-8?q?caf=C3=A9?="
    assert envelope.date == "Thu, 15 Feb 2007 01:02:03 +0200"
    assert envelope.in_reply_to == ""
    assert envelope.message_id is None
    assert envelope.from_ == (Address("From Real", None, "fromuser", "fromdomain.org"),)
    assert envelope.sender == ()
