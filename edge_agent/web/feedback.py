"""POST /api/feedback: the kiosk customer's 👍/👎 (and an optional fixed reason) on one of their answers.

Anonymous like the chat API: the vote must come from the client the live session belongs to (its token,
session_binding.py), and it is stored only on a turn of that session (edge_agent/insights/schema.py).
No free text is accepted: the reason is one of three codes.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request

from edge_agent.errors import BadRequest, NotFound
from edge_agent.insights.schema import REASONS, VOTES
from edge_agent.sessions import check_session_id
from edge_agent.web import session_binding

bp = Blueprint("feedback", __name__, url_prefix="/api")


@bp.post("/feedback")
def submit() -> Any:
    """Store the vote on the session's turn (a second vote on the same answer replaces the first)."""
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    sid = check_session_id(data.get("session_id"))
    turn_id, vote, reason = data.get("turn_id"), data.get("vote"), data.get("reason") or ""
    if not isinstance(turn_id, int) or isinstance(turn_id, bool) or turn_id < 1:
        raise BadRequest("turn_id must be a positive integer.")
    if vote not in VOTES:
        raise BadRequest("vote must be up or down.")
    if reason and (vote != "down" or reason not in REASONS):
        raise BadRequest(f"reason must be one of {', '.join(REASONS)}, with a down vote.")
    if session_binding.owned(sid) is None:  # another client's session is a 403 (SessionForbidden)
        raise NotFound("There is no such conversation.")
    if not current_app.extensions["edge_agent"].store.record_feedback(sid, turn_id, vote, reason):
        raise NotFound("There is no such answer in this conversation.")
    return jsonify({"ok": True, "vote": vote, "reason": reason})
