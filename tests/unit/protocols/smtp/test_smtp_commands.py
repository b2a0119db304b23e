"""SMTP command parsing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailwright.protocols.smtp.commands import (
    Auth,
    CommandError,
    Data,
    Ehlo,
    MailFrom,
    Quit,
    RcptTo,
    parse_command,
)


def test_mail_from_with_parameters() -> None:
    """MAIL FROM keeps the address and SIZE/BODY/SMTPUTF8 parameters."""
    command = parse_command(b"MAIL FROM:<a@example.test> SIZE=1234 BODY=8BITMIME SMTPUTF8\r\n")
    assert command == MailFrom(
        "a@example.test",
        1234,
        "8BITMIME",
        True,
        {"SIZE": "1234", "BODY": "8BITMIME", "SMTPUTF8": None},
    )


def test_null_sender_and_source_route() -> None:
    """<> is the null reverse path; source routes are ignored (RFC 5321 4.1.2)."""
    assert parse_command(b"mail from:<>") == MailFrom("")
    assert parse_command(b"RCPT TO:<@relay.test:b@example.test>") == RcptTo("b@example.test")


def test_quoted_local_part() -> None:
    """Quoted local parts with escapes and a > inside are read whole."""
    command = parse_command(b'RCPT TO:<"odd >\\"name"@example.test>')
    assert isinstance(command, RcptTo) and command.address == '"odd >\\"name"@example.test'


@pytest.mark.parametrize(
    ("line", "code"),
    [
        (b"FOO bar", 500),
        (b"MAIL a@example.test", 501),
        (b"MAIL FROM:a@example.test", 501),
        (b"RCPT TO:<>", 553),
        (b"RCPT TO:<not an address>", 553),
        (b"MAIL FROM:<a@example.test> SIZE=abc", 501),
        (b"MAIL FROM:<a@example.test> RET=FULL", 504),
        (b"MAIL FROM:<\xc3\xa9@example.test>", 501),
        (b"EHLO", 501),
        (b"DATA now", 501),
        (b"AUTH", 501),
        (b"\xff\xfe", 501),
        (b"NOOP" + b"x" * 3000, 500),
    ],
)
def test_bad_commands_carry_their_reply(line: bytes, code: int) -> None:
    """Each malformed command raises CommandError with the right code and an enhanced code."""
    with pytest.raises(CommandError) as error:
        parse_command(line)
    assert error.value.reply.code == code
    assert error.value.reply.enhanced.startswith(str(code)[0] + ".")


def test_simple_commands() -> None:
    """Verbs are case-insensitive; AUTH keeps the initial response."""
    assert parse_command(b"ehlo client.test") == Ehlo("client.test")
    assert parse_command(b"HELO client.test") == Ehlo("client.test", extended=False)
    assert parse_command(b"data") == Data()
    assert parse_command(b"QUIT") == Quit()
    assert parse_command(b"AUTH plain AGEAYg==") == Auth("PLAIN", "AGEAYg==")
    assert parse_command("MAIL FROM:<é@example.test> SMTPUTF8".encode()) == MailFrom(
        "é@example.test", smtputf8=True, params={"SMTPUTF8": None}
    )


@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_command_error(line: bytes) -> None:
    """Any input gives a command or CommandError, never another exception."""
    try:
        parse_command(line)
    except CommandError as error:
        code = error.reply.code
    else:
        code = 500
    assert code >= 500
