"""Who may use which route: ``require_role`` on views, an explicit list of public endpoints, and a
before-request check that refuses any other endpoint (default deny) and checks CSRF on unsafe methods.
"""
from __future__ import annotations

import functools
import logging
from typing import Any, Callable, TypeVar
from urllib.parse import urlsplit

from flask import Response, current_app, g, redirect, request, url_for

from edge_agent.auth.errors import Forbidden, SignInRequired
from edge_agent.auth.roles import STAFF_ROLES
from edge_agent.auth.sessions import UNSAFE_METHODS, csrf_protect, current_user

log = logging.getLogger("edge_agent.auth")

# Endpoints anyone may use, with the reason. Everything else needs a require_role() decorator.
PUBLIC_ENDPOINTS: dict[str, str] = {
    "kiosk.page": "the customer kiosk page",
    "api.chat": "kiosk chat (anonymous; no cookie authority, so no CSRF token)",
    "api.chat_stream": "kiosk chat, streamed",
    "api.end_session": "kiosk 'new conversation' (of the caller's own session: its session token)",
    "api.session_messages": "kiosk polls a person's replies after a handover (needs the session token)",
    "feedback.submit": "kiosk 👍/👎 on an answer of the caller's own session (needs the session token)",
    "media.ask_image": "kiosk: ask by photo (anonymous, like api.chat; the photo is never stored)",
    "media.ask_voice": "kiosk: ask by voice (anonymous, like api.chat; the recording is never stored)",
    "media.speak": "kiosk: an answer read aloud (no data is kept)",
    "health.healthz": "readiness probe",
    "metrics.metrics": "Prometheus scrape: checks its own rule (loopback peers, or the metrics_token)",
    "static": "CSS and scripts (no data)",
    "auth.login": "the sign-in form itself",
}
# Public endpoints whose unsafe methods still need the CSRF token (login CSRF).
CSRF_ON_PUBLIC: frozenset[str] = frozenset({"auth.login"})
ROLES_ATTR = "edge_required_roles"
_CHECKED = "edge_auth_checked"
F = TypeVar("F", bound=Callable[..., Any])


def is_public(endpoint: str) -> bool:
    """Whether an endpoint is deliberately open to anonymous callers."""
    return endpoint in PUBLIC_ENDPOINTS or endpoint.endswith(".static")


def required_roles(view: Callable[..., Any] | None) -> frozenset[str] | None:
    """The roles a view was decorated with, or None when it has no access rule."""
    return getattr(view, ROLES_ATTR, None)


def is_api_path(path: str) -> bool:
    """JSON routes answer 401 instead of redirecting to the sign-in page."""
    return path == "/api" or path.startswith("/api/")


def safe_next(target: object) -> str | None:
    """``target`` if it is a path on this site (no scheme, host, '//' or backslash), else None."""
    if not isinstance(target, str) or not target.startswith("/") or len(target) > 2000:
        return None
    if target.startswith("//") or "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _signed_out() -> Response:
    if is_api_path(request.path):
        raise SignInRequired()
    target = request.path + (f"?{request.query_string.decode('latin-1')}" if request.query_string else "")
    return redirect(url_for("auth.login", next=target), 302 if request.method in ("GET", "HEAD") else 303)


def check_access(roles: frozenset[str]) -> Response | None:
    """None when the signed-in user has one of ``roles``; a redirect to sign in (pages) or raises."""
    user = current_user()
    if user is None:
        return _signed_out()
    if user.role not in roles:
        raise Forbidden()
    if request.method in UNSAFE_METHODS:
        csrf_protect()
    setattr(g, _CHECKED, request.endpoint)
    return None


def require_role(*roles: str) -> Callable[[F], F]:
    """Let only signed-in staff with one of ``roles`` use the view (CSRF checked on unsafe methods)."""
    unknown = set(roles) - set(STAFF_ROLES)
    if not roles or unknown:
        raise ValueError(f"require_role needs staff roles from {STAFF_ROLES}, got {roles!r}")
    allowed = frozenset(roles)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if g.get(_CHECKED) != request.endpoint:  # the before-request check normally did this already
                response = check_access(allowed)
                if response is not None:
                    return response
            return view(*args, **kwargs)

        setattr(guarded, ROLES_ATTR, allowed)
        return guarded  # type: ignore[return-value]

    return decorate


def enforce() -> Response | None:
    """Before every request: public endpoints pass, decorated ones are checked, the rest are refused."""
    endpoint = request.endpoint
    if endpoint is None:  # no route matched: the 404/405 handlers answer
        return None
    if is_public(endpoint):
        if request.method in UNSAFE_METHODS and endpoint in CSRF_ON_PUBLIC:
            csrf_protect()
        return None
    roles = required_roles(current_app.view_functions.get(endpoint))
    if roles is None:
        log.error("refused %s: endpoint %s has no require_role() and is not public", request.method, endpoint)
        raise Forbidden("This address has no access rule. 此地址未设置访问权限。")
    return check_access(roles)
