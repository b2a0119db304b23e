"""The admin center: server-rendered pages under ``/admin/`` over the services.

``mount_admin_center`` adds the pages, their static files (``/static/``) and the security
headers middleware to the application. Sessions, CSRF and same-origin checks are in ``guard``;
permissions are the services' (pages only hide what a role cannot use).
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter, FastAPI
from starlette.staticfiles import StaticFiles

from mailwright.config import Settings
from mailwright.services.container import Services
from mailwright.web.ui import (
    admins,
    aliases,
    audit,
    domains,
    mailboxes,
    message_templates,
    reset,
    sending,
    signin,
    webhooks,
)
from mailwright.web.ui.guard import Guard, page_route_class
from mailwright.web.ui.headers import SecurityHeaders
from mailwright.web.ui.rendering import Renderer

STATIC = "/static"


def admin_center_router(services: Services, settings: Settings) -> APIRouter:
    """Every admin center route, wired to ``services``."""
    renderer = Renderer()
    guard = Guard(services.web_sessions, settings)
    router = APIRouter(route_class=page_route_class(renderer, guard), include_in_schema=False)
    signin.build(router, services, renderer, guard)
    # The reset routes end in /password and must come before the mailbox page's catch-all.
    reset.build(router, services, renderer, guard)
    mailboxes.build(router, services, renderer, guard)
    domains.build(router, services, renderer, guard)
    aliases.build(router, services, renderer, guard)
    admins.build(router, services, renderer, guard)
    audit.build(router, services, renderer, guard)
    sending.build(router, services, renderer, guard)
    webhooks.build(router, services, renderer, guard)
    message_templates.build(router, services, renderer, guard)
    return router


def mount_admin_center(app: FastAPI, services: Services, settings: Settings) -> None:
    """Serve the admin center, its static files and security headers from ``app``."""
    app.include_router(admin_center_router(services, settings))
    static = files("mailwright.web") / "static"
    app.mount(STATIC, StaticFiles(directory=str(static)), name="static")
    app.add_middleware(SecurityHeaders, static_prefix=f"{STATIC}/")
