"""The chat API: POST /api/chat, POST /api/chat/stream (server-sent events), POST /api/session/end."""
from __future__ import annotations

import json
import logging
from typing import Any, Iterator

from flask import Blueprint, Response, current_app, jsonify, request, stream_with_context

from edge_agent.auth.ratelimit import client_address
from edge_agent.chat.service import Turn
from edge_agent.errors import BadRequest, EdgeError
from edge_agent.sessions import check_session_id

bp = Blueprint("api", __name__, url_prefix="/api")
log = logging.getLogger("edge_agent.web")
RATE_LIMITED = ("api.chat", "api.chat_stream")  # anonymous messages: chat_rate_per_min per address and location


def _body() -> dict[str, Any]:
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    return data


def _services():
    return current_app.extensions["edge_agent"]


@bp.before_request
def _rate_limit() -> None:
    """429 with Retry-After when this address (or this kiosk location) sent more than its chat rate."""
    limits = _services().escalations.limits
    if request.endpoint in RATE_LIMITED and limits is not None:
        limits.check(limits.chat, client_address(), None)


@bp.post("/chat")
def chat():
    """Answer one message."""
    data = _body()
    return jsonify(_services().chat.answer(data.get("session_id"), data.get("message"), choice=data.get("choice"),
                                           collection=data.get("collection")).to_json())


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@bp.post("/chat/stream")
def chat_stream():
    """Answer one message as server-sent events: meta, delta…, done (or error)."""
    data = _body()
    chat_service = _services().chat
    turn: Turn = chat_service.begin(data.get("session_id"), data.get("message"), choice=data.get("choice"),
                                    collection=data.get("collection"))  # errors here get a status

    def events() -> Iterator[str]:
        try:
            for event, payload in chat_service.run(turn):
                yield _sse(event, payload)
        except EdgeError as err:
            yield _sse("error", err.body())
        except Exception as err:  # the stream has started: report in-band, never the exception's text
            log.error("stream failed: %s", type(err).__name__)
            yield _sse("error", EdgeError().body())

    response = Response(stream_with_context(events()), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    response.call_on_close(turn.release)
    return response


@bp.post("/session/messages")
def session_messages():
    """Messages from a person to this session newer than `after` (the kiosk polls this after a handover)."""
    data = _body()
    sid = check_session_id(data.get("session_id"))
    after = data.get("after", 0)
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise BadRequest("after must be a non-negative integer.")
    escalations = _services().escalations
    ticket = escalations.active_ticket(sid)
    messages = escalations.tickets.agent_messages_for(sid, after)
    return jsonify({"ok": True, "handover": ticket.status if ticket else None,
                    "messages": [{"id": m.id, "text": m.text, "ts": m.ts} for m in messages]})


@bp.post("/session/end")
def end_session():
    """Wipe a session's vault and history (the kiosk calls this on 'new conversation')."""
    sid = check_session_id(_body().get("session_id"))
    return jsonify({"ok": True, "ended": _services().sessions.end(sid)})
