"""Headers and request checks for every route (issue 12, Low): no framing, no MIME sniffing, JSON never
cached, JSON routes refuse other content types (a cross-origin ``text/plain`` form post must not be read
as JSON), and JSON nested too deeply is a 400. Staff pages get their stricter headers from
edge_agent.auth.headers first.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from flask.json.provider import DefaultJSONProvider

from edge_agent.errors import UnsupportedMediaType

JSON_BLUEPRINTS = ("api", "agent")  # routes whose bodies are JSON
FRAME_CSP = "frame-ancestors 'none'"


def require_json_body() -> None:
    """Before a JSON route: a request that carries a body must say it is application/json (415 otherwise)."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE") or request.blueprint not in JSON_BLUEPRINTS:
        return
    has_body = bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if has_body and request.mimetype != "application/json":
        raise UnsupportedMediaType()


def security_headers(response: Response) -> Response:
    """After every request: framing denied, no sniffing, no referrer; JSON and event streams never cached."""
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    csp = response.headers.get("Content-Security-Policy")
    if csp is None:
        response.headers["Content-Security-Policy"] = FRAME_CSP
    elif "frame-ancestors" not in csp:
        response.headers["Content-Security-Policy"] = f"{csp.rstrip('; ')}; {FRAME_CSP}"
    if response.mimetype in ("application/json", "text/event-stream"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


class DepthSafeJSONProvider(DefaultJSONProvider):
    """JSON bodies nested deeper than Python's recursion limit are malformed requests (400), not a 500: the
    parser's RecursionError becomes the ValueError every route already answers with its bad-request error."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON; too deeply nested is a ValueError."""
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def register(app: Flask) -> None:
    """Install the check, the headers and the depth-safe JSON parser on ``app``."""
    provider = DepthSafeJSONProvider(app)
    provider.ensure_ascii = app.json.ensure_ascii  # type: ignore[attr-defined]
    app.json = provider
    app.before_request(require_json_body)
    app.after_request(security_headers)
