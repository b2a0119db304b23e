"""Settings: TOML plus MAILWRIGHT_* overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailwright.config import load_settings, render_config, resolve_data_dir
from mailwright.model.errors import ConfigurationError


def test_defaults_without_a_file(tmp_path: Path) -> None:
    """With no file, the documented defaults apply and SQLite lives in the data directory."""
    settings = load_settings(tmp_path, environ={})
    assert settings.http.port == 8080
    assert settings.smtp.inbound_port == 2525
    assert settings.imap.imaps_port == 2993
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'mailwright.db'}"


def test_file_then_environment(tmp_path: Path) -> None:
    """The TOML file sets values; MAILWRIGHT_<SECTION>_<KEY> overrides them."""
    (tmp_path / "mailwright.toml").write_text(render_config(hostname="mail.example.test"))
    env = {
        "MAILWRIGHT_HTTP_PORT": "9000",
        "MAILWRIGHT_DATABASE_URL": "postgresql+asyncpg://u@127.0.0.1/db",
        "MAILWRIGHT_SMTP_MAX_MESSAGE_SIZE": "2048",
        "MAILWRIGHT_DELIVERY_ROUTES": '{"example.net": "127.0.0.1:2525"}',
        "MAILWRIGHT_DATA_DIR": "/ignored",
        "MAILWRIGHT_TEST_POSTGRES_URL": "ignored: not a settings section",
    }
    settings = load_settings(tmp_path, environ=env)
    assert settings.server.hostname == "mail.example.test"
    assert settings.http.port == 9000
    assert settings.smtp.max_message_size == 2048
    assert settings.database_url.startswith("postgresql+asyncpg://")
    assert settings.delivery.routes == {"example.net": "127.0.0.1:2525"}


def test_unknown_key_and_bad_value_are_named(tmp_path: Path) -> None:
    """A typo or out-of-range value is refused, naming the setting."""
    with pytest.raises(ConfigurationError, match=r"smtp\.prot"):
        load_settings(tmp_path, environ={"MAILWRIGHT_SMTP_PROT": "25"})
    with pytest.raises(ConfigurationError, match=r"http\.port"):
        load_settings(tmp_path, environ={"MAILWRIGHT_HTTP_PORT": "99999"})


def test_invalid_toml_is_reported(tmp_path: Path) -> None:
    """A broken file gives a ConfigurationError with the parser's message."""
    (tmp_path / "mailwright.toml").write_text("[http\nport=1")
    with pytest.raises(ConfigurationError, match="not valid TOML"):
        load_settings(tmp_path, environ={})


def test_data_dir_resolution(tmp_path: Path) -> None:
    """--data-dir beats MAILWRIGHT_DATA_DIR beats ./mailwright-data."""
    assert resolve_data_dir(tmp_path, {"MAILWRIGHT_DATA_DIR": "/x"}) == tmp_path
    assert resolve_data_dir(None, {"MAILWRIGHT_DATA_DIR": str(tmp_path)}) == tmp_path
    assert resolve_data_dir(None, {}).name == "mailwright-data"
