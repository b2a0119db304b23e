"""Property-based run of every operation against the API's own OpenAPI document (schemathesis).

For each operation, schemathesis generates requests from the document (valid ones, then
invalid ones) and each answer must be no server error and conform to the document: a
documented status, a documented content type, a body matching the documented schema.

Bounded (about a minute for all operations): few examples per operation, derandomized (the
same examples every run, so CI is stable), SQLite only. The requests go in-process through
httpx's ASGI transport on one event loop that also owns the database connections
(schemathesis's own ASGI client would run the app on another loop).
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from mailwright.bootstrap import open_services
from mailwright.config import Settings
from mailwright.model.actors import Actor
from mailwright.testing.clock import FakeClock
from mailwright.web.app import create_app
from tests.integration.api.world import OPERATIONS, build_world

BASE_URL = "http://mail.example.test"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = {GenerationMode.POSITIVE: 15, GenerationMode.NEGATIVE: 8}

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


class _Api:
    """The application over real services, on an event loop this test owns."""

    def __init__(
        self, runner: asyncio.Runner, client: httpx.AsyncClient, key: str, send_key: str
    ) -> None:
        self.runner = runner
        self.client = client
        self.key = key
        self.send_key = send_key

    def send(self, case: schemathesis.Case) -> httpx.Response:
        """Send a generated case as a real HTTP request (with the global admin's key)."""
        kwargs: dict[str, Any] = case.as_transport_kwargs(base_url=BASE_URL + "/api/v1")
        # The sending API takes send keys (the global admin's); everything else admin keys.
        key = self.send_key if case.path.startswith("/messages") else self.key
        headers = {**kwargs["headers"], "Authorization": f"Bearer {key}"}
        content = kwargs.get("data")
        if "json" in kwargs:
            content = json.dumps(kwargs["json"]).encode()
        request = self.client.build_request(
            kwargs["method"],
            kwargs["url"],
            params=kwargs.get("params"),
            headers=headers,
            content=content,
        )
        return self.runner.run(self.client.send(request))


@pytest.fixture
def api(settings: Settings, clock: FakeClock) -> Iterator[_Api]:
    """The world of the other API tests, served on a loop of our own."""
    with asyncio.Runner() as runner:
        stack = AsyncExitStack()
        try:
            services = runner.run(stack.enter_async_context(open_services(settings, clock=clock)))
            world = runner.run(build_world(services, Actor.operator("schemathesis")))
            transport = httpx.ASGITransport(app=create_app(services, settings))
            client = runner.run(
                stack.enter_async_context(httpx.AsyncClient(transport=transport, base_url=BASE_URL))
            )
            yield _Api(runner, client, world.keys["root"], world.keys["send"])
        finally:
            runner.run(stack.aclose())


@functools.cache
def _schema(document: str) -> OpenApiSchema:
    # Loading a schema costs seconds; the document is the same in every test.
    return schemathesis.openapi.from_dict(json.loads(document))


def _check(api: _Api, mode: GenerationMode, path: str, method: str) -> Callable[[], None]:
    document = api.runner.run(api.client.get("/api/v1/openapi.json")).text
    operation = _schema(document)[path][method.upper()]

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case) -> None:
        case.validate_response(api.send(case), checks=CHECKS)

    return check


@pytest.mark.parametrize("mode", list(EXAMPLES), ids=lambda m: m.value)
@pytest.mark.parametrize(
    ("path", "method"), sorted(OPERATIONS), ids=[f"{m} {p}" for p, m in sorted(OPERATIONS)]
)
def test_operation_conforms_to_the_document(
    api: _Api, mode: GenerationMode, path: str, method: str
) -> None:
    """Generated requests never get a server error and every answer is as documented."""
    _check(api, mode, path, method)()
