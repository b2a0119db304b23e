"""argon2id hashing in Dovecot's format."""

from __future__ import annotations

import asyncio

from mailwright.security.hashing_pool import HashingPool
from mailwright.security.passwords import Argon2Parameters, PasswordHasher, is_password_hash

CHEAP = Argon2Parameters(memory_kib=64, time_cost=1)


def test_hash_uses_dovecot_argon2id_format() -> None:
    """The stored string names its scheme and parameters like Dovecot's doveadm pw."""
    stored = PasswordHasher(CHEAP).hash("correct horse")
    assert stored.startswith("{ARGON2ID}$argon2id$v=19$m=64,t=1,p=1$")
    assert is_password_hash(stored)


def test_truncated_or_mangled_hashes_are_not_hashes() -> None:
    """Only a whole hash string counts: a CSV field cut at the first comma is refused."""
    stored = PasswordHasher(CHEAP).hash("correct horse")
    assert not is_password_hash(stored.split(",")[0])
    assert not is_password_hash(stored + "$extra")
    assert not is_password_hash(stored.replace("{ARGON2ID}", "{SHA512-CRYPT}"))
    assert not is_password_hash(stored[: stored.rindex("$")])


def test_default_parameters_are_owasp() -> None:
    """The default cost is OWASP's argon2id recommendation."""
    assert Argon2Parameters() == Argon2Parameters(memory_kib=19456, time_cost=2, parallelism=1)


def test_verify_accepts_right_and_refuses_wrong_password() -> None:
    """verify is True only for the password that was hashed."""
    hasher = PasswordHasher(CHEAP)
    stored = hasher.hash("correct horse")
    assert hasher.verify(stored, "correct horse")
    assert not hasher.verify(stored, "correct horsE")


def test_unknown_scheme_fails_closed() -> None:
    """A hash in an unknown or malformed scheme never verifies."""
    hasher = PasswordHasher(CHEAP)
    assert not hasher.verify("{PLAIN}secret", "secret")
    assert not hasher.verify("secret", "secret")
    assert not hasher.verify("{ARGON2ID}$argon2id$garbage", "secret")


def test_needs_rehash_when_parameters_change() -> None:
    """A hash made with other parameters is flagged for rehashing."""
    old = PasswordHasher(CHEAP).hash("pw")
    newer = PasswordHasher(Argon2Parameters(memory_kib=128, time_cost=1))
    assert newer.needs_rehash(old)
    assert not newer.needs_rehash(newer.hash("pw"))
    assert newer.verify(old, "pw")


def test_reads_dovecot_generated_hash() -> None:
    """A hash as `doveadm pw -s ARGON2ID` writes it verifies (same PHC string)."""
    hasher = PasswordHasher(CHEAP)
    phc = hasher.hash("dovecot")[len("{ARGON2ID}") :]
    assert hasher.verify("{ARGON2ID}" + phc, "dovecot")


async def test_pool_hashes_off_the_event_loop() -> None:
    """The pool hashes many passwords concurrently while the loop stays responsive."""
    pool = HashingPool(PasswordHasher(CHEAP), workers=2)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    hashes = await pool.hash_many([f"pw{i}" for i in range(20)])
    task.cancel()
    assert ticks > 0
    assert all(await asyncio.gather(*(pool.verify(h, f"pw{i}") for i, h in enumerate(hashes))))
    pool.close()
