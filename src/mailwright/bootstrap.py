"""The composition root: settings -> stores -> services -> listeners.

Nothing else reads settings or builds the object graph. Front ends receive what they need.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from logging.handlers import WatchedFileHandler
from pathlib import Path

from mailwright.config import Settings, render_config
from mailwright.delivery.webhooks import HttpWebhookPoster
from mailwright.model.actors import Actor
from mailwright.model.admins import Role
from mailwright.model.clock import SystemClock
from mailwright.model.errors import ConfigurationError, NotFound
from mailwright.model.interfaces import Clock
from mailwright.model.webhooks import WebhookRetryPolicy
from mailwright.security.certificates import write_self_signed
from mailwright.security.hashing_pool import HashingPool
from mailwright.security.login_cache import LoginCache
from mailwright.security.passwords import Argon2Parameters, PasswordHasher
from mailwright.security.policy import PolicySettings
from mailwright.security.sealing import Sealer
from mailwright.security.secrets_store import ServerSecret, generate_secret_file
from mailwright.services.account import AccountService
from mailwright.services.admins import AdminService
from mailwright.services.aliases import AliasService
from mailwright.services.api_keys import DIGEST_PURPOSE, ApiKeyService
from mailwright.services.audit import AuditLog
from mailwright.services.authentication import Authenticator, ThrottlePolicy
from mailwright.services.client_setup import ClientSetup
from mailwright.services.container import Services
from mailwright.services.dkim import DkimService
from mailwright.services.domains import DomainService
from mailwright.services.events import InProcessEventHub
from mailwright.services.local_delivery import LocalDelivery
from mailwright.services.login_tests import LoginTests
from mailwright.services.mail_access import MailAccess
from mailwright.services.mail_folders import MailFolders
from mailwright.services.mailbox_import import MailboxImporter
from mailwright.services.mailboxes import MailboxService
from mailwright.services.message_events import MessageEventService
from mailwright.services.message_log import MessageLog
from mailwright.services.notifications import NotificationService
from mailwright.services.outbound import OutboundService, RetryPolicy
from mailwright.services.owner_mail import OwnerMail
from mailwright.services.passwords import PasswordService
from mailwright.services.queue import QueueService
from mailwright.services.recovery import RecoveryLimits, RecoveryService
from mailwright.services.recovery_links import DIGEST_PURPOSE as LINKS_PURPOSE
from mailwright.services.recovery_links import RecoveryLinks
from mailwright.services.send_requests import Limits
from mailwright.services.senders import SenderIdentities
from mailwright.services.sending import SendingPolicy, SendingService
from mailwright.services.signing import MessageSigner
from mailwright.services.suppressions import SuppressionService
from mailwright.services.templates import TemplateService
from mailwright.services.usage import UsageService
from mailwright.services.verification import LoginVerifier
from mailwright.services.web_sessions import WebSessionService
from mailwright.services.webhooks import SEALING_PURPOSE as WEBHOOK_PURPOSE
from mailwright.services.webhooks import WebhookService
from mailwright.storage.blobs import FileBlobStore
from mailwright.storage.sql.database import SqlDatabase

log = logging.getLogger(__name__)


def policy_settings(settings: Settings) -> PolicySettings:
    """The platform-wide password policy from ``[security]``."""
    s = settings.security
    return PolicySettings(
        min_length=s.password_min_length,
        max_length=s.password_max_length,
        min_score=s.password_min_score,
        history=s.password_history,
    )


def throttle_policy(settings: Settings) -> ThrottlePolicy:
    """The login throttle from ``[security]``."""
    s = settings.security
    return ThrottlePolicy(
        free_attempts_address=s.throttle_free_attempts_address,
        free_attempts_source=s.throttle_free_attempts_source,
        base_lock_seconds=s.throttle_base_lock_seconds,
        max_lock_seconds=s.throttle_max_lock_seconds,
        forget_after_seconds=s.throttle_forget_seconds,
    )


def sending_policy(settings: Settings) -> SendingPolicy:
    """Bounds of the sending API from ``[sending]``."""
    s = settings.sending
    return SendingPolicy(
        limits=Limits(max_recipients=s.max_recipients, max_attachment_bytes=s.max_attachment_bytes),
        max_batch=s.max_batch,
        idempotency_lifetime=timedelta(hours=s.idempotency_hours),
    )


def recovery_limits(settings: Settings) -> RecoveryLimits:
    """Forgotten-password request limits from ``[security]``."""
    s = settings.security
    return RecoveryLimits(
        per_address=s.recovery_requests_per_address, per_source=s.recovery_requests_per_source
    )


def retry_policy(settings: Settings) -> RetryPolicy:
    """Outbound retries from ``[delivery]``."""
    d = settings.delivery
    return RetryPolicy(
        base_seconds=d.retry_base_seconds,
        max_seconds=d.retry_max_seconds,
        max_age=timedelta(hours=d.max_age_hours),
        lease=timedelta(seconds=d.lease_seconds),
    )


def build_services(
    settings: Settings, database: SqlDatabase, secret: ServerSecret, clock: Clock
) -> Services:
    """Wire every service to one database, clock and event hub."""
    s = settings.security
    hasher = PasswordHasher(
        Argon2Parameters(s.argon2_memory_kib, s.argon2_time_cost, s.argon2_parallelism)
    )
    hashing = HashingPool(hasher, workers=s.hashing_threads or None)
    events = InProcessEventHub()
    audit = AuditLog(database, clock)
    blobs = FileBlobStore(settings.data_dir / "messages")
    delivery = LocalDelivery(database, blobs, clock, events)
    events.subscribe(delivery.on_event)
    notifications = NotificationService(
        delivery, hostname=settings.server.hostname, portal_url=settings.public_url
    )
    authenticator = Authenticator(
        database,
        hashing,
        clock,
        throttle=throttle_policy(settings),
        login_cache=LoginCache(ttl=s.login_cache_seconds),
    )
    owner_mail = OwnerMail(
        notifications, public_url=settings.public_url, link_minutes=s.reset_token_minutes
    )
    passwords = PasswordService(
        database,
        hashing,
        clock,
        audit,
        events,
        policy=policy_settings(settings),
        notifications=notifications,
        authenticator=authenticator,
        owner_mail=owner_mail,
    )
    links = RecoveryLinks(
        key=secret.derive(LINKS_PURPOSE),
        lifetime=timedelta(minutes=s.reset_token_minutes),
        public_url=settings.public_url,
    )
    web_sessions = WebSessionService(
        database,
        clock,
        authenticator,
        audit,
        session_key=secret.derive("sessions"),
        csrf_key=secret.derive("csrf"),
    )
    events.subscribe(web_sessions.on_event)
    verifier = LoginVerifier(certificate=settings.resolve(settings.tls.certificate))
    dkim = DkimService(
        database,
        clock,
        audit,
        Sealer(secret.derive("dkim-keys"), "dkim-keys"),
        bits=settings.delivery.dkim_key_bits,
    )
    usage = UsageService(
        database,
        clock,
        price_per_1000=settings.sending.price_per_1000,
        currency=settings.sending.currency,
    )
    outbound = OutboundService(
        database,
        clock,
        blobs,
        delivery,
        policy=retry_policy(settings),
        hostname=settings.server.hostname,
        usage=usage,
    )
    allow_private = settings.delivery.allow_private_webhooks
    webhooks = WebhookService(
        database,
        clock,
        audit,
        Sealer(secret.derive(WEBHOOK_PURPOSE), WEBHOOK_PURPOSE),
        HttpWebhookPoster(allow_private=allow_private),
        policy=WebhookRetryPolicy(),
        allow_private=allow_private,
    )
    templates = TemplateService(database, clock, audit)
    sending = SendingService(
        database, clock, blobs, events, templates, policy=sending_policy(settings)
    )
    signer = MessageSigner(database, Sealer(secret.derive("dkim-keys"), "dkim-keys"))
    return Services(
        database=database,
        clock=clock,
        events=events,
        hashing=hashing,
        secret=secret,
        audit=audit,
        authenticator=authenticator,
        passwords=passwords,
        domains=DomainService(database, clock, audit, dkim),
        dkim=dkim,
        mailboxes=MailboxService(database, clock, audit, events, hashing, passwords),
        aliases=AliasService(database, clock, audit),
        admins=AdminService(database, clock, audit),
        importer=MailboxImporter(database, clock, audit, hashing, passwords),
        verifier=verifier,
        api_keys=ApiKeyService(database, clock, audit, digest_key=secret.derive(DIGEST_PURPOSE)),
        login_tests=LoginTests(database, audit, verifier),
        web_sessions=web_sessions,
        blobs=blobs,
        delivery=delivery,
        folders=MailFolders(database, clock, events),
        mail=MailAccess(database, blobs, clock, events, delivery),
        senders=SenderIdentities(database),
        queue=QueueService(database, clock, audit),
        outbound=outbound,
        message_events=MessageEventService(database),
        webhooks=webhooks,
        usage=usage,
        sending=sending,
        templates=templates,
        suppressions=SuppressionService(database, clock, audit),
        message_log=MessageLog(database),
        signer=signer,
        recovery=RecoveryService(
            database,
            clock,
            audit,
            events,
            hashing,
            passwords,
            owner_mail,
            links=links,
            limits=recovery_limits(settings),
        ),
        account=AccountService(database, clock, audit, authenticator, owner_mail, links=links),
        client_setup=ClientSetup(
            database,
            hostname=settings.server.hostname,
            imap_port=settings.imap.port,
            imaps_port=settings.imap.imaps_port,
            submission_port=settings.smtp.submission_port,
            submissions_port=settings.smtp.submissions_port,
        ),
    )


@asynccontextmanager
async def open_services(
    settings: Settings, *, clock: Clock | None = None, migrate: bool = True
) -> AsyncIterator[Services]:
    """Open the database (migrating it) and yield the services; close everything after.

    Raises:
        ConfigurationError: no data directory or a missing/placeholder server secret.
    """
    if not settings.config_path.exists() and not settings.database.url:
        raise ConfigurationError(
            f"{settings.data_dir} is not a Mailwright data directory; run 'mailwright init' "
            "first (or pass --data-dir)."
        )
    secret = ServerSecret.load(settings.secret_path)
    database = SqlDatabase(
        settings.database_url, pool_size=settings.database.pool_size, echo=settings.database.echo
    )
    try:
        if migrate:
            await database.migrate()
        services = build_services(settings, database, secret, clock or SystemClock())
        try:
            yield services
        finally:
            await services.recovery.settle()
            await services.web_sessions.settle()
            services.hashing.close()
            services.signer.close()
    finally:
        await database.close()


def prepare_data_dir(settings: Settings, *, hostname: str) -> None:
    """Create the data directory, settings file, server secret and TLS certificate (each
    only if missing, so ``init`` can be re-run safely)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.data_dir.chmod(0o700)
    if not settings.config_path.exists():
        settings.config_path.write_text(render_config(hostname=hostname))
    if not settings.secret_path.exists():
        generate_secret_file(settings.secret_path)
    certificate = settings.resolve(settings.tls.certificate)
    private_key = settings.resolve(settings.tls.private_key)
    if not certificate.exists() or not private_key.exists():
        write_self_signed(certificate, private_key, hostname)
    (settings.data_dir / "logs").mkdir(exist_ok=True)


async def initialize(
    services: Services,
    *,
    operator: Actor,
    domain: str | None,
    admin: str | None,
    admin_password: str | None,
) -> str | None:
    """Create the first domain, admin mailbox and global admin grant (those that are
    missing). Returns the admin's password when it was generated."""
    if domain:
        existing = {s.domain.name for s in await services.domains.list_domains(operator)}
        if domain.lower().rstrip(".") not in existing:
            await services.domains.add(operator, domain)
    if not admin:
        return None
    generated = None
    if await services.admins.find(admin.lower()) is None:
        try:
            await services.mailboxes.get(operator, admin)
        except NotFound:
            created = await services.mailboxes.create(
                operator, admin, admin_password, display_name="Administrator"
            )
            generated = created.generated_password
        await services.admins.add(operator, admin, Role.GLOBAL_ADMIN, [])
    return generated


def log_file(settings: Settings) -> Path:
    """Where ``serve`` writes its log."""
    return settings.data_dir / "logs" / "mailwright.log"


def configure_logging(settings: Settings) -> None:
    """Log to stderr and to the data directory's log file."""
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    path = log_file(settings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(WatchedFileHandler(path))
    except OSError as error:
        print(f"warning: cannot write {path}: {error.strerror}", file=sys.stderr)
    # The format shows none of these; not collecting them saves work on every record.
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
        force=True,
    )
