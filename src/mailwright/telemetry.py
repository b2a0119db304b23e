"""Prometheus metrics of the running process, served at ``/metrics``.

One registry (not prometheus_client's global default, so importing a library that registers
its own collectors never changes what we expose). Counters are incremented where the thing
happens (logins in ``services.authentication``, HTTP requests in the web middleware); the
gauges of stored things are set from the database when ``/metrics`` is scraped.

Labels are closed sets (protocols, outcomes, route templates, methods, status codes), never
addresses or raw paths: one series per mailbox would make the scrape as large as the database.
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)

from mailwright.model.authentication import AuthOutcome, LoginProtocol

# The ``*_created`` series (a timestamp per counter series) double the scrape for no use here;
# the switch is process-wide, which is what a server process wants. (prometheus_client leaves
# this function unannotated.)
disable_created_metrics()  # type: ignore[no-untyped-call]
REGISTRY = CollectorRegistry(auto_describe=True)

LOGINS = Counter(
    "mailwright_logins",
    "Login attempts through authenticate(), by protocol and outcome.",
    ["protocol", "outcome"],
    registry=REGISTRY,
)
PASSWORD_RESETS = Counter(
    "mailwright_password_resets",
    "Admin password resets, by outcome (success, or the error kind that refused it).",
    ["outcome"],
    registry=REGISTRY,
)
HTTP_REQUESTS = Counter(
    "mailwright_http_requests",
    "HTTP requests, by method, route template and status code.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
HTTP_REQUEST_DURATION = Histogram(
    "mailwright_http_request_duration_seconds",
    "Time from receiving an HTTP request to sending the end of the response.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)
DOMAINS = Gauge(
    "mailwright_domains", "Hosted mail domains (read at scrape time).", registry=REGISTRY
)
MAILBOXES = Gauge("mailwright_mailboxes", "Mailboxes (read at scrape time).", registry=REGISTRY)
ALIASES = Gauge("mailwright_aliases", "Aliases (read at scrape time).", registry=REGISTRY)

# Every login series exists from the start, so rate() and alerts work before the first event.
for _protocol in LoginProtocol:
    for _outcome in AuthOutcome:
        LOGINS.labels(protocol=_protocol.value, outcome=_outcome.value)
PASSWORD_RESETS.labels(outcome="success")
