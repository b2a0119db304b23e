"""The REST API v1 (``/api/v1``) and its documentation page (``/api/docs``).

One module per resource (``domains``, ``mailboxes``, ``passwords``, ``aliases``, ``admins``,
``api_keys``, ``audit_events``), each with its request and response schemas
(``<Entity><Purpose>``: ``MailboxCreate``, ``MailboxPublic``), which are separate from the
model types. Endpoints only translate: every decision is a service's, and service errors become
problem documents (``problems``). See ``docs/api.md``.
"""

from __future__ import annotations

import re

from fastapi import FastAPI
from starlette.routing import Mount

from mailwright.services.container import Services
from mailwright.web.api.application import API_PREFIX, create_api
from mailwright.web.api.docs import docs_router


def install_api(app: FastAPI, services: Services) -> None:
    """Mount the REST API at ``/api/v1`` and its docs page at ``/api/docs`` on ``app``."""
    app.include_router(docs_router())
    app.router.routes.append(_ApiMount(API_PREFIX, app=create_api(services)))


class _ApiMount(Mount):
    """A mount that takes every path below its prefix. Starlette's ``{path:path}`` stops at a
    newline (``.`` in its regex), so ``/api/v1/mailboxes/%0A`` would otherwise fall through to
    the admin center and be answered with something other than a problem document."""

    def __init__(self, path: str, app: FastAPI) -> None:
        super().__init__(path, app=app)
        self.path_regex = re.compile(self.path_regex.pattern, re.DOTALL)
