"""The chat API: POST /api/chat, POST /api/chat/stream (server-sent events), POST /api/session/messages and
/api/session/end; every call after the first of a session carries that client's token (session_binding)."""
from __future__ import annotations

import json
import logging
from typing import Any, Iterator

from flask import Blueprint, Response, current_app, jsonify, request, stream_with_context

from edge_agent.auth.ratelimit import client_address
from edge_agent.chat.service import Turn
from edge_agent.errors import BadRequest, EdgeError, NotFound
from edge_agent.sessions import check_session_id
from edge_agent.web import session_binding

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
    """Answer one message (the first of a new session binds it to this client)."""
    data = _body()
    sid = check_session_id(data.get("session_id"))
    token = session_binding.claim(sid)
    with session_binding.unbound_on_error(sid, token):
        body = _services().chat.answer(sid, data.get("message"), choice=data.get("choice"),
                                       collection=data.get("collection")).to_json()
    if token:
        body["session_token"] = token
    return session_binding.hand_out(jsonify(body), token)


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@bp.post("/chat/stream")
def chat_stream():
    """Answer one message as server-sent events: meta, delta…, done (or error)."""
    data = _body()
    sid = check_session_id(data.get("session_id"))
    token = session_binding.claim(sid)
    chat_service = _services().chat
    with session_binding.unbound_on_error(sid, token):
        turn: Turn = chat_service.begin(sid, data.get("message"), choice=data.get("choice"),
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
    return session_binding.hand_out(response, token)


@bp.post("/session/messages")
def session_messages():
    """Messages from a person to this client's session newer than `after` (the kiosk polls this after a
    handover); only those written since this client started the session."""
    data = _body()
    sid = check_session_id(data.get("session_id"))
    after = data.get("after", 0)
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise BadRequest("after must be a non-negative integer.")
    session = session_binding.owned(sid)
    if session is None:
        raise NotFound("There is no such conversation.")
    escalations = _services().escalations
    ticket = escalations.active_ticket(sid)
    messages = [m for m in escalations.tickets.agent_messages_for(sid, after) if m.ts >= session.started]
    return jsonify({"ok": True, "handover": ticket.status if ticket else None,
                    "messages": [{"id": m.id, "text": m.text, "ts": m.ts} for m in messages]})


@bp.post("/session/end")
def end_session():
    """Wipe this client's session: vault and history (the kiosk calls this on 'new conversation')."""
    sid = check_session_id(_body().get("session_id"))
    ended = session_binding.owned(sid) is not None and _services().sessions.end(sid)
    return jsonify({"ok": True, "ended": ended})
