"""One SQL transaction with every repository bound to it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.storage.sql.admins import SqlAdminRepository
from mailwright.storage.sql.aliases import SqlAliasRepository
from mailwright.storage.sql.api_keys import SqlApiKeyRepository
from mailwright.storage.sql.audit import SqlAuditRepository
from mailwright.storage.sql.delivery import (
    SqlDeliveryRepository,
    SqlDkimKeyRepository,
    SqlSuppressionRepository,
)
from mailwright.storage.sql.directory import SqlDirectoryRepository
from mailwright.storage.sql.domains import SqlDomainRepository
from mailwright.storage.sql.mailboxes import SqlMailboxRepository
from mailwright.storage.sql.mailstore import SqlFolderRepository, SqlMessageRepository
from mailwright.storage.sql.message_events import SqlMessageEventRepository
from mailwright.storage.sql.outbound import SqlOutboundRepository
from mailwright.storage.sql.recovery import SqlRecoveryRepository
from mailwright.storage.sql.sending import SqlApiMessageRepository, SqlIdempotencyRepository
from mailwright.storage.sql.sessions import SqlSessionRepository
from mailwright.storage.sql.templates import SqlTemplateRepository
from mailwright.storage.sql.throttle import SqlThrottleRepository
from mailwright.storage.sql.usage import SqlUsageRepository
from mailwright.storage.sql.webhooks import SqlWebhookRepository


class SqlTransaction:
    """Implements ``model.interfaces.Transaction``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self.domains = SqlDomainRepository(connection)
        self.mailboxes = SqlMailboxRepository(connection)
        self.aliases = SqlAliasRepository(connection)
        self.admins = SqlAdminRepository(connection)
        self.audit = SqlAuditRepository(connection)
        self.throttle = SqlThrottleRepository(connection)
        self.sessions = SqlSessionRepository(connection)
        self.api_keys = SqlApiKeyRepository(connection)
        self.folders = SqlFolderRepository(connection)
        self.messages = SqlMessageRepository(connection)
        self.outbound = SqlOutboundRepository(connection)
        self.directory = SqlDirectoryRepository(connection)
        self.delivery = SqlDeliveryRepository(connection)
        self.suppressions = SqlSuppressionRepository(connection)
        self.dkim_keys = SqlDkimKeyRepository(connection)
        self.usage = SqlUsageRepository(connection)
        self.recovery = SqlRecoveryRepository(connection)
        self.api_messages = SqlApiMessageRepository(connection)
        self.idempotency = SqlIdempotencyRepository(connection)
        self.templates = SqlTemplateRepository(connection)
        self.message_events = SqlMessageEventRepository(connection)
        self.webhooks = SqlWebhookRepository(connection)
