"""The HTTP application: admin center, account portal, REST API, health and metrics."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from mailwright.config import Settings
from mailwright.services.container import Services
from mailwright.web.api import install_api
from mailwright.web.autoconfig import autoconfig_router
from mailwright.web.metrics import install_metrics
from mailwright.web.ui import mount_admin_center
from mailwright.web.ui.portal import account_portal_router


def create_app(services: Services, settings: Settings) -> FastAPI:
    """Build the FastAPI application around ``services``."""
    app = FastAPI(
        title="Mailwright",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        """Liveness and database reachability."""
        try:
            async with services.database.snapshot() as tx:
                await tx.domains.find_by_id(0)
        except Exception as error:  # report, do not crash: this is the health probe
            return JSONResponse({"status": "error", "database": str(error)}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    install_api(app, services)
    install_metrics(app, services)
    app.include_router(account_portal_router(services, settings))
    app.include_router(autoconfig_router(services))
    mount_admin_center(app, services, settings)
    return app
