"""``/metrics`` (Prometheus text format) and the middleware that counts HTTP requests.

Requests are labelled by route template (``/api/v1/mailboxes/{address}``), never by raw path,
so the number of series stays bounded whatever clients send; requests that match no route are
``unmatched``. The gauges of stored things are read from the database at each scrape with one
grouped query (``DomainService.list_domains``), which stays cheap for any number of mailboxes.
"""

from __future__ import annotations

import logging
import time

from fastapi import FastAPI
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mailwright.model.actors import Actor
from mailwright.services.container import Services
from mailwright.telemetry import (
    ALIASES,
    DOMAINS,
    HTTP_REQUEST_DURATION,
    HTTP_REQUESTS,
    MAILBOXES,
    REGISTRY,
)

log = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def route_label(scope: Scope, root_path: str) -> str:
    """The template of the route that served the request (mount prefixes included), or
    ``unmatched``. ``root_path`` is the scope's root path before routing began."""
    path = getattr(scope.get("route"), "path", None)
    if not isinstance(path, str):
        return "unmatched"
    mounted = str(scope.get("root_path", ""))[len(root_path) :]
    return mounted + path


class RequestMetrics:
    """Counts every HTTP request and observes its duration, by method, route and status."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        root_path = str(scope.get("root_path", ""))
        method = scope["method"] if scope["method"] in _METHODS else "other"
        started = time.perf_counter()
        status = 500

        async def send_counting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_counting)
        finally:
            route = route_label(scope, root_path)
            HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
            HTTP_REQUEST_DURATION.labels(method=method, route=route).observe(
                time.perf_counter() - started
            )


def install_metrics(app: FastAPI, services: Services) -> None:
    """Count ``app``'s requests and serve ``/metrics``."""

    @app.get(METRICS_PATH, include_in_schema=False)
    async def metrics() -> Response:
        """Every metric of this process, in the Prometheus text format."""
        try:
            summaries = await services.domains.list_domains(Actor.system())
        except Exception:  # a scrape still reports the process counters when the database fails
            log.exception("cannot read the counts for /metrics")
        else:
            DOMAINS.set(len(summaries))
            MAILBOXES.set(sum(s.mailbox_count for s in summaries))
            ALIASES.set(sum(s.alias_count for s in summaries))
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(RequestMetrics)
