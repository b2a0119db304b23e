"""Server secret, derived keys, tokens and the login cache."""

from __future__ import annotations

import secrets
import stat
from pathlib import Path

import pytest

from mailwright.model.errors import ConfigurationError
from mailwright.security.login_cache import LoginCache
from mailwright.security.secrets_store import ServerSecret, generate_secret_file
from mailwright.security.tokens import check_token, new_token, token_digest


def test_generated_secret_is_private_and_loads(tmp_path: Path) -> None:
    """init's secret file has mode 0600 and validates."""
    path = tmp_path / "secret.key"
    generate_secret_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(ServerSecret.load(path).derive("sessions")) == 32


@pytest.mark.parametrize("text", ["changeme", "0" * 64, "abc", "secret"])
def test_placeholder_secret_is_refused(text: str) -> None:
    """Startup refuses a placeholder or short secret with a clear message."""
    with pytest.raises(ConfigurationError, match="placeholder or too short"):
        ServerSecret.parse(text)


def test_missing_and_world_readable_secret_are_refused(tmp_path: Path) -> None:
    """A missing secret or one other users can read stops startup."""
    path = tmp_path / "secret.key"
    with pytest.raises(ConfigurationError, match="missing"):
        ServerSecret.load(path)
    generate_secret_file(path)
    path.chmod(0o644)
    with pytest.raises(ConfigurationError, match="readable by other users"):
        ServerSecret.load(path)


def test_keys_differ_per_purpose(tmp_path: Path) -> None:
    """Each purpose gets its own key."""
    secret = ServerSecret.parse(secrets.token_hex(32))
    assert secret.derive("sessions") != secret.derive("reset-tokens")


def test_token_digest_round_trip() -> None:
    """Only the digest is stored; the token checks against it, other tokens do not."""
    key = b"k" * 32
    token = new_token()
    digest = token_digest(key, token)
    assert token not in digest
    assert check_token(key, token, digest)
    assert not check_token(key, new_token(), digest)


def test_login_cache_misses_after_password_change() -> None:
    """A remembered login no longer matches once the stored hash changes."""
    cache = LoginCache(ttl=60)
    cache.remember("{ARGON2ID}old", "pw")
    assert cache.check("{ARGON2ID}old", "pw")
    assert not cache.check("{ARGON2ID}new", "pw")
    assert not cache.check("{ARGON2ID}old", "other")


def test_login_cache_disabled_with_zero_ttl() -> None:
    """ttl=0 turns the cache off."""
    cache = LoginCache(ttl=0)
    cache.remember("h", "pw")
    assert not cache.check("h", "pw")
