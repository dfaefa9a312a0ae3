"""Each chat session belongs to the client that started it (issue 12, Medium 3).

The first message of a new session binds it to the client's token: browsers get it as an HttpOnly,
SameSite=Strict cookie (sent back by every same-origin fetch, no script needed), other clients read it from
the ``X-Session-Token`` response header (and ``session_token`` in /api/chat's body) and send it back in an
``X-Session-Token`` request header. Later messages, polls and 'end' of that session without the token get 403;
a session id with an open ticket cannot be taken over by a new client after a restart.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Response, current_app, request

from edge_agent.auth.ratelimit import client_address
from edge_agent.errors import SessionForbidden
from edge_agent.sessions import ChatSession

COOKIE = "edge_chat_token"
HEADER = "X-Session-Token"
TOKEN = re.compile(r"^[A-Za-z0-9_\-]{32,128}$")


def _token_of_request() -> str | None:
    """The client's token from the header (API clients) or the cookie (browsers), if well-formed."""
    for candidate in (request.headers.get(HEADER, ""), request.cookies.get(COOKIE, "")):
        if TOKEN.match(candidate):
            return candidate
    return None


def owner_of(token: str) -> str:
    """What the registry keeps of a token: its sha256 (the token itself is never stored)."""
    return hashlib.sha256(token.encode()).hexdigest()


def claim(session_id: str) -> str | None:
    """Before a message: bind a new session to this client (its token, new if it had none, is returned to hand
    out) or check an existing one is this client's (None). Raises SessionForbidden otherwise."""
    services = current_app.extensions["edge_agent"]
    token = _token_of_request() or secrets.token_urlsafe(32)
    if not services.sessions.claim(session_id, owner_of(token), client_address()):
        return None
    if services.escalations.tickets.active_for(session_id) is not None:
        services.sessions.end(session_id)  # someone else's handover (the server restarted): not for this client
        raise SessionForbidden()
    return token


def owned(session_id: str) -> ChatSession | None:
    """The live session if this client owns it, None if there is none; SessionForbidden if another does."""
    token = _token_of_request()
    sessions = current_app.extensions["edge_agent"].sessions
    return sessions.owned(session_id, owner_of(token) if token else "\0")


def hand_out(response: Response, token: str | None) -> Response:
    """Give a newly bound session's token to the client: cookie for browsers, header for the rest."""
    if token is None:
        return response
    response.headers[HEADER] = token
    response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", secure=request.is_secure, path="/api")
    return response


@contextmanager
def unbound_on_error(session_id: str, token: str | None) -> Iterator[None]:
    """A session bound by a message that then failed (400, 413, 503…) is forgotten: its token never reached the
    client, so the client's retry must be able to bind it again."""
    try:
        yield
    except Exception:
        if token is not None:
            current_app.extensions["edge_agent"].sessions.end(session_id)
        raise
