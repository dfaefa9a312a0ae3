"""Ask by photo, ask by voice, read an answer aloud (issue 14): POST /api/ask/image, /api/ask/voice, /api/speak.

The photo or recording is read into memory (never spooled to a temporary file), recognised, and the text goes
through the input guard before anything else sees it: with ``mode=answer`` (the default) it is asked like a
typed message and the response is /api/chat's plus ``transcript``, the recognised text redacted; with
``mode=transcribe`` only the redacted transcript comes back (the kiosk shows it to be checked and edited). The
upload is dropped when the request ends; it reaches no log, file or store.
"""
from __future__ import annotations

import io
from typing import IO, Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from werkzeug.datastructures import MultiDict
from werkzeug.formparser import FormDataParser

from edge_agent.auth.ratelimit import client_address
from edge_agent.chat.service import clean_message
from edge_agent.errors import BadRequest, UnsupportedMediaType
from edge_agent.media.asr import BYTES_PER_SECOND
from edge_agent.media.engines import MediaEngines
from edge_agent.sessions import check_session_id
from edge_agent.web import session_binding
from guardrails.redactor import Redaction

bp = Blueprint("media", __name__, url_prefix="/api")
EXTENSION = "edge_agent_media"
MODES = ("answer", "transcribe")
FORM_FIELDS_BYTES = 64 * 1024  # session id, mode, collection, lang: small text fields


def init_app(app: Flask) -> None:
    """Register the routes and the (not yet loaded) engines the settings switch on."""
    app.extensions[EXTENSION] = MediaEngines.from_settings(app.extensions["edge_agent"].settings)
    app.register_blueprint(bp)


def engines() -> MediaEngines:
    """This app's media engines."""
    return current_app.extensions[EXTENSION]


def _services() -> Any:
    return current_app.extensions["edge_agent"]


@bp.before_request
def _rate_limit() -> None:
    """Photos, recordings and read-aloud count against the same per-address chat rate as typed messages."""
    limits = _services().escalations.limits
    if limits is not None:
        limits.check(limits.chat, client_address(), None)


def _in_memory(total_content_length: int | None, content_type: str | None, filename: str | None,
               content_length: int | None = None) -> IO[bytes]:
    """Werkzeug's stream factory: uploads are held in memory (its default spools large ones to a temp file)."""
    return io.BytesIO()


def _multipart(upload: str, max_bytes: int) -> tuple[MultiDict[str, str], bytes]:
    """The form fields and the bytes of the upload named ``upload``, read without touching the disk."""
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType("Send the file as multipart/form-data.")
    limit = max_bytes + FORM_FIELDS_BYTES
    request.max_content_length = limit  # this route's own limit instead of the app's (typed messages only)
    parser = FormDataParser(stream_factory=_in_memory, max_form_memory_size=limit,
                            max_content_length=limit, max_form_parts=16)
    _, form, files = parser.parse(request.stream, request.mimetype, request.content_length, request.mimetype_params)
    upload_file = files.get(upload)
    if upload_file is None:
        raise BadRequest(f"The request needs a file field named {upload}.")
    data = upload_file.stream.read()
    upload_file.close()
    return form, data


def _mode(form: MultiDict[str, str]) -> str:
    mode = form.get("mode", "answer") or "answer"
    if mode not in MODES:
        raise BadRequest("mode must be 'answer' or 'transcribe'.")
    return mode


def _answer(form: MultiDict[str, str], text: str, extra: dict[str, Any]) -> Response:
    """Guard the recognised text and ask it (``mode=answer``) or hand back the redacted transcript."""
    services = _services()
    sid = check_session_id(form.get("session_id"))
    text = clean_message(text[:services.settings.max_message_chars], services.settings.max_message_chars)
    token = session_binding.claim(sid)
    with session_binding.unbound_on_error(sid, token):
        if _mode(form) == "transcribe":
            guarded: Redaction = services.redactor.redact(text, services.sessions.get(sid).vault)
            body = {"ok": True, "session_id": sid, "transcript": guarded.text,
                    "redactions": [{"type": c.entity_type, "count": c.count} for c in guarded.counts]}
        else:
            reply = services.chat.answer(sid, text, collection=form.get("collection") or None)
            body = reply.to_json()
            body["transcript"] = reply.question
    del text
    body.update(extra)
    if token:
        body["session_token"] = token
    return session_binding.hand_out(jsonify(body), token)


@bp.post("/ask/image")
def ask_image() -> Response:
    """A photo of a question (PNG/JPEG ≤ media_max_image_bytes): its text, redacted, asked or handed back."""
    engine = engines().need_ocr()
    max_bytes = _services().settings.media_max_image_bytes
    form, data = _multipart("image", max_bytes)
    result = engine.recognise(data, max_bytes)
    del data
    return _answer(form, result.text, {"ocr_seconds": round(result.seconds, 3)})


@bp.post("/ask/voice")
def ask_voice() -> Response:
    """A recording of a question (WAV/WebM/Ogg ≤ media_max_audio_seconds): its words, redacted, asked or back."""
    engine = engines().need_asr()
    seconds = _services().settings.media_max_audio_seconds
    form, data = _multipart("audio", int(seconds * BYTES_PER_SECOND))
    lang = form.get("lang") or None
    transcript = engine.transcribe(data, seconds, lang)
    del data
    return _answer(form, transcript.text, {"transcript_lang": transcript.lang,
                                           "asr_seconds": round(transcript.seconds, 3)})


@bp.post("/speak")
def speak() -> Response:
    """WAV audio of a text (JSON {text, lang?, rate?, source?}): an answer as the kiosk shows it (already guarded)
    or, with ``source: "question"``, the customer's own words read back before sending, which are guarded here
    first (a card number is never said aloud in the hall). Placeholders and masks are read as "hidden"; the
    audio is not cached or stored."""
    speaker = engines().need_tts()
    if request.mimetype != "application/json":
        raise UnsupportedMediaType()
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    text = clean_message(data.get("text"), _services().settings.max_message_chars)
    lang = data.get("lang") if data.get("lang") in ("zh", "en") else None
    rate = "slow" if data.get("rate") == "slow" else "normal"
    if data.get("source") == "question":
        text = _services().redactor.redact(text, None).text
    speech = speaker.speak(text, lang, rate)
    response = Response(speech.wav, mimetype="audio/wav")
    response.headers["Cache-Control"] = "no-store"
    return response


def media_features(app: Flask) -> dict[str, bool]:
    """What the kiosk page may offer (for its template)."""
    found = app.extensions.get(EXTENSION)
    return found.features() if found is not None else {"ocr": False, "asr": False, "tts": False}
