"""The reset over real HTTP on the running platform: the login test uses the live IMAP and
SMTP listeners, so it passes (or meets the intended must-change refusal)."""

from __future__ import annotations

import httpx

from mailwright.model.actors import Actor
from mailwright.platform import Platform
from tests.integration.api.world import World, build_world

NEW = "Copper-Lantern-Mosaic-58"


async def _live(platform: Platform) -> tuple[httpx.AsyncClient, World]:
    world = await build_world(platform.services, Actor.operator("tester"))
    host, port = platform.listeners["http"]
    return httpx.AsyncClient(base_url=f"http://{host}:{port}", timeout=30), world


async def test_reset_is_verified_on_the_live_listeners(platform: Platform) -> None:
    """Both probes log in with the new password, and verify says the old one fails."""
    client, world = await _live(platform)
    async with client:
        response = await client.post(
            "/api/v1/mailboxes/alice@example.test/password",
            json={"password": NEW},
            headers=world.auth("help"),
        )
        assert response.status_code == 200, response.text
        verification = response.json()["verification"]
        assert verification["passed"] is True, verification
        for protocol in ("imap", "smtp"):
            assert verification[protocol]["outcome"] == "accepted"
            assert verification[protocol]["passed"] is True
        old = await client.post(
            "/api/v1/mailboxes/alice@example.test/password/verify",
            json={"password": "Velvet-Harbor-Quartz-71"},
            headers=world.auth("help"),
        )
        assert old.status_code == 200
        assert old.json()["passed"] is False
        assert {old.json()[p]["outcome"] for p in ("imap", "smtp")} == {"refused"}


async def test_must_change_reset_expects_and_meets_the_refusal(platform: Platform) -> None:
    """With must_change the listeners refuse the new password with the must-change answer,
    which is the intended outcome: the test passes."""
    client, world = await _live(platform)
    async with client:
        response = await client.post(
            "/api/v1/mailboxes/alice@example.test/password",
            json={"generate": True, "must_change": True},
            headers=world.auth("root"),
        )
        assert response.status_code == 200, response.text
        verification = response.json()["verification"]
        assert verification["expected_refusal"] is True
        assert verification["passed"] is True, verification
        assert verification["imap"]["outcome"] == "refused"
        assert "[EXPIRED]" in verification["imap"]["reply"]
        assert verification["smtp"]["reply"].startswith("535")
