"""One SQL transaction with every repository bound to it."""

from __future__ import annotations

from functools import cached_property

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
from mailwright.storage.sql.sqlite_direct import DirectSqlite, native_sqlite
from mailwright.storage.sql.templates import SqlTemplateRepository
from mailwright.storage.sql.throttle import SqlThrottleRepository
from mailwright.storage.sql.usage import SqlUsageRepository
from mailwright.storage.sql.webhooks import SqlWebhookRepository


class SqlTransaction:
    """Implements ``model.interfaces.Transaction``.

    ``direct`` (SQLite with the inline driver only) runs the delivery statements on the SQLite
    connection itself, inside this same transaction (see ``sqlite_direct.py``). Repositories
    are made when first used: most transactions touch two or three of them."""

    def __init__(self, connection: AsyncConnection, *, direct: bool = False) -> None:
        self.connection = connection
        self._use_direct = direct

    @cached_property
    def _direct(self) -> DirectSqlite | None:
        if not self._use_direct:
            return None
        return DirectSqlite(native_sqlite(self.connection.sync_connection))

    @cached_property
    def domains(self) -> SqlDomainRepository:
        return SqlDomainRepository(self.connection)

    @cached_property
    def mailboxes(self) -> SqlMailboxRepository:
        return SqlMailboxRepository(self.connection, self._direct)

    @cached_property
    def aliases(self) -> SqlAliasRepository:
        return SqlAliasRepository(self.connection)

    @cached_property
    def admins(self) -> SqlAdminRepository:
        return SqlAdminRepository(self.connection)

    @cached_property
    def audit(self) -> SqlAuditRepository:
        return SqlAuditRepository(self.connection)

    @cached_property
    def throttle(self) -> SqlThrottleRepository:
        return SqlThrottleRepository(self.connection)

    @cached_property
    def sessions(self) -> SqlSessionRepository:
        return SqlSessionRepository(self.connection)

    @cached_property
    def api_keys(self) -> SqlApiKeyRepository:
        return SqlApiKeyRepository(self.connection)

    @cached_property
    def folders(self) -> SqlFolderRepository:
        return SqlFolderRepository(self.connection, self._direct)

    @cached_property
    def messages(self) -> SqlMessageRepository:
        return SqlMessageRepository(self.connection, self._direct)

    @cached_property
    def outbound(self) -> SqlOutboundRepository:
        return SqlOutboundRepository(self.connection)

    @cached_property
    def directory(self) -> SqlDirectoryRepository:
        return SqlDirectoryRepository(self.connection, self._direct)

    @cached_property
    def delivery(self) -> SqlDeliveryRepository:
        return SqlDeliveryRepository(self.connection)

    @cached_property
    def suppressions(self) -> SqlSuppressionRepository:
        return SqlSuppressionRepository(self.connection)

    @cached_property
    def dkim_keys(self) -> SqlDkimKeyRepository:
        return SqlDkimKeyRepository(self.connection)

    @cached_property
    def usage(self) -> SqlUsageRepository:
        return SqlUsageRepository(self.connection)

    @cached_property
    def recovery(self) -> SqlRecoveryRepository:
        return SqlRecoveryRepository(self.connection)

    @cached_property
    def api_messages(self) -> SqlApiMessageRepository:
        return SqlApiMessageRepository(self.connection)

    @cached_property
    def idempotency(self) -> SqlIdempotencyRepository:
        return SqlIdempotencyRepository(self.connection)

    @cached_property
    def templates(self) -> SqlTemplateRepository:
        return SqlTemplateRepository(self.connection)

    @cached_property
    def message_events(self) -> SqlMessageEventRepository:
        return SqlMessageEventRepository(self.connection)

    @cached_property
    def webhooks(self) -> SqlWebhookRepository:
        return SqlWebhookRepository(self.connection)
