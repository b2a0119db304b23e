"""The OpenAPI document and the offline docs page."""

from __future__ import annotations

import re

import httpx

from tests.integration.api.world import OPERATIONS


async def test_openapi_document_describes_every_operation(client: httpx.AsyncClient) -> None:
    """Served without a key; every operation needs the bearer scheme and answers problems."""
    response = await client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["servers"] == [{"url": "/api/v1"}]
    scheme = document["components"]["securitySchemes"]["ApiKey"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    operations = {
        (path, method): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    assert set(operations) == OPERATIONS
    for operation in operations.values():
        assert operation["security"] == [{"ApiKey": []}]
        assert re.fullmatch(r"[a-z_]+", operation["operationId"])
        for code in ("401", "403", "422"):
            content = operation["responses"][code]["content"]
            assert content == {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            }
    schemas = document["components"]["schemas"]
    assert {"MailboxCreate", "MailboxPublic", "PasswordReset", "VerificationPublic"} <= set(schemas)
    assert "HTTPValidationError" not in schemas
    assert "password_hash" not in response.text


async def test_docs_page_works_offline_under_a_strict_policy(client: httpx.AsyncClient) -> None:
    """The docs page, script and stylesheet come from us, with a CSP allowing only 'self'."""
    page = await client.get("/api/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert "<script>" not in page.text and 'src="/api/docs/docs.js"' in page.text
    script = await client.get("/api/docs/docs.js")
    style = await client.get("/api/docs/docs.css")
    assert script.headers["content-type"].startswith("text/javascript")
    assert style.headers["content-type"].startswith("text/css")
    for asset in (page.text, script.text, style.text):
        assert not re.search(r"https?://(?!mailwright\.dev)", asset)
        assert ".innerHTML" not in asset and "insertAdjacentHTML" not in asset
    assert "/api/v1/openapi.json" in script.text
