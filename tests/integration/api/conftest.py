"""Fixtures of the REST API tests: the whole HTTP application over real services, a client
speaking to it in-process, and the world of domains, admins and keys."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from mailwright.config import Settings
from mailwright.model.actors import Actor
from mailwright.services.container import Services
from mailwright.web.app import create_app
from tests.integration.api.world import World, build_world


@pytest.fixture
async def client(services: Services, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the full application (``create_app``), from 127.0.0.1."""
    app = create_app(services, settings)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://mail.example.test") as c:
        yield c


@pytest.fixture
async def world(services: Services, operator: Actor) -> World:
    """Domains, mailboxes, one admin of each role and their keys (see ``World``)."""
    return await build_world(services, operator)
