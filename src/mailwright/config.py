"""Settings: one TOML file (``mailwright.toml`` in the data directory) plus environment overrides.

``MAILWRIGHT_<SECTION>_<KEY>`` overrides ``[section] key``; for example
``MAILWRIGHT_DATABASE_URL=postgresql+asyncpg://...`` or ``MAILWRIGHT_HTTP_PORT=9000``. Values that
look like JSON objects or lists (``{...}``, ``[...]``) are parsed as JSON. Settings are read once,
in ``bootstrap``, and each component gets only its own section.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mailwright.model.errors import ConfigurationError

CONFIG_FILE = "mailwright.toml"
SECRET_FILE = "secret.key"  # noqa: S105 (a file name, not a secret)
DEFAULT_DATA_DIR = Path("mailwright-data")
ENV_PREFIX = "MAILWRIGHT_"
# Environment variables with the prefix that are not settings.
_NOT_SETTINGS = {"DATA_DIR"}


class Section(BaseModel):
    """Base of every settings section: unknown keys are an error, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerSettings(Section):
    """Who this server is."""

    hostname: str = "localhost"
    """Name used in SMTP banners, Received headers, and client configuration."""


class DatabaseSettings(Section):
    """Where the data lives. Empty ``url``: SQLite in the data directory."""

    url: str = ""
    pool_size: int = Field(default=10, ge=1)
    echo: bool = False


class HttpSettings(Section):
    """The HTTP listener (admin center, account portal, REST API)."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    public_url: str = ""
    """Base URL used in links sent by mail; default ``http://<host>:<port>``."""
    secure_cookies: bool = False
    """Mark cookies Secure; turn on whenever the admin center is reached over HTTPS."""


class SmtpSettings(Section):
    """The SMTP listeners."""

    host: str = "127.0.0.1"
    inbound_port: int = Field(default=2525, ge=0, le=65535)
    submission_port: int = Field(default=2587, ge=0, le=65535)
    submissions_port: int = Field(default=2465, ge=0, le=65535)
    max_message_size: int = Field(default=25 * 1024 * 1024, ge=1024)
    max_recipients: int = Field(default=100, ge=1)


class ImapSettings(Section):
    """The IMAP listeners."""

    host: str = "127.0.0.1"
    port: int = Field(default=2143, ge=0, le=65535)
    imaps_port: int = Field(default=2993, ge=0, le=65535)
    max_connections: int = Field(default=2000, ge=1)
    max_connections_per_source: int = Field(default=200, ge=1)
    login_timeout_seconds: float = Field(default=60.0, gt=0)
    idle_timeout_seconds: float = Field(default=1860.0, ge=1800)
    """RFC 3501 5.4: at least 30 minutes of inactivity before logging a client out."""


class TlsSettings(Section):
    """Certificate and key (PEM); relative paths are inside the data directory."""

    certificate: str = "tls/cert.pem"
    private_key: str = "tls/key.pem"


class SecuritySettings(Section):
    """Hashing cost, password policy and login throttling."""

    argon2_memory_kib: int = Field(default=19456, ge=8)
    argon2_time_cost: int = Field(default=2, ge=1)
    argon2_parallelism: int = Field(default=1, ge=1)
    hashing_threads: int = Field(default=0, ge=0)
    """0: one per CPU."""
    login_cache_seconds: float = Field(default=60.0, ge=0)
    password_min_length: int = Field(default=12, ge=8)
    password_max_length: int = Field(default=256, ge=16, le=4096)
    password_min_score: int = Field(default=3, ge=0, le=4)
    password_history: int = Field(default=5, ge=0, le=24)
    throttle_free_attempts_address: int = Field(default=5, ge=1)
    throttle_free_attempts_source: int = Field(default=20, ge=1)
    throttle_base_lock_seconds: float = Field(default=1.0, ge=0)
    throttle_max_lock_seconds: float = Field(default=900.0, ge=0)
    throttle_forget_seconds: float = Field(default=3600.0, ge=1)
    reset_token_minutes: int = Field(default=30, ge=1)
    """Lifetime of recovery links (forgotten password, recovery-address confirmation)."""
    recovery_requests_per_address: int = Field(default=3, ge=1)
    """Forgotten-password requests accepted per address per hour, whether or not it exists."""
    recovery_requests_per_source: int = Field(default=10, ge=1)
    """Forgotten-password requests accepted per client network address per hour."""


class DeliverySettings(Section):
    """Outbound mail."""

    routes: dict[str, str] = Field(default_factory=dict)
    """``"domain" = "host:port"``: deliver mail for these domains there instead of MX lookup."""
    smarthost: str = ""
    """``host:port`` to send every remote message through (instead of MX lookup)."""
    nameserver: str = ""
    """``host[:port]`` of the DNS resolver for MX lookups; empty: the system's resolv.conf."""
    dns_timeout_seconds: float = Field(default=10.0, gt=0)
    """How long one MX/A/AAAA lookup may take before the delivery is deferred."""
    smarthost_username: str = ""
    smarthost_password: str = ""
    starttls: Literal["opportunistic", "required", "never"] = "opportunistic"
    """Outbound TLS: use it when offered, insist on it, or never try."""
    max_age_hours: float = Field(default=120.0, gt=0)
    """How long a message may wait for a remote server before it bounces (default 5 days)."""
    retry_base_seconds: float = Field(default=60.0, gt=0)
    retry_max_seconds: float = Field(default=3600.0, gt=0)
    lease_seconds: float = Field(default=600.0, gt=0)
    """A worker's claim on a delivery; a crashed worker's claims are retaken after this."""
    concurrency_per_destination: int = Field(default=5, ge=1)
    connection_timeout_seconds: float = Field(default=60.0, gt=0)
    batch_size: int = Field(default=100, ge=1)
    workers: int = Field(default=1, ge=0)
    """Delivery workers inside ``mailwright serve`` (0: run them as ``mailwright worker``)."""
    dkim_key_bits: int = Field(default=2048, ge=1024, le=4096)
    """Size of the RSA keys made for new domains and rotations."""
    allow_private_webhooks: bool = False
    """Let webhooks post to loopback and private addresses (tests, internal receivers)."""


class SendingSettings(Section):
    """The transactional email API."""

    price_per_1000: float = Field(default=0.28, ge=0)
    """Price per 1,000 messages, for the usage report (in the operator's currency)."""
    currency: str = "USD"
    max_recipients: int = Field(default=50, ge=1, le=1000)
    """To + cc + bcc of one message."""
    max_attachment_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    max_batch: int = Field(default=500, ge=1, le=5000)
    idempotency_hours: float = Field(default=24.0, gt=0)


class Settings(BaseModel):
    """Every setting, by section."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    data_dir: Path
    server: ServerSettings = ServerSettings()
    database: DatabaseSettings = DatabaseSettings()
    http: HttpSettings = HttpSettings()
    smtp: SmtpSettings = SmtpSettings()
    imap: ImapSettings = ImapSettings()
    tls: TlsSettings = TlsSettings()
    security: SecuritySettings = SecuritySettings()
    delivery: DeliverySettings = DeliverySettings()
    sending: SendingSettings = SendingSettings()

    @property
    def config_path(self) -> Path:
        """The TOML file."""
        return self.data_dir / CONFIG_FILE

    @property
    def secret_path(self) -> Path:
        """The server secret file."""
        return self.data_dir / SECRET_FILE

    @property
    def database_url(self) -> str:
        """The configured database URL, or SQLite in the data directory."""
        return self.database.url or f"sqlite+aiosqlite:///{self.data_dir / 'mailwright.db'}"

    @property
    def public_url(self) -> str:
        """Base URL for links in mail, without a trailing slash."""
        return (self.http.public_url or f"http://{self.http.host}:{self.http.port}").rstrip("/")

    def resolve(self, path: str) -> Path:
        """A path from the settings, relative ones taken inside the data directory."""
        candidate = Path(path)
        return candidate if candidate.is_absolute() else self.data_dir / candidate


_SECTIONS = [name for name in Settings.model_fields if name != "data_dir"]


def resolve_data_dir(data_dir: str | Path | None, environ: Mapping[str, str] | None = None) -> Path:
    """The data directory: the argument, else ``MAILWRIGHT_DATA_DIR``, else ./mailwright-data."""
    env = os.environ if environ is None else environ
    chosen = data_dir or env.get(ENV_PREFIX + "DATA_DIR") or DEFAULT_DATA_DIR
    return Path(chosen).expanduser().absolute()


def load_settings(data_dir: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Read ``mailwright.toml`` in ``data_dir`` (if present) and apply environment overrides.

    Raises:
        ConfigurationError: the file is not valid TOML or a value is out of range; the message
            names the setting.
    """
    raw: dict[str, Any] = {}
    path = data_dir / CONFIG_FILE
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as error:
            raise ConfigurationError(f"{path} is not valid TOML: {error}") from None
    _apply_environment(raw, os.environ if environ is None else environ)
    try:
        return Settings(data_dir=data_dir, **raw)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise ConfigurationError(f"Invalid settings ({path} or MAILWRIGHT_*): {problems}") from None


def _apply_environment(raw: dict[str, Any], environ: Mapping[str, str]) -> None:
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or name[len(ENV_PREFIX) :] in _NOT_SETTINGS:
            continue
        section, _, key = name[len(ENV_PREFIX) :].lower().partition("_")
        if section not in _SECTIONS or not key:
            continue
        table = raw.setdefault(section, {})
        if not isinstance(table, dict):
            raise ConfigurationError(f"[{section}] in {CONFIG_FILE} must be a table.")
        table[key] = _env_value(name, value)


def _env_value(name: str, value: str) -> Any:
    stripped = value.strip()
    if stripped[:1] in ("{", "["):
        try:
            return json.loads(stripped)
        except json.JSONDecodeError as error:
            raise ConfigurationError(f"{name} is not valid JSON: {error}") from None
    return value


def render_config(
    *,
    hostname: str,
    argon2_memory_kib: int | None = None,
    extra: Mapping[str, Mapping[str, object]] | None = None,
) -> str:
    """The ``mailwright.toml`` that ``init`` writes: defaults spelled out, with comments."""
    lines = [
        "# Mailwright settings. Every key can be overridden by MAILWRIGHT_<SECTION>_<KEY>.",
        "",
        "[server]",
        f"hostname = {json.dumps(hostname)}",
        "",
        "[database]",
        '# Empty: SQLite in the data directory. PostgreSQL: "postgresql+asyncpg://user:pw@host/db"',
        'url = ""',
        "",
        "[http]",
        'host = "127.0.0.1"',
        "port = 8080",
        "",
        "[smtp]",
        'host = "127.0.0.1"',
        "inbound_port = 2525",
        "submission_port = 2587",
        "submissions_port = 2465",
        "",
        "[imap]",
        'host = "127.0.0.1"',
        "port = 2143",
        "imaps_port = 2993",
        "",
        "[tls]",
        'certificate = "tls/cert.pem"',
        'private_key = "tls/key.pem"',
        "",
        "[security]",
        f"argon2_memory_kib = {argon2_memory_kib or 19456}",
        "argon2_time_cost = 2",
        "password_min_length = 12",
        "password_min_score = 3",
        "",
        "[delivery.routes]",
        '# "example.net" = "127.0.0.1:2525"',
        "",
    ]
    for section, values in (extra or {}).items():
        lines.append(f"[{section}]")
        lines.extend(f"{key} = {json.dumps(value)}" for key, value in values.items())
        lines.append("")
    return "\n".join(lines)
