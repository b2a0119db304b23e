"""authenticate(): outcomes, throttling, enumeration resistance and rehashing."""

from __future__ import annotations

from mailwright.bootstrap import build_services
from mailwright.config import SecuritySettings, Settings
from mailwright.model.actors import Actor
from mailwright.model.authentication import AuthOutcome, LoginProtocol
from mailwright.services.container import Services
from mailwright.testing.clock import FakeClock
from tests.values import STRONG

IMAP = LoginProtocol.IMAP


async def _mailbox(
    services: Services, operator: Actor, address: str = "alice@example.test"
) -> None:
    if not await services.domains.list_domains(operator):
        await services.domains.add(operator, "example.test")
    await services.mailboxes.create(operator, address, STRONG)


async def test_correct_password_is_ok_and_records_login(
    services: Services, operator: Actor, clock: FakeClock
) -> None:
    """A correct password answers OK with the mailbox, and stamps the last IMAP login."""
    await _mailbox(services, operator)
    result = await services.authenticator.authenticate(
        "Alice@Example.test", STRONG, IMAP, "10.0.0.1"
    )
    assert result.outcome is AuthOutcome.OK and result.mailbox is not None
    mailbox = await services.mailboxes.get(operator, "alice@example.test")
    assert mailbox.last_imap_login_at == clock.now()
    assert mailbox.last_smtp_login_at is None


async def test_wrong_password_and_unknown_address_look_alike(
    services: Services, operator: Actor
) -> None:
    """Wrong password and unknown address both answer BAD_CREDENTIALS without a mailbox."""
    await _mailbox(services, operator)
    wrong = await services.authenticator.authenticate(
        "alice@example.test", "nope", IMAP, "10.0.0.1"
    )
    unknown = await services.authenticator.authenticate(
        "bob@example.test", STRONG, IMAP, "10.0.0.2"
    )
    garbage = await services.authenticator.authenticate("not an address", STRONG, IMAP, "10.0.0.3")
    assert wrong == unknown == garbage
    assert wrong.outcome is AuthOutcome.BAD_CREDENTIALS and wrong.mailbox is None


async def test_must_change_and_disabled_only_for_correct_password(
    services: Services, operator: Actor
) -> None:
    """MUST_CHANGE and DISABLED are answered only to someone who knows the password."""
    await _mailbox(services, operator)
    await services.passwords.reset_password(
        operator, "alice@example.test", STRONG + "x", must_change=True, reason="", notify=False
    )
    auth = services.authenticator
    assert (
        await auth.authenticate("alice@example.test", STRONG + "x", IMAP, "s")
    ).outcome is AuthOutcome.MUST_CHANGE
    await services.mailboxes.set_disabled(operator, "alice@example.test", True)
    assert (
        await auth.authenticate("alice@example.test", STRONG + "x", IMAP, "s")
    ).outcome is AuthOutcome.DISABLED
    assert (
        await auth.authenticate("alice@example.test", "wrong", IMAP, "s")
    ).outcome is AuthOutcome.BAD_CREDENTIALS


async def test_address_throttle_locks_and_grows(
    services: Services, operator: Actor, clock: FakeClock
) -> None:
    """After the free attempts each failure locks longer; while locked even the right password
    is THROTTLED; after the lock it works and clears the counter."""
    await _mailbox(services, operator)
    auth = services.authenticator
    for _ in range(5):
        assert (
            await auth.authenticate("alice@example.test", "bad", IMAP, f"s{_}")
        ).outcome is AuthOutcome.BAD_CREDENTIALS
    await auth.authenticate("alice@example.test", "bad", IMAP, "s6")
    locked = await auth.authenticate("alice@example.test", STRONG, IMAP, "s7")
    assert locked.outcome is AuthOutcome.THROTTLED and locked.mailbox is None
    assert 0 < locked.retry_after <= 1.0
    clock.advance(1.1)
    await auth.authenticate("alice@example.test", "bad", IMAP, "s8")
    second = await auth.authenticate("alice@example.test", STRONG, IMAP, "s9")
    assert second.outcome is AuthOutcome.THROTTLED and 1.0 < second.retry_after <= 2.0
    clock.advance(2.1)
    assert (await auth.authenticate("alice@example.test", STRONG, IMAP, "s10")).ok
    details = await services.mailboxes.details(operator, "alice@example.test")
    assert details.failed_logins == 0


async def test_unknown_address_is_throttled_like_a_real_one(
    services: Services, operator: Actor
) -> None:
    """Locks apply to addresses that do not exist, so THROTTLED reveals nothing."""
    await _mailbox(services, operator)
    for i in range(6):
        await services.authenticator.authenticate("ghost@example.test", "bad", IMAP, f"s{i}")
    result = await services.authenticator.authenticate("ghost@example.test", "bad", IMAP, "sx")
    assert result.outcome is AuthOutcome.THROTTLED


async def test_source_throttle_spans_addresses(services: Services, operator: Actor) -> None:
    """One source guessing many addresses gets locked out, for every address."""
    await _mailbox(services, operator)
    for i in range(20):
        await services.authenticator.authenticate(f"u{i}@example.test", "bad", IMAP, "192.0.2.9")
    await services.authenticator.authenticate("u99@example.test", "bad", IMAP, "192.0.2.9")
    result = await services.authenticator.authenticate(
        "alice@example.test", STRONG, IMAP, "192.0.2.9"
    )
    assert result.outcome is AuthOutcome.THROTTLED
    other = await services.authenticator.authenticate(
        "alice@example.test", STRONG, IMAP, "192.0.2.10"
    )
    assert other.ok


async def test_rehash_on_login_when_parameters_change(
    services: Services, operator: Actor, settings: Settings, clock: FakeClock
) -> None:
    """A hash made with old parameters is replaced at the next successful login."""
    await _mailbox(services, operator)
    old_hash = (await services.mailboxes.get(operator, "alice@example.test")).password_hash
    stronger = settings.model_copy(
        update={"security": SecuritySettings(argon2_memory_kib=128, argon2_time_cost=1)}
    )
    upgraded = build_services(stronger, services.database, services.secret, clock)  # type: ignore[arg-type]
    assert (await upgraded.authenticator.authenticate("alice@example.test", STRONG, IMAP, "s")).ok
    new_hash = (await services.mailboxes.get(operator, "alice@example.test")).password_hash
    upgraded.hashing.close()
    assert new_hash != old_hash and "m=128" in new_hash
    assert (await services.authenticator.authenticate("alice@example.test", STRONG, IMAP, "s")).ok
