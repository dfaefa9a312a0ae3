"""Response headers for staff pages: no caching, no framing, scripts and styles from this site only."""
from __future__ import annotations

from flask import Response, request

from edge_agent.auth.policy import is_public

STAFF_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
             "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def staff_headers(response: Response) -> Response:
    """After every request to a staff route (and /login): add the headers unless the view set its own."""
    endpoint = request.endpoint
    if endpoint is None or (is_public(endpoint) and endpoint != "auth.login"):
        return response
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("Content-Security-Policy", STAFF_CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response
