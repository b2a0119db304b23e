"""The account portal (``/account/``) and the forgotten-password pages (``/recover``): the
mailbox owners' side of the web front end, served next to the admin center by the same guard,
renderer, static files and security headers (see ``docs/self-service.md``)."""

from __future__ import annotations

from fastapi import APIRouter

from mailwright.config import Settings
from mailwright.services.container import Services
from mailwright.web.ui import account, account_password, account_recovery, recover
from mailwright.web.ui.account_guard import OwnerGuard, account_guard
from mailwright.web.ui.guard import page_route_class
from mailwright.web.ui.rendering import Renderer


def account_portal_router(services: Services, settings: Settings) -> APIRouter:
    """Every account portal and recovery route, wired to ``services``."""
    renderer = Renderer("account")
    guard = account_guard(services.web_sessions, settings)
    owners = OwnerGuard(guard, services.account)
    router = APIRouter(route_class=page_route_class(renderer, guard), include_in_schema=False)
    account.build(router, services, renderer, owners)
    account_password.build(router, services, renderer, owners)
    account_recovery.build(router, services, renderer, owners)
    recover.build(router, services, renderer, guard)
    return router
