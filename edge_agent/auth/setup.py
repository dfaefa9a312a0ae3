"""Install staff sign-in into an app: the secret key (refusing to start without it), cookie flags, the
access check before every request, security headers, Jinja globals and the sign-in blueprint.
"""
from __future__ import annotations

import datetime as dt

from flask import Flask

from edge_agent.auth import views
from edge_agent.auth.headers import staff_headers
from edge_agent.auth.policy import enforce
from edge_agent.auth.roles import ROLE_LABELS
from edge_agent.auth.secret import load_secret_key
from edge_agent.auth.services import EXTENSION, build_auth
from edge_agent.auth.sessions import csrf_token, current_user
from edge_agent.config import Settings

COOKIE_NAME = "edge_staff"


def cookie_name(settings: Settings) -> str:
    """The staff cookie's name: with the ``__Host-`` prefix (Secure, Path=/, no Domain) over HTTPS."""
    return f"__Host-{COOKIE_NAME}" if settings.cookie_secure else COOKIE_NAME


def local_time(ts: float) -> str:
    """A timestamp as local 'YYYY-MM-DD HH:MM' (the Jinja filter ``staff_time``)."""
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def init_app(app: Flask, settings: Settings) -> None:
    """Configure sign-in for ``app``; raises SecretKeyError when the secret key file is missing or unsafe."""
    app.secret_key = load_secret_key(settings)
    app.config.update(
        SESSION_COOKIE_NAME=cookie_name(settings),
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_PATH="/",
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    app.extensions[EXTENSION] = build_auth(settings)
    app.before_request(enforce)
    app.after_request(staff_headers)
    app.jinja_env.globals.update(csrf_token=csrf_token, current_user=current_user, role_labels=ROLE_LABELS)
    app.jinja_env.filters["staff_time"] = local_time
    app.register_blueprint(views.bp)
