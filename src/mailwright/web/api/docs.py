"""``/api/docs``: interactive API documentation that works offline.

Swagger UI and ReDoc load their code from a CDN, which an offline server cannot reach and a
strict Content-Security-Policy forbids. This page is ours instead: one HTML file, one script
and one stylesheet shipped in the package (``web/static/api-docs``), which read
``/api/v1/openapi.json`` and render every operation with a "Try it" form. No inline script,
no markup from the document (text only), so ``script-src 'self'`` is enough.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import Response

DOCS_PATH = "/api/docs"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "docs.js": "text/javascript; charset=utf-8",
    "docs.css": "text/css; charset=utf-8",
}
_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-cache",
}


def docs_router() -> APIRouter:
    """Routes serving the documentation page and its two assets (read once, here)."""
    folder = files("mailwright.web") / "static" / "api-docs"
    content = {name: (folder / name).read_bytes() for name in _ASSETS}
    router = APIRouter(include_in_schema=False)

    def asset(name: str) -> Response:
        return Response(content[name], media_type=_ASSETS[name], headers=_HEADERS)

    @router.get(DOCS_PATH)
    async def docs_page() -> Response:
        """The documentation page."""
        return asset("index.html")

    @router.get(DOCS_PATH + "/docs.js")
    async def docs_script() -> Response:
        """Its script."""
        return asset("docs.js")

    @router.get(DOCS_PATH + "/docs.css")
    async def docs_style() -> Response:
        """Its stylesheet."""
        return asset("docs.css")

    return router
