"""GET /: the kiosk page (all assets served locally)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

from edge_agent.web.media import media_features
from guardrails.entities import LANGS, hidden_strings

bp = Blueprint("kiosk", __name__)


@bp.get("/")
def page():
    """The customer-facing chat page (photo, voice and read-aloud buttons where the settings switch them on)."""
    settings = current_app.extensions["edge_agent"].settings
    return render_template("kiosk.html", default_lang=settings.default_lang, max_chars=settings.max_message_chars,
                           collection=settings.kiosk_collection,
                           hidden={lang: hidden_strings(lang) for lang in LANGS},
                           idle_reset_seconds=settings.kiosk_idle_seconds,
                           idle_reset_elderly_seconds=settings.kiosk_idle_elderly_seconds,
                           media=media_features(current_app),
                           max_image_bytes=settings.media_max_image_bytes,
                           max_audio_seconds=settings.media_max_audio_seconds)
