"""The Flask application factory: one blueprint per area, services in app.extensions."""
from __future__ import annotations

from flask import Flask

from edge_agent import auth
from edge_agent.config import Settings
from edge_agent.services import Services, build_services
from edge_agent.web import (
    agent,
    api,
    audit,
    errors,
    feedback,
    health,
    insights,
    kb_admin,
    kb_drafts,
    kiosk,
    media,
    metrics,
    security,
)

EXTENSION = "edge_agent"


def create_app(settings: Settings | None = None, services: Services | None = None) -> Flask:
    """Build the app; tests pass settings (and may pass prepared services)."""
    settings = settings or (services.settings if services else Settings.load())
    app = Flask(__name__)
    # A request body can hold at most the message limit in 4-byte UTF-8 or \\uXXXX escapes, plus JSON framing.
    app.config["MAX_CONTENT_LENGTH"] = settings.max_message_chars * 12 + 4096
    app.config["JSON_AS_ASCII"] = False
    app.json.ensure_ascii = False
    security.register(app)  # before auth: its after-request runs last, so staff pages keep their stricter CSP
    auth.init_app(app, settings)  # staff sign-in; raises SecretKeyError (before any model loads) without the key
    app.extensions[EXTENSION] = services or build_services(settings)
    errors.register(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(kiosk.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(agent.bp)
    app.register_blueprint(kb_admin.bp)
    app.register_blueprint(insights.bp)  # /insights for managers (k-anonymous aggregates)
    app.register_blueprint(kb_drafts.bp)  # /admin/kb/draft: a knowledge gap becomes a draft FAQ entry
    app.register_blueprint(feedback.bp)  # POST /api/feedback: the kiosk's 👍/👎
    media.init_app(app)  # /api/ask/image, /api/ask/voice, /api/speak (engines load on first use)
    metrics.init_app(app)  # GET /metrics; wraps the chat path's parts in timing proxies
    return app


def services_of(app: Flask) -> Services:
    """The services of an app."""
    return app.extensions[EXTENSION]
