"""GET /healthz: ready or not, model id, knowledge count, model servers — fast even while the model is busy."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Readiness for load balancers and the kiosk launcher."""
    services = current_app.extensions["edge_agent"]
    chunks = services.knowledge.count()
    body = {"ok": True, "ready": chunks > 0, "model": services.model.model_id, "knowledge_chunks": chunks,
            "model_busy": services.gate.busy, "queue": services.gate.waiting}
    server_states = getattr(services.model, "server_states", None)
    if server_states is not None:  # generation on model servers (llm_url): each one's state
        body["model_servers"] = server_states()
    return jsonify(body)
