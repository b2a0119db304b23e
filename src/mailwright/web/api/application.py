"""The REST API v1 as its own ASGI application, mounted at ``/api/v1``.

A separate application gives the API its own OpenAPI document (``/api/v1/openapi.json``) and
its own error handlers, so every answer under ``/api/v1`` (unknown paths and wrong methods
included) is JSON or a problem document, whatever the admin center does with its errors.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mailwright.services.container import Services
from mailwright.web.api import (
    admins,
    aliases,
    api_keys,
    audit_events,
    domains,
    events,
    mailboxes,
    messages,
    passwords,
    suppressions,
    templates,
    usage,
    webhooks,
)
from mailwright.web.api.callers import BodyLimit, body_limits
from mailwright.web.api.problems import PROBLEM_MEDIA_TYPE, install_problem_handlers

API_PREFIX = "/api/v1"
API_VERSION = "1.0.0"
_DESCRIPTION = """\
Manage domains, mailboxes, passwords, aliases, admins, API keys and the audit log of a
Mailwright server. Authenticate with `Authorization: Bearer <API key>`; an admin-scope key acts
with the role and domain scope of its admin. Errors are RFC 9457 problem documents
(`application/problem+json`) with a stable `type`. Lists are paged with `limit` and `cursor`.
"""
_TAGS = [
    {"name": "domains", "description": "Hosted mail domains."},
    {"name": "mailboxes", "description": "Mailboxes, keyed by address."},
    {"name": "passwords", "description": "The admin reset with its live login test."},
    {"name": "aliases", "description": "Aliases and catch-alls."},
    {"name": "admins", "description": "Admin roles of hosted mailboxes."},
    {"name": "api-keys", "description": "Keys for this API."},
    {"name": "audit-events", "description": "Who did what, from where, why."},
    {"name": "events", "description": "Delivery events of outbound messages."},
    {"name": "webhooks", "description": "Delivery events POSTed to your endpoints, signed."},
    {"name": "usage", "description": "Messages accepted and delivered per month, and their cost."},
    {"name": "messages", "description": "Send mail (send keys) and trace what became of it."},
    {"name": "templates", "description": "Named, versioned message templates (Jinja2)."},
    {"name": "suppressions", "description": "Addresses never sent to (hard bounces, by hand)."},
]


class ApiApplication(FastAPI):
    """FastAPI whose OpenAPI document declares problem documents for every error answer."""

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI document (built once)."""
        if self.openapi_schema is None:
            _declare_problem_documents(super().openapi())
        assert self.openapi_schema is not None
        return self.openapi_schema


def _declare_problem_documents(document: dict[str, Any]) -> None:
    problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            for code, response in operation.get("responses", {}).items():
                if code.isdigit() and int(code) >= 400:
                    response["content"] = {PROBLEM_MEDIA_TYPE: problem}
    schemas = document.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)


class _ApiHeaders:
    """Marks every API response uncacheable (they carry admin data, sometimes a password) and
    not to be content-sniffed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Cache-Control", "no-store")
                headers.setdefault("X-Content-Type-Options", "nosniff")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _operation_id(route: APIRoute) -> str:
    # The endpoint function's name (list_mailboxes, reset_password): short and stable, for
    # generated clients.
    return route.name


def create_api(services: Services) -> FastAPI:
    """The REST API application around ``services``."""
    api = ApiApplication(
        title="Mailwright REST API",
        version=API_VERSION,
        description=_DESCRIPTION,
        openapi_url="/openapi.json",
        openapi_tags=_TAGS,
        docs_url=None,
        redoc_url=None,
        servers=[{"url": API_PREFIX}],
        root_path_in_servers=False,
        generate_unique_id_function=_operation_id,
    )
    api.state.services = services
    install_problem_handlers(api)
    for module in (domains, mailboxes, passwords, aliases, admins, api_keys, audit_events):
        api.include_router(module.router)
    for sending in (events, webhooks, usage):
        api.include_router(sending.router)
    for resource in (messages, templates, suppressions):
        api.include_router(resource.router)
    api.add_middleware(BodyLimit, limits=body_limits(services))
    api.add_middleware(_ApiHeaders)
    return api
