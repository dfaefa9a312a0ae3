"""The human agent's queue: /agent page and /api/agent/... (claim, read, reply, close). Agents only (not admins)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from edge_agent.audit.staff_events import record_in_request
from edge_agent.auth import current_user, require_role
from edge_agent.errors import BadRequest
from edge_agent.tickets import OUTCOMES, PAGE_SIZE

bp = Blueprint("agent", __name__)
AGENT_ROLES = ("agent",)  # not admin: who manages accounts does not read transcripts (issue 12, Medium 7)
STATUSES = ("open", "claimed", "closed", "all")
MAX_REPLY_CHARS = 4000
MAX_PAGE = 100_000


def _services():
    return current_app.extensions["edge_agent"]


def _json() -> dict:
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    return data


@bp.get("/agent")
@require_role(*AGENT_ROLES)
def page():
    """The queue page."""
    return render_template("agent.html", user=current_user(), outcomes=OUTCOMES)


@bp.get("/api/agent/tickets")
@require_role(*AGENT_ROLES)
def tickets():
    """One page of tickets by status (open by default): fraud and distress first, then oldest first."""
    status = request.args.get("status", "open")
    if status not in STATUSES:
        raise BadRequest(f"status must be one of {', '.join(STATUSES)}")
    page = request.args.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= MAX_PAGE:
        raise BadRequest(f"page must be a number from 1 to {MAX_PAGE}.")
    store, wanted = _services().escalations.tickets, None if status == "all" else status
    total, number = store.count(wanted), int(page)
    found = store.list(wanted, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    return jsonify({"ok": True, "tickets": [t.to_json() for t in found], "total": total, "page": number,
                    "per_page": PAGE_SIZE, "pages": max(1, -(-total // PAGE_SIZE))})


@bp.get("/api/agent/tickets/<int:ticket_id>")
@require_role(*AGENT_ROLES)
def ticket(ticket_id: int):
    """A ticket with its redacted transcript and the messages since the handover."""
    services = _services()
    found = services.escalations.tickets.get(ticket_id)
    transcript = [{"ts": t["ts"], "question": t["question"], "answer": t["answer"], "answer_kind": t["answer_kind"]}
                  for t in services.store.turns(found.session_id)]
    messages = [m.to_json() for m in services.escalations.tickets.messages(ticket_id)]
    return jsonify({"ok": True, "ticket": found.to_json(), "transcript": transcript, "messages": messages})


@bp.post("/api/agent/tickets/<int:ticket_id>/claim")
@require_role(*AGENT_ROLES)
def claim(ticket_id: int):
    """Take a ticket (409 if another agent has it); the claim is a signed staff event."""
    agent = current_user().name
    claimed = _services().escalations.tickets.claim(ticket_id, agent)
    record_in_request(agent, "ticket_claim", f"ticket {ticket_id}", claimed.reason)
    return jsonify({"ok": True, "ticket": claimed.to_json()})


@bp.post("/api/agent/tickets/<int:ticket_id>/reply")
@require_role(*AGENT_ROLES)
def reply(ticket_id: int):
    """Reply to the customer; the text passes the output guard and is recorded."""
    text = _json().get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadRequest("text must not be empty.")
    if len(text) > MAX_REPLY_CHARS:
        raise BadRequest(f"A reply is at most {MAX_REPLY_CHARS} characters.")
    services = _services()
    message = services.escalations.agent_reply(ticket_id, current_user().name, text.strip())
    services.chat.record_agent_reply(services.escalations.tickets.get(ticket_id), message)
    return jsonify({"ok": True, "message": message.to_json()})


@bp.post("/api/agent/tickets/<int:ticket_id>/close")
@require_role(*AGENT_ROLES)
def close(ticket_id: int):
    """Close a ticket with an outcome."""
    outcome = _json().get("outcome")
    if outcome not in OUTCOMES:
        raise BadRequest(f"outcome must be one of {', '.join(OUTCOMES)}")
    return jsonify({"ok": True, "ticket": _services().escalations.tickets.close(
        ticket_id, current_user().name, outcome).to_json()})
