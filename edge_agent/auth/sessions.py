"""Who is signed in, and the CSRF token: Flask's signed session cookie holds a random session token (its
sha256 is the server-side row, so sign-out and user removal take effect at once) and this session's CSRF
token, which every state-changing request must send back as the ``csrf_token`` form field or the
``X-CSRF-Token`` header.
"""
from __future__ import annotations

import hmac
import secrets

from flask import g, request, session

from edge_agent.auth.errors import CsrfFailed
from edge_agent.auth.roles import User
from edge_agent.auth.services import auth_services

SESSION_KEY = "sid"
CSRF_KEY = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_USER = "edge_auth_user"


def current_user() -> User | None:
    """The signed-in staff member of this request, or None (looked up once per request)."""
    if _USER in g:
        return g.get(_USER)
    user = None
    token = session.get(SESSION_KEY)
    if isinstance(token, str) and token:
        services = auth_services()
        settings = services.settings
        user = services.store.session_user(token, settings.staff_idle_s, settings.staff_session_max_s)
        if user is None:
            session.pop(SESSION_KEY, None)  # expired, signed out elsewhere, or the user was removed
    setattr(g, _USER, user)
    return user


def sign_in(user: User) -> None:
    """Start a fresh session for ``user`` (a new cookie and CSRF token: no session fixation)."""
    settings = auth_services().settings
    token = auth_services().store.start_session(user.name, settings.staff_session_max_s)
    session.clear()
    session[SESSION_KEY] = token
    session[CSRF_KEY] = secrets.token_urlsafe(32)
    setattr(g, _USER, user)


def sign_out() -> None:
    """End this request's session, server side and in the cookie."""
    token = session.get(SESSION_KEY)
    if isinstance(token, str) and token:
        auth_services().store.end_session(token)
    session.clear()
    setattr(g, _USER, None)


def csrf_token() -> str:
    """This session's CSRF token (created on first use); also the Jinja global ``csrf_token()``."""
    token = session.get(CSRF_KEY)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session[CSRF_KEY] = token
    return token


def csrf_protect() -> None:
    """Raise CsrfFailed unless a state-changing request carries this session's CSRF token."""
    if request.method not in UNSAFE_METHODS:
        return
    expected = session.get(CSRF_KEY)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sent = request.form.get(CSRF_FIELD)
    if not isinstance(expected, str) or not expected or not isinstance(sent, str) \
            or not hmac.compare_digest(expected.encode("utf-8"), sent.encode("utf-8")):
        raise CsrfFailed()
