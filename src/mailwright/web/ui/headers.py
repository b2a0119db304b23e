"""Security headers on every HTML response, as a plain ASGI middleware.

- ``Content-Security-Policy``: only our own scripts, styles and connections; no inline script
  (the scripts are static files), no plugins, no ``<base>`` rewriting, forms post only to us,
  and no framing (clickjacking).
- ``X-Content-Type-Options: nosniff``: a response is what its type says (also on static files).
- ``Referrer-Policy: same-origin``: nothing leaks to other sites. ``no-referrer`` would be
  stricter, but browsers then send ``Origin: null`` on form posts (Fetch standard, "append a
  request Origin header"), which would defeat the same-origin check of ``guard``.
- ``Cache-Control: no-store``: admin pages show personal data and, after a reset, login test
  results or a generated password; none of it belongs in a cache.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HTML_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


class SecurityHeaders:
    """Adds ``HTML_HEADERS`` to HTML responses (headers set by the page itself win) and
    ``nosniff`` to responses under ``static_prefix``."""

    def __init__(self, app: ASGIApp, *, static_prefix: str = "/static/") -> None:
        self.app = app
        self._static_prefix = static_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith(self._static_prefix)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                content_type = next(
                    (v for n, v in headers if n.lower() == b"content-type"), b""
                ).lower()
                if content_type.startswith(b"text/html"):
                    extra = HTML_HEADERS
                elif static:
                    extra = {"x-content-type-options": "nosniff"}
                else:
                    extra = {}
                headers.extend(
                    (name.encode(), value.encode())
                    for name, value in extra.items()
                    if name.encode() not in present
                )
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
