"""The services a front end works with, built once by ``bootstrap``."""

from __future__ import annotations

from dataclasses import dataclass

from mailwright.model.interfaces import BlobStore, Clock, Database
from mailwright.security.hashing_pool import HashingPool
from mailwright.security.secrets_store import ServerSecret
from mailwright.services.account import AccountService
from mailwright.services.admins import AdminService
from mailwright.services.aliases import AliasService
from mailwright.services.api_keys import ApiKeyService
from mailwright.services.audit import AuditLog
from mailwright.services.authentication import Authenticator
from mailwright.services.client_setup import ClientSetup
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
from mailwright.services.outbound import OutboundService
from mailwright.services.passwords import PasswordService
from mailwright.services.queue import QueueService
from mailwright.services.recovery import RecoveryService
from mailwright.services.senders import SenderIdentities
from mailwright.services.sending import SendingService
from mailwright.services.signing import MessageSigner
from mailwright.services.suppressions import SuppressionService
from mailwright.services.templates import TemplateService
from mailwright.services.usage import UsageService
from mailwright.services.verification import LoginVerifier
from mailwright.services.web_sessions import WebSessionService
from mailwright.services.webhooks import WebhookService


@dataclass
class Services:
    """Every use case, wired to one database, clock and event hub."""

    database: Database
    clock: Clock
    events: InProcessEventHub
    hashing: HashingPool
    secret: ServerSecret
    audit: AuditLog
    authenticator: Authenticator
    passwords: PasswordService
    domains: DomainService
    dkim: DkimService
    mailboxes: MailboxService
    aliases: AliasService
    admins: AdminService
    importer: MailboxImporter
    verifier: LoginVerifier
    api_keys: ApiKeyService
    login_tests: LoginTests
    web_sessions: WebSessionService
    blobs: BlobStore
    delivery: LocalDelivery
    folders: MailFolders
    mail: MailAccess
    senders: SenderIdentities
    queue: QueueService
    outbound: OutboundService
    message_events: MessageEventService
    webhooks: WebhookService
    usage: UsageService
    sending: SendingService
    templates: TemplateService
    suppressions: SuppressionService
    message_log: MessageLog
    signer: MessageSigner
    recovery: RecoveryService
    account: AccountService
    client_setup: ClientSetup
