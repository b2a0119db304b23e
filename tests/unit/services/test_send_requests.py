"""Checking send requests: normalised values, and every problem named by its field."""

from __future__ import annotations

import pytest

from mailwright.model.errors import InvalidInput
from mailwright.model.sending import Attachment, SendRequest
from mailwright.protocols.mime.compose import NamedAddress
from mailwright.services.send_requests import Limits, check_request

LIMITS = Limits(max_recipients=4, max_attachment_bytes=10)


def request(**fields: object) -> SendRequest:
    values: dict[str, object] = {
        "sender": "App <App@Example.TEST>",
        "to": ("Bob <Bob@Remote.test>",),
        "subject": "Hi",
        "text": "x",
    }
    values.update(fields)
    return SendRequest(**values)  # type: ignore[arg-type]


def problems(**fields: object) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        check_request(request(**fields), LIMITS)
    return {p.field: p.message for p in caught.value.problems}


def test_addresses_are_normalised_and_the_envelope_deduplicated() -> None:
    """Addresses are lower case; the envelope lists each address once, bcc included."""
    checked = check_request(
        request(cc=("bob@remote.test", '"Doe, Jo" <jo@remote.test>'), bcc=("x@remote.test",)),
        LIMITS,
    )
    assert checked.sender == NamedAddress("app@example.test", "App")
    assert checked.domain == "example.test"
    assert checked.to == (NamedAddress("bob@remote.test", "Bob"),)
    assert checked.cc[1] == NamedAddress("jo@remote.test", "Doe, Jo")
    assert checked.envelope == ("bob@remote.test", "jo@remote.test", "x@remote.test")


def test_every_problem_is_reported_at_once() -> None:
    """Problems of different fields come together."""
    found = problems(
        sender="nobody",
        to=("a@remote.test", "ok"),
        subject=None,
        tags=("good", "bad tag"),
        headers={"Bcc": "x", "X-Fine": "ok", "X-Bad": "a\nb"},
        attachments=(Attachment("a", b"x" * 11, "bad type"),),
        metadata={"k": float("nan")},
    )
    assert set(found) == {
        "from",
        "to.1",
        "subject",
        "tags.1",
        "headers.Bcc",
        "headers.X-Bad",
        "attachments",
        "attachments.0.content_type",
        "metadata.k",
    }


def test_recipient_bounds() -> None:
    """At least one recipient and at most max_recipients over to, cc and bcc."""
    assert "to" in problems(to=())
    assert (
        "at most 4"
        in problems(to=("a@r.test", "b@r.test"), cc=("c@r.test",), bcc=("d@r.test", "e@r.test"))[
            "to"
        ]
    )


def test_non_ascii_local_parts_are_refused_for_now() -> None:
    """SMTPUTF8 is not offered to remote servers yet, so such addresses are refused."""
    assert "non-ASCII" in problems(to=("jörg@remote.test",))["to.0"]


@pytest.mark.parametrize(
    "name", ["Resent-To", "ARC-Seal", "Content-Transfer-Encoding", "X-Mailwright-Id", "received"]
)
def test_reserved_header_families(name: str) -> None:
    """Whole families of headers are reserved, in any case."""
    assert f"headers.{name}" in problems(headers={name: "x"})


def test_template_requests() -> None:
    """A template replaces subject and body; variables and versions need a template."""
    checked = check_request(
        request(subject=None, text=None, template="Welcome", variables={"a": 1}), LIMITS
    )
    assert checked.template == "welcome"
    assert {"subject", "text"} <= set(problems(template="welcome"))
    assert "template_version" in problems(template_version=2)
    assert "template" in problems(subject=None, text=None, template="no spaces allowed")
