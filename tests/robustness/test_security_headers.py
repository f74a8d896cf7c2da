"""Security headers on everything the gateway serves: pages, widget, API (also its errors and
4xx from fuzz-like input) and the WhatsApp webhook. CSP with frame-ancestors per tenant is
tested in tests/bot/test_api.py; here: nothing is served without nosniff, the API (errors
too) is never cached or framed, and pages allow no inline or eval'd script."""

import pytest

pytestmark = pytest.mark.asyncio

REQUESTS = [
    ("GET", "/", None),
    ("GET", "/demo/twente", None),
    ("GET", "/privacy", None),
    ("GET", "/widget.js", None),
    ("GET", "/healthz", None),
    ("GET", "/api/v1/tenants/twente", None),
    ("GET", "/api/v1/tenants/nope", None),
    ("POST", "/api/v1/conversations", b"{not json"),
    ("GET", "/api/v1/conversations/" + "a" * 30 + "/messages", None),
    ("DELETE", "/api/v1/conversations/" + "a" * 30, None),
    ("GET", "/api/v1/nothing-here", None),
    ("GET", "/nothing-here", None),
]


@pytest.mark.parametrize("method, path, body", REQUESTS)
async def test_every_answer_has_the_safe_headers(client, method, path, body):
    response = await client.request(method, path, data=body, headers={"Content-Type": "application/json"})
    assert response.status < 500
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    if path.startswith("/api/"):
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
        assert response.headers["Cache-Control"] == "no-store"
    elif response.status == 200 and response.content_type == "text/html":
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
