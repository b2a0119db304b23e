"""One SQL transaction with every repository bound to it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from mailwright.storage.sql.admins import SqlAdminRepository
from mailwright.storage.sql.aliases import SqlAliasRepository
from mailwright.storage.sql.api_keys import SqlApiKeyRepository
from mailwright.storage.sql.audit import SqlAuditRepository
from mailwright.storage.sql.domains import SqlDomainRepository
from mailwright.storage.sql.mailboxes import SqlMailboxRepository
from mailwright.storage.sql.sessions import SqlSessionRepository
from mailwright.storage.sql.throttle import SqlThrottleRepository


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
