"""Composing outgoing messages: structure, encodings, folding; any text survives a round trip
through the stdlib parser."""

from __future__ import annotations

import email
import email.policy
import io
from datetime import UTC, datetime
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.policy import Compat32

from hypothesis import given, settings
from hypothesis import strategies as st

from mailwright.model.sending import Attachment
from mailwright.protocols.mime.compose import Composition, NamedAddress, compose

WHEN = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# Text a caller may put in a header: no control characters (the service refuses them).
HEADER_TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029\x85"),
    max_size=300,
)
BODY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=3000)


class _AsGiven(Compat32):
    """Writes header fields exactly as they were read."""

    def fold_binary(self, name: str, value: str) -> bytes:
        return f"{name}: {value}{self.linesep}".encode("ascii")


AS_GIVEN = _AsGiven(linesep="\r\n", max_line_length=None)


def regenerated(data: bytes) -> bytes:
    """``data`` read by the stdlib parser and written again by the stdlib generator."""
    out = io.BytesIO()
    parsed = email.message_from_bytes(data, policy=AS_GIVEN)
    BytesGenerator(out, mangle_from_=False, policy=AS_GIVEN).flatten(parsed)
    return out.getvalue()


def parse(data: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def base(**fields: object) -> Composition:
    values: dict[str, object] = {
        "sender": NamedAddress("app@example.test", "App"),
        "subject": "Hello",
        "date": WHEN,
        "message_id": "<1@example.test>",
        "to": [NamedAddress("bob@remote.test")],
        "text": "Hi",
    }
    values.update(fields)
    return Composition(**values)  # type: ignore[arg-type]


def test_text_only_is_a_single_7bit_part() -> None:
    """ASCII text with short lines is one text/plain part, 7bit, CRLF line ends."""
    data = compose(base(text="Hello\nthere"))
    assert b'\r\nContent-Type: text/plain; charset="utf-8"\r\n' in data
    assert b"Content-Transfer-Encoding: 7bit" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.startswith(b"From: App <app@example.test>\r\nTo: bob@remote.test\r\n")


def test_text_and_html_are_alternatives_inside_mixed_with_attachments() -> None:
    """Text first, then HTML, in multipart/alternative, inside multipart/mixed."""
    composition = base(
        html="<p>Hi</p>",
        attachments=[Attachment("a.bin", bytes(range(256)), "application/octet-stream")],
    )
    mail = parse(compose(composition))
    assert [p.get_content_type() for p in mail.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "application/octet-stream",
    ]
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_content() == bytes(range(256))


def test_long_lines_and_non_ascii_are_quoted_printable() -> None:
    """A body line over 998 octets or with non-ASCII text is quoted-printable."""
    data = compose(base(text="x" * 2000 + "\né"))
    assert b"quoted-printable" in data
    assert all(len(line) <= 78 for line in data.split(b"\r\n"))


def test_many_recipients_are_folded() -> None:
    """A long To line is folded between addresses at 78 columns."""
    to = [NamedAddress(f"user{n}@remote.test", f"User {n}") for n in range(20)]
    data = compose(base(to=to))
    header = data.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 78 for line in header.split(b"\r\n"))
    assert parse(data)["To"].addresses[19].username == "user19"


@settings(max_examples=150, deadline=None)
@given(
    subject=HEADER_TEXT, name=HEADER_TEXT, text=BODY_TEXT, filename=HEADER_TEXT.filter(str.strip)
)
def test_any_text_round_trips(subject: str, name: str, text: str, filename: str) -> None:
    """Whatever the text, the message is ASCII with lines of at most 998 octets and the
    stdlib parser reads back the same subject, display name, body and file name."""
    composition = base(
        subject=subject,
        sender=NamedAddress("app@example.test", name),
        text=text,
        attachments=[Attachment(filename, b"x")],
    )
    data = compose(composition)
    assert data.isascii()
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))
    mail = parse(data)
    # Folding may change runs of white space, never the words.
    assert str(mail["Subject"]).split() == subject.split()
    # A long name is several encoded words (RFC 2047 2: at most 75 characters each); the
    # stdlib reads the space between them into the name, which RFC 2047 6.2 says to drop.
    assert "".join(mail["From"].addresses[0].display_name.split()) == "".join(name.split())
    assert mail["From"].addresses[0].addr_spec == "app@example.test"
    body = mail.get_body(("plain",))
    assert body is not None
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    expected = expected if expected.endswith("\n") else expected + "\n"
    assert body.get_content().replace("\r\n", "\n") == expected
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == filename.strip()


@settings(max_examples=100, deadline=None)
@given(
    text=st.none() | BODY_TEXT,
    html=st.none() | BODY_TEXT,
    recipients=st.integers(min_value=1, max_value=30),
    attachments=st.lists(st.binary(max_size=2000), max_size=3),
)
def test_layout_is_what_the_stdlib_generator_writes(
    text: str | None, html: str | None, recipients: int, attachments: list[bytes]
) -> None:
    """Every shape (text, HTML, both, none; attachments or not) comes out exactly as the stdlib
    generator writes the tree it parses from it: boundaries, blank lines, CRLFs."""
    data = compose(
        base(
            text=text,
            html=html,
            to=[NamedAddress(f"user{n}@remote.test", f"User {n}") for n in range(recipients)],
            attachments=[Attachment(f"f{n}.bin", a) for n, a in enumerate(attachments)],
        )
    )
    assert regenerated(data) == data
