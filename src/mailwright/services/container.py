"""The services a front end works with, built once by ``bootstrap``."""

from __future__ import annotations

from dataclasses import dataclass

from mailwright.model.interfaces import Clock, Database
from mailwright.security.hashing_pool import HashingPool
from mailwright.security.secrets_store import ServerSecret
from mailwright.services.admins import AdminService
from mailwright.services.aliases import AliasService
from mailwright.services.audit import AuditLog
from mailwright.services.authentication import Authenticator
from mailwright.services.domains import DomainService
from mailwright.services.events import InProcessEventHub
from mailwright.services.mailbox_import import MailboxImporter
from mailwright.services.mailboxes import MailboxService
from mailwright.services.passwords import PasswordService
from mailwright.services.verification import LoginVerifier


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
    mailboxes: MailboxService
    aliases: AliasService
    admins: AdminService
    importer: MailboxImporter
    verifier: LoginVerifier
