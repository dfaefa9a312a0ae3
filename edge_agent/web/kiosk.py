"""GET /: the kiosk page (all assets served locally)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

from guardrails.entities import LANGS, hidden_strings

bp = Blueprint("kiosk", __name__)


@bp.get("/")
def page():
    """The customer-facing chat page."""
    settings = current_app.extensions["edge_agent"].settings
    return render_template("kiosk.html", default_lang=settings.default_lang, max_chars=settings.max_message_chars,
                           collection=settings.kiosk_collection,
                           hidden={lang: hidden_strings(lang) for lang in LANGS})
