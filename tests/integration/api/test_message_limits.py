"""The ``[sending]`` bounds: attachment bytes, recipients, batch size, request body size."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest

from mailwright.bootstrap import prepare_data_dir
from mailwright.config import Settings
from tests.conftest import make_settings
from tests.integration.api.sending_world import message
from tests.integration.api.world import World, assert_problem, field_errors

URL = "/api/v1/messages"
LIMITS = {"max_attachment_bytes": 2048, "max_recipients": 3, "max_batch": 4}


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """The test settings with small sending limits."""
    result = make_settings(tmp_path / "data", database_url, sending=LIMITS)
    prepare_data_dir(result, hostname="mail.example.test")
    return result


def attachment(size: int, name: str = "a.bin") -> dict[str, str]:
    """An attachment of ``size`` bytes."""
    return {"filename": name, "content": base64.b64encode(b"x" * size).decode()}


async def test_attachments_are_limited_together(client: httpx.AsyncClient, world: World) -> None:
    """Attachments up to max_attachment_bytes in all are accepted; one byte more is not."""
    fits = message(attachments=[attachment(1024), attachment(1024, "b.bin")])
    assert (await client.post(URL, json=fits, headers=world.auth("send"))).status_code == 202
    over = message(attachments=[attachment(1024), attachment(1025, "b.bin")])
    response = await client.post(URL, json=over, headers=world.auth("send"))
    problem = assert_problem(response, 422, "invalid-input")
    assert "2048" in field_errors(problem)["attachments"]


async def test_recipients_are_limited(client: httpx.AsyncClient, world: World) -> None:
    """To, cc and bcc together may hold max_recipients addresses."""
    ok = message(to=["a@remote.test"], cc=["b@remote.test"], bcc=["c@remote.test"])
    assert (await client.post(URL, json=ok, headers=world.auth("send"))).status_code == 202
    over = message(
        to=["a@remote.test", "d@remote.test"], cc=["b@remote.test"], bcc=["c@remote.test"]
    )
    response = await client.post(URL, json=over, headers=world.auth("send"))
    assert "at most 3" in field_errors(assert_problem(response, 422, "invalid-input"))["to"]
    empty = await client.post(URL, json=message(to=[]), headers=world.auth("send"))
    assert "to" in field_errors(assert_problem(empty, 422, "invalid-input"))


async def test_batch_is_limited(client: httpx.AsyncClient, world: World) -> None:
    """A batch holds at most max_batch messages."""
    over = {"messages": [message()] * 5}
    response = await client.post(f"{URL}/batch", json=over, headers=world.auth("send"))
    assert "1 to 4" in field_errors(assert_problem(response, 422, "invalid-input"))["messages"]


async def test_request_body_is_limited(client: httpx.AsyncClient, world: World) -> None:
    """A body above the limit is refused with 413 before it is read whole."""
    huge = b'{"from": "' + b"x" * (9 * 1024 * 1024) + b'"}'
    response = await client.post(
        URL, content=huge, headers={**world.auth("send"), "Content-Type": "application/json"}
    )
    assert_problem(response, 413, "request-too-large")

    async def chunks() -> object:
        for _ in range(10):
            yield b" " * (1024 * 1024)

    streamed = await client.post(
        URL, content=chunks(), headers={**world.auth("send"), "Content-Type": "application/json"}
    )
    assert_problem(streamed, 413, "request-too-large")
