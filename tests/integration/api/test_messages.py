"""``POST /messages``, ``/messages/batch`` and the message lookups: scopes, domains, the
message built, the queue entries, idempotency, sandbox keys, suppressions, error shapes."""

from __future__ import annotations

import base64
import re
from email.message import EmailMessage

import httpx
import pytest

from mailwright.model.actors import Actor
from mailwright.model.outbound import EventKind, RecipientStatus, SuppressionReason
from mailwright.model.sending import SendingCaller
from mailwright.services.container import Services
from mailwright.testing.clock import FakeClock
from tests.integration.api.sending_world import (
    SendKeys,
    event_kinds,
    make_send_keys,
    message,
    parsed,
    queued_bytes,
)
from tests.integration.api.world import World, assert_problem, field_errors

URL = "/api/v1/messages"


def lines(part: EmailMessage) -> str:
    """A text part's content with the canonical CRLF line ends (RFC 2045) as LF."""
    content = part.get_content()
    assert isinstance(content, str)
    return content.replace("\r\n", "\n")


@pytest.fixture
async def keys(services: Services, world: World, operator: Actor) -> SendKeys:
    """The world's send key and three more (see ``SendKeys``)."""
    return await make_send_keys(services, operator, world.keys["send"], world.prefixes["send"])


async def test_send_queues_every_recipient_and_answers_202(
    client: httpx.AsyncClient, services: Services, keys: SendKeys
) -> None:
    """A send key's message is queued for to, cc and bcc with a queued event each."""
    body = message(
        to=["Bob <Bob@Remote.test>", "alice@example.test"],
        cc=["carol@remote.test"],
        bcc=["dave@remote.test"],
        tags=["welcome"],
        metadata={"user": 42},
    )
    response = await client.post(URL, json=body, headers=keys.auth("root"))
    assert response.status_code == 202, response.text
    answer = response.json()
    assert re.fullmatch(r"[0-9a-f]{32}", answer["id"])
    assert response.headers["location"] == f"/api/v1/messages/{answer['id']}"
    assert answer["sandbox"] is False
    addresses = ["bob@remote.test", "alice@example.test", "carol@remote.test", "dave@remote.test"]
    assert [r["address"] for r in answer["recipients"]] == addresses
    assert {r["status"] for r in answer["recipients"]} == {"queued"}
    assert len({r["id"] for r in answer["recipients"]}) == 4
    async with services.database.snapshot() as tx:
        queued = await tx.outbound.find(answer["id"])
        usage = await tx.usage.list_rows(api_key_prefix=keys.prefixes["root"])
    assert queued is not None and queued.origin.value == "api"
    assert queued.sender == "root@example.test"
    assert [r.id for r in queued.recipients] == [r["id"] for r in answer["recipients"]]
    assert await event_kinds(services, answer["id"]) == [(a, EventKind.QUEUED) for a in addresses]
    assert [(u.domain, u.accepted) for u in usage] == [("example.test", 4)]


async def test_message_is_well_formed_mime(
    client: httpx.AsyncClient, services: Services, keys: SendKeys
) -> None:
    """Headers, alternative text and HTML parts, attachments; Bcc never in the header."""
    attachment = base64.b64encode(b"%PDF-1.4 fake").decode()
    body = message(
        to=["Zoë Ünïcode <bob@remote.test>"],
        bcc=["hidden@remote.test"],
        reply_to="Help <help@example.test>",
        subject="Your receipt \u2013 №42",
        text="Thanks.\nLine two é",
        html="<p>Thanks.</p>",
        headers={"X-Campaign": "spring", "List-Unsubscribe": "<https://example.test/u>"},
        attachments=[
            {"filename": "résumé.pdf", "content_type": "application/pdf", "content": attachment}
        ],
    )
    answer = (await client.post(URL, json=body, headers=keys.auth("root"))).json()
    mail = await parsed(services, answer["id"])
    assert mail["From"] == "Root <root@example.test>"
    assert mail["To"] == "Zoë Ünïcode <bob@remote.test>"
    assert mail["Reply-To"] == "Help <help@example.test>"
    assert mail["Subject"] == "Your receipt \u2013 №42"
    assert mail["Message-ID"] == f"<{answer['id']}@example.test>"
    assert mail["MIME-Version"] == "1.0" and mail["Date"] is not None
    assert mail["X-Campaign"] == "spring" and mail["Bcc"] is None
    assert mail.get_content_type() == "multipart/mixed"
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None and lines(text) == "Thanks.\nLine two é\n"
    assert html is not None and lines(html) == "<p>Thanks.</p>\n"
    (file,) = list(mail.iter_attachments())
    assert file.get_filename() == "résumé.pdf" and file.get_content() == b"%PDF-1.4 fake"
    raw = await queued_bytes(services, answer["id"])
    assert b"hidden@remote.test" not in raw
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))


async def test_html_only_gets_a_text_part(
    client: httpx.AsyncClient, services: Services, keys: SendKeys
) -> None:
    """A message with HTML only is sent with a readable text part, links kept."""
    html = '<h1>Hi</h1><p>Confirm <a href="https://example.test/c?t=1">here</a>.</p>'
    body = message(text=None, html=html)
    answer = (await client.post(URL, json=body, headers=keys.auth("root"))).json()
    text = (await parsed(services, answer["id"])).get_body(("plain",))
    assert text is not None
    assert lines(text) == "Hi\n\nConfirm here (https://example.test/c?t=1).\n"


async def test_admin_key_is_refused_on_messages(client: httpx.AsyncClient, world: World) -> None:
    """An admin-scope key gets 403 on every /messages operation."""
    for response in (
        await client.post(URL, json=message(), headers=world.auth("root")),
        await client.post(
            f"{URL}/batch", json={"messages": [message()]}, headers=world.auth("root")
        ),
        await client.get(URL, headers=world.auth("root")),
        await client.get(f"{URL}/{'0' * 32}", headers=world.auth("root")),
    ):
        assert_problem(response, 403, "permission-denied")


async def test_no_key_is_unauthorized(client: httpx.AsyncClient) -> None:
    """Without a key the answer is 401 with a Bearer challenge."""
    response = await client.post(URL, json=message())
    assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("key", "sender", "status"),
    [
        ("limited", "root@example.test", 403),
        ("limited", "root@other.test", 202),
        ("dom", "dom@example.test", 202),
        ("dom", "dom2@other.test", 403),
        ("root", "anyone@other.test", 202),
    ],
)
async def test_send_key_is_bounded_to_its_domains(
    client: httpx.AsyncClient, keys: SendKeys, key: str, sender: str, status: int
) -> None:
    """The From domain must be in the key's own domains, else in its admin's scope."""
    response = await client.post(URL, json=message(**{"from": sender}), headers=keys.auth(key))
    if status == 202:
        assert response.status_code == 202, response.text
    else:
        assert_problem(response, status, "permission-denied")


async def test_sender_domain_must_be_hosted(client: httpx.AsyncClient, keys: SendKeys) -> None:
    """A From domain not hosted here is refused on the from field."""
    response = await client.post(
        URL, json=message(**{"from": "x@elsewhere.test"}), headers=keys.auth("root")
    )
    problem = assert_problem(response, 422, "invalid-input")
    assert "from" in field_errors(problem)


async def test_invalid_message_names_every_field(client: httpx.AsyncClient, keys: SendKeys) -> None:
    """Every problem of a message is reported at once, by field."""
    body = message(
        to=["not-an-address", "ok@remote.test"],
        cc=["also bad"],
        subject=None,
        tags=["fine", "no spaces"],
        metadata={"bad key!": 1},
        attachments=[{"filename": "a.txt", "content_type": "text", "content": "aGk="}],
    )
    response = await client.post(URL, json=body, headers=keys.auth("root"))
    problem = assert_problem(response, 422, "invalid-input")
    assert set(field_errors(problem)) >= {
        "to.0",
        "cc.0",
        "subject",
        "tags.1",
        "metadata.bad key!",
        "attachments.0.content_type",
    }


@pytest.mark.parametrize(
    "name",
    [
        "From",
        "to",
        "Bcc",
        "Date",
        "Message-ID",
        "Received",
        "DKIM-Signature",
        "Return-Path",
        "Sender",
        "Content-Type",
        "Resent-From",
        "MIME-Version",
    ],
)
async def test_reserved_headers_are_refused(
    client: httpx.AsyncClient, keys: SendKeys, name: str
) -> None:
    """Headers Mailwright writes or that prove origin cannot be given."""
    body = message(headers={name: "x"})
    problem = assert_problem(
        await client.post(URL, json=body, headers=keys.auth("root")), 422, "invalid-input"
    )
    assert f"headers.{name}" in field_errors(problem)


@pytest.mark.parametrize(
    "fields",
    [
        {"headers": {"X-Note": "a\r\nBcc: victim@remote.test"}},
        {"headers": {"X Bad": "a"}},
        {"subject": "Hi\r\nBcc: victim@remote.test"},
        {"to": ["Bob\r\n <bob@remote.test>"]},
        {"from": "Root\n <root@example.test>"},
    ],
)
async def test_line_breaks_cannot_inject_headers(
    client: httpx.AsyncClient, keys: SendKeys, fields: dict[str, object]
) -> None:
    """CR or LF in any header-bound value is refused, never written."""
    response = await client.post(URL, json=message(**fields), headers=keys.auth("root"))
    assert_problem(response, 422, "invalid-input")


async def test_schema_violations_are_validation_problems(
    client: httpx.AsyncClient, keys: SendKeys
) -> None:
    """Unknown fields, wrong types and bad base64 are 422 with the field named."""
    cases = [
        (message(colour="red"), "colour", "validation"),
        (message(to="bob@remote.test"), "to", "validation"),
        (message(template_version=0, template="x"), "template_version", "validation"),
        (
            message(attachments=[{"filename": "a", "content": "***"}]),
            "attachments.0.content",
            "invalid-input",
        ),
    ]
    for body, field, kind in cases:
        response = await client.post(URL, json=body, headers=keys.auth("root"))
        assert field in field_errors(assert_problem(response, 422, kind)), body
    surrogate = b'{"from": "root@example.test", "to": ["b@remote.test"], "subject": "\\ud800"}'
    response = await client.post(
        URL, content=surrogate, headers=keys.auth("root", **{"Content-Type": "application/json"})
    )
    assert_problem(response, 422, "validation")


async def test_template_and_literal_content_exclude_each_other(
    client: httpx.AsyncClient, keys: SendKeys
) -> None:
    """A template with a subject given too is refused; variables need a template."""
    both = await client.post(URL, json=message(template="welcome"), headers=keys.auth("root"))
    assert {"subject", "text"} <= set(field_errors(assert_problem(both, 422, "invalid-input")))
    loose = await client.post(URL, json=message(variables={"a": 1}), headers=keys.auth("root"))
    assert "variables" in field_errors(assert_problem(loose, 422, "invalid-input"))


async def test_idempotency_same_body_gets_the_same_answer(
    client: httpx.AsyncClient, services: Services, keys: SendKeys
) -> None:
    """A retried request with the same key and body answers the same and queues nothing."""
    headers = keys.auth("root", **{"Idempotency-Key": "order-42"})
    first = await client.post(URL, json=message(), headers=headers)
    second = await client.post(URL, json=message(), headers=headers)
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()
    async with services.database.snapshot() as tx:
        listed = await tx.outbound.list_messages(limit=10)
    assert [m.id for m in listed] == [first.json()["id"]]


async def test_idempotency_other_body_is_a_conflict(
    client: httpx.AsyncClient, keys: SendKeys
) -> None:
    """The same key with another body is a 409; another API key may use the same key."""
    headers = keys.auth("root", **{"Idempotency-Key": "order-42"})
    assert (await client.post(URL, json=message(), headers=headers)).status_code == 202
    other = await client.post(URL, json=message(subject="Changed"), headers=headers)
    assert_problem(other, 409, "conflict")
    batch = await client.post(f"{URL}/batch", json={"messages": [message()]}, headers=headers)
    assert_problem(batch, 409, "conflict")
    elsewhere = keys.auth("dom", **{"Idempotency-Key": "order-42"})
    body = message(**{"from": "dom@example.test"})
    assert (await client.post(URL, json=body, headers=elsewhere)).status_code == 202


async def test_idempotency_keys_expire(
    client: httpx.AsyncClient, keys: SendKeys, clock: FakeClock
) -> None:
    """After the keep time the same key makes a new message."""
    headers = keys.auth("root", **{"Idempotency-Key": "k1"})
    first = (await client.post(URL, json=message(), headers=headers)).json()
    clock.advance(hours=24, seconds=1)
    again = await client.post(URL, json=message(subject="New"), headers=headers)
    assert again.status_code == 202 and again.json()["id"] != first["id"]


async def test_refused_request_is_not_remembered(client: httpx.AsyncClient, keys: SendKeys) -> None:
    """An invalid request under a key may be corrected and sent under the same key."""
    headers = keys.auth("root", **{"Idempotency-Key": "fix-me"})
    bad = await client.post(URL, json=message(to=["nobody"]), headers=headers)
    assert_problem(bad, 422, "invalid-input")
    assert (await client.post(URL, json=message(), headers=headers)).status_code == 202
    bad_key = keys.auth("root", **{"Idempotency-Key": "k" * 256})
    assert (await client.post(URL, json=message(), headers=bad_key)).status_code == 422


async def test_batch_answers_each_message(
    client: httpx.AsyncClient, services: Services, keys: SendKeys
) -> None:
    """Valid messages are queued; schema and value errors are reported per message."""
    messages = [
        message(to=["a@remote.test"]),
        {"to": ["b@remote.test"], "subject": "No sender", "text": "x"},
        message(to=["not an address"]),
        message(**{"from": "dom2@other.test"}),
        message(to=["c@remote.test"], tags=["batch"]),
    ]
    response = await client.post(
        f"{URL}/batch", json={"messages": messages}, headers=keys.auth("limited")
    )
    assert response.status_code == 202, response.text
    answer = response.json()
    assert (answer["accepted"], answer["rejected"]) == (1, 4)
    response = await client.post(
        f"{URL}/batch", json={"messages": messages}, headers=keys.auth("root")
    )
    answer = response.json()
    assert (answer["accepted"], answer["rejected"]) == (3, 2)
    statuses = [(r["index"], r["status"]) for r in answer["results"]]
    assert statuses == [(0, 202), (1, 422), (2, 422), (3, 202), (4, 202)]
    assert answer["results"][1]["error"]["type"].endswith("/validation")
    assert "from" in {e["field"] for e in answer["results"][1]["error"]["errors"]}
    assert answer["results"][2]["error"]["type"].endswith("/invalid-input")
    ids = [r["message"]["id"] for r in answer["results"] if r["message"]]
    for message_id in ids:
        assert (await event_kinds(services, message_id))[0][1] is EventKind.QUEUED


async def test_batch_with_idempotency_replays_refusals_too(
    client: httpx.AsyncClient, keys: SendKeys
) -> None:
    """A replayed batch answers exactly as the first time, refusals included."""
    headers = keys.auth("root", **{"Idempotency-Key": "batch-1"})
    body = {"messages": [message(), {"from": "x"}, message(to=["nobody"])]}
    first = await client.post(f"{URL}/batch", json=body, headers=headers)
    second = await client.post(f"{URL}/batch", json=body, headers=headers)
    assert first.status_code == 202 and first.json() == second.json()


async def test_batch_bounds(client: httpx.AsyncClient, keys: SendKeys) -> None:
    """An empty batch, or one over max_batch (500), is refused whole."""
    empty = await client.post(f"{URL}/batch", json={"messages": []}, headers=keys.auth("root"))
    assert_problem(empty, 422, "validation")
    many = {"messages": [message()] * 501}
    over = await client.post(f"{URL}/batch", json=many, headers=keys.auth("root"))
    assert "messages" in field_errors(assert_problem(over, 422, "invalid-input"))


async def test_sandbox_key_records_but_never_delivers(
    client: httpx.AsyncClient, services: Services, keys: SendKeys
) -> None:
    """Sandboxed recipients are recorded with events but no worker ever claims them."""
    answer = (await client.post(URL, json=message(), headers=keys.auth("sandbox"))).json()
    assert answer["sandbox"] is True
    assert [r["status"] for r in answer["recipients"]] == ["sandboxed"]
    assert await event_kinds(services, answer["id"]) == [("bob@remote.test", EventKind.QUEUED)]
    assert await services.outbound.claim("test-worker", 100) == []
    async with services.database.snapshot() as tx:
        assert await tx.usage.list_rows(api_key_prefix=keys.prefixes["sandbox"]) == []
    trace = (await client.get(f"{URL}/{answer['id']}", headers=keys.auth("sandbox"))).json()
    assert trace["sandbox"] is True and trace["recipients"][0]["status"] == "sandboxed"


async def test_suppressed_recipients_are_never_queued_for_delivery(
    client: httpx.AsyncClient, services: Services, keys: SendKeys, operator: Actor
) -> None:
    """A suppressed address gets a suppressed event and status; the others are queued."""
    await services.suppressions.add(SendingCaller(operator), "Gone@Remote.test", "left")
    body = message(to=["gone@remote.test", "bob@remote.test"])
    answer = (await client.post(URL, json=body, headers=keys.auth("root"))).json()
    assert [(r["address"], r["status"]) for r in answer["recipients"]] == [
        ("gone@remote.test", "suppressed"),
        ("bob@remote.test", "queued"),
    ]
    assert await event_kinds(services, answer["id"]) == [
        ("gone@remote.test", EventKind.SUPPRESSED),
        ("bob@remote.test", EventKind.QUEUED),
    ]
    claimed = await services.outbound.claim("test-worker", 100)
    assert [c.recipient for c in claimed] == ["bob@remote.test"]
    async with services.database.snapshot() as tx:
        entry = await tx.suppressions.find("gone@remote.test")
    assert entry is not None and entry.reason is SuppressionReason.MANUAL


async def test_trace_shows_recipients_and_events(
    client: httpx.AsyncClient, services: Services, keys: SendKeys
) -> None:
    """GET /messages/{id} shows sender, subject, tags, metadata and every event."""
    body = message(tags=["receipt"], metadata={"order": "A-1", "paid": True})
    sent = (await client.post(URL, json=body, headers=keys.auth("root"))).json()
    response = await client.get(f"{URL}/{sent['id']}", headers=keys.auth("root"))
    assert response.status_code == 200
    trace = response.json()
    assert (trace["from"], trace["subject"], trace["domain"]) == (
        "root@example.test",
        "Welcome",
        "example.test",
    )
    assert trace["tags"] == ["receipt"] and trace["metadata"] == {"order": "A-1", "paid": True}
    assert trace["recipients"][0]["status"] == RecipientStatus.QUEUED.value
    assert [(e["recipient"], e["kind"]) for e in trace["events"]] == [("bob@remote.test", "queued")]


async def test_a_key_sees_only_its_own_messages(client: httpx.AsyncClient, keys: SendKeys) -> None:
    """Another key's message is not found, and not listed."""
    sent = (await client.post(URL, json=message(), headers=keys.auth("root"))).json()
    other = await client.get(f"{URL}/{sent['id']}", headers=keys.auth("limited"))
    assert_problem(other, 404, "not-found")
    listed = await client.get(URL, headers=keys.auth("limited"))
    assert listed.json() == {"items": [], "next_cursor": None}
    missing = await client.get(f"{URL}/{'f' * 32}", headers=keys.auth("root"))
    assert_problem(missing, 404, "not-found")


async def test_list_filters_and_pages(
    client: httpx.AsyncClient,
    keys: SendKeys,
    clock: FakeClock,
    operator: Actor,
    services: Services,
) -> None:
    """Filters by tag, recipient, status and time; the cursor pages without repeats."""
    await services.suppressions.add(SendingCaller(operator), "gone@remote.test")
    ids = []
    for n in range(5):
        tags = ["even"] if n % 2 == 0 else ["odd"]
        to = ["gone@remote.test"] if n == 3 else [f"user{n}@remote.test"]
        body = message(to=to, tags=tags)
        ids.append((await client.post(URL, json=body, headers=keys.auth("root"))).json()["id"])
        clock.advance(60)
    newest_first = list(reversed(ids))

    async def listed(**params: str | int) -> list[str]:
        response = await client.get(URL, params=params, headers=keys.auth("root"))
        assert response.status_code == 200, response.text
        return [m["id"] for m in response.json()["items"]]

    assert await listed() == newest_first
    assert await listed(tag="even") == [ids[4], ids[2], ids[0]]
    assert await listed(recipient="User1@remote.test") == [ids[1]]
    assert await listed(status="suppressed") == [ids[3]]
    assert await listed(since="2026-01-05T09:02:00Z") == [ids[4], ids[3], ids[2]]
    first = await client.get(URL, params={"limit": 2, "tag": "even"}, headers=keys.auth("root"))
    page = first.json()
    assert [m["id"] for m in page["items"]] == [ids[4], ids[2]]
    rest = await client.get(
        URL,
        params={"limit": 2, "tag": "even", "cursor": page["next_cursor"]},
        headers=keys.auth("root"),
    )
    assert [m["id"] for m in rest.json()["items"]] == [ids[0]]
    assert rest.json()["next_cursor"] is None
    wrong = await client.get(
        URL, params={"tag": "odd", "cursor": page["next_cursor"]}, headers=keys.auth("root")
    )
    assert "cursor" in field_errors(assert_problem(wrong, 422, "invalid-input"))
