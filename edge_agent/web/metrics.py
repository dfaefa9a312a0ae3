"""GET /metrics in Prometheus text format, and the request counters every route feeds.

Who may scrape: with ``metrics_token`` empty (the default) only a client on this machine (a loopback TCP peer)
whose request did not come through a reverse proxy (no ``X-Forwarded-For``/``Forwarded`` header); with a token,
any client that sends ``Authorization: Bearer <token>``. Anyone else gets 403.
"""
from __future__ import annotations

import hmac
import ipaddress
import time

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from edge_agent.auth.errors import Forbidden
from edge_agent.metrics import Metrics, instrument

bp = Blueprint("metrics", __name__)
EXTENSION = "edge_agent_metrics"
PROXY_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")


def metrics_of(app: Flask) -> Metrics:
    """The metrics of an app."""
    return app.extensions[EXTENSION]


def may_scrape(token: str) -> bool:
    """Whether the current request may read /metrics (see the module docstring)."""
    if token:
        sent = request.headers.get("Authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    if any(h in request.headers for h in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address((request.remote_addr or "").split("%")[0]).is_loopback
    except ValueError:
        return False


@bp.get("/metrics")
def metrics():
    """The Prometheus exposition of this process."""
    if not may_scrape(current_app.extensions["edge_agent"].settings.metrics_token):
        raise Forbidden("Metrics are readable from this machine only, or with the metrics token.")
    body = generate_latest(metrics_of(current_app).registry)
    response = Response(body)
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


def _started() -> None:
    g.edge_metrics_started = time.perf_counter()


def _count(response: Response) -> Response:
    m = metrics_of(current_app)
    route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
    m.requests.labels(route, request.method, str(response.status_code)).inc()
    started = g.get("edge_metrics_started")
    if started is not None:
        m.request_seconds.labels(route).observe(time.perf_counter() - started)
    return response


def init_app(app: Flask) -> None:
    """Instrument the app's services, count every request and serve /metrics."""
    app.extensions[EXTENSION] = instrument(app.extensions["edge_agent"])
    app.before_request(_started)
    app.after_request(_count)
    app.register_blueprint(bp)
