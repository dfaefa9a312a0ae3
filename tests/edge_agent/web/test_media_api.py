"""POST /api/ask/image, /api/ask/voice and /api/speak with fake recognisers: the guard runs on recognised
text, the response is /api/chat's plus the redacted transcript, and nothing of the upload is kept."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from edge_agent.media.asr import Transcript, decode_audio
from edge_agent.media.engines import MediaEngines
from edge_agent.media.ocr import OcrResult, decode_image
from edge_agent.media.tts import Speaker
from edge_agent.web.media import EXTENSION
from tests.edge_agent.media.media_samples import ESPEAK, cjk_font, render_text, silence_wav

pytestmark = pytest.mark.skipif(cjk_font() is None, reason="fonts-noto-cjk is not installed (make browser)")
SID = "0b5e7c1a-9d2f-4e3b-8a6c-1f0e2d3c4b5a"
CARD = "6222021234567892348"
SAID = f"信用卡临时额度怎么调？我的卡号{CARD}，我是张三"


class FakeOcr:
    """Checks the image like the real engine, then 'reads' a fixed text."""

    def __init__(self, text: str) -> None:
        self.text, self.calls = text, 0

    def recognise(self, data: bytes, max_bytes: int) -> OcrResult:
        decode_image(data, max_bytes)
        self.calls += 1
        return OcrResult((self.text,), 0.01)


class FakeAsr:
    """Checks the recording like the real engine, then 'hears' a fixed text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def transcribe(self, data: bytes, max_seconds: float, lang: str | None = None) -> Transcript:
        samples = decode_audio(data, max_seconds)
        return Transcript(self.text, "zh", len(samples) / 16_000, 0.01)


@pytest.fixture
def media_app(app):
    app.extensions[EXTENSION] = MediaEngines(ocr=FakeOcr(SAID), asr=FakeAsr(SAID), tts=Speaker())
    return app


@pytest.fixture
def media_client(media_app):
    return media_app.test_client()


def post_image(client, data: bytes, **fields: str):
    return client.post("/api/ask/image", data={"session_id": SID, **fields, "image": (io.BytesIO(data), "q.png")},
                       content_type="multipart/form-data")


def test_off_by_default(client) -> None:
    response = post_image(client, render_text(["信用卡临时额度怎么调？"]))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "media_off"
    assert client.post("/api/speak", json={"text": "hi"}).status_code == 404
    page = client.get("/").get_data(as_text=True)
    assert 'id="photo-button"' not in page and 'id="voice-button"' not in page and "data-tts" not in page


def test_kiosk_page_offers_what_is_on_and_the_idle_reset(media_client) -> None:
    page = media_client.get("/").get_data(as_text=True)
    assert 'id="photo-button"' in page and 'id="voice-button"' in page and 'data-tts="on"' in page
    assert 'data-idle-reset-seconds="120"' in page and 'data-idle-reset-elderly-seconds="300"' in page
    assert "kiosk-media.js" in page and "kiosk-elderly.js" in page and "feedback.js" in page
    assert "media-src 'self' blob:" in page


def test_photo_is_answered_with_the_redacted_transcript(media_client, fake_services) -> None:
    response = post_image(media_client, render_text(["信用卡临时额度怎么调？"]))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["transcript"] == body["question"]
    assert "<CREDIT_CARD_1>" in body["transcript"] and "<PERSON_1>" in body["transcript"]
    assert {r["type"] for r in body["redactions"]} == {"CREDIT_CARD", "PERSON"}
    assert body["answer_kind"] and body["turn_id"] and "ocr_seconds" in body
    assert CARD not in response.get_data(as_text=True) and "张三" not in response.get_data(as_text=True)
    written = b"".join(p.read_bytes() for p in fake_services.settings.data_dir.rglob("*") if p.is_file())
    assert b"<CREDIT_CARD_1>" in written  # the turn was stored, redacted…
    assert CARD.encode() not in written and "张三".encode() not in written  # …and nothing raw beside it


def test_transcribe_mode_only_guards_and_returns_the_text(media_client, fake_services) -> None:
    response = post_image(media_client, render_text(["x"]), mode="transcribe")
    body = response.get_json()
    assert response.status_code == 200 and set(body) >= {"transcript", "redactions", "session_id"}
    assert "answer" not in body and CARD not in body["transcript"]
    # the same session vault: the card typed next gets the same placeholder
    assert fake_services.sessions.get(SID).vault is not None


def test_voice_is_answered_with_the_redacted_transcript(media_client) -> None:
    response = media_client.post("/api/ask/voice", data={"session_id": SID,
                                                         "audio": (io.BytesIO(silence_wav(1.0)), "v.wav")},
                                 content_type="multipart/form-data")
    body = response.get_json()
    assert response.status_code == 200, body
    assert "<CREDIT_CARD_1>" in body["transcript"] and body["transcript_lang"] == "zh"
    assert CARD not in response.get_data(as_text=True)


@pytest.mark.parametrize(("field", "data", "status", "code"), [
    ("image", b"GIF89a" + b"\0" * 100, 400, "unreadable_media"),  # not PNG/JPEG
    ("image", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, 400, "unreadable_media"),  # a PNG in name only
    ("other", b"\x89PNG\r\n\x1a\n", 400, "bad_request"),  # no file field named image
])
def test_bad_photos_are_refused(media_client, field: str, data: bytes, status: int, code: str) -> None:
    response = media_client.post("/api/ask/image", data={"session_id": SID, field: (io.BytesIO(data), "f")},
                                 content_type="multipart/form-data")
    assert response.status_code == status and response.get_json()["error"]["code"] == code


def test_a_photo_over_the_limit_is_413(media_client, fake_services) -> None:
    limit = fake_services.settings.media_max_image_bytes
    big = b"\x89PNG\r\n\x1a\n" + b"\0" * (limit + 70_000)
    response = post_image(media_client, big)
    assert response.status_code == 413


def test_json_instead_of_multipart_is_415(media_client) -> None:
    response = media_client.post("/api/ask/image", json={"session_id": SID, "image": "aGVsbG8="})
    assert response.status_code == 415


def test_a_bad_session_id_is_refused_before_anything_is_asked(media_client, media_app) -> None:
    response = post_image(media_client, render_text(["x"]), session_id="../../etc")
    assert response.status_code == 400


def test_the_upload_never_reaches_the_disk(media_client, fake_services, tmp_path: Path, monkeypatch) -> None:
    """Werkzeug spools uploads over 500 KB to a temporary file by default; this route keeps them in memory."""
    import tempfile

    def no_temp_files(*args, **kwargs):
        raise AssertionError("an upload was spooled to a temporary file")

    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", no_temp_files)
    monkeypatch.setattr(tempfile, "TemporaryFile", no_temp_files)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", no_temp_files)
    noisy = _noise_png(1200, 1200)  # random pixels do not compress: ~4.3 MB, under the 5 MB limit
    assert len(noisy) > 1_000_000
    assert post_image(media_client, noisy).status_code == 200
    written = b"".join(p.read_bytes() for p in fake_services.settings.data_dir.rglob("*") if p.is_file())
    assert noisy[1000:1064] not in written


def _noise_png(w: int, h: int) -> bytes:
    import os

    from PIL import Image

    buf = io.BytesIO()
    Image.frombytes("RGB", (w, h), os.urandom(w * h * 3)).save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed")
def test_speak_returns_wav_and_no_store(media_client) -> None:
    response = media_client.post("/api/speak", json={"text": "您的卡 <CREDIT_CARD_1> 已冻结。", "rate": "slow"})
    assert response.status_code == 200 and response.mimetype == "audio/wav"
    assert response.data.startswith(b"RIFF") and response.headers["Cache-Control"] == "no-store"


def test_speak_wants_json_text(media_client) -> None:
    assert media_client.post("/api/speak", data="hello", content_type="text/plain").status_code == 415
    assert media_client.post("/api/speak", json={"text": ""}).status_code == 400


@pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed")
def test_a_question_read_back_is_guarded_first(media_client) -> None:
    """The elderly mode reads the customer's question back: a card number in it is said as "hidden"."""
    read_back = media_client.post("/api/speak", json={"text": f"My card is {CARD}.", "lang": "en",
                                                      "source": "question"})
    hidden = media_client.post("/api/speak", json={"text": "My card is <CREDIT_CARD_1>.", "lang": "en"})
    spelled = media_client.post("/api/speak", json={"text": f"My card is {CARD}.", "lang": "en"})
    assert read_back.status_code == hidden.status_code == 200
    assert read_back.data == hidden.data and read_back.data != spelled.data


def test_waitress_keeps_a_photo_or_recording_in_memory(settings) -> None:
    """waitress spools request bodies over its inbuf_overflow to a temporary file: `serve` raises it above the
    largest photo and recording accepted (issue 14: never written to disk)."""
    import dataclasses

    from edge_agent.cli import build_server
    from tests.conftest import free_port

    srv = build_server(object(), dataclasses.replace(settings, port=free_port()))
    try:
        assert srv.adj.inbuf_overflow > settings.media_max_image_bytes
        assert srv.adj.inbuf_overflow > settings.media_max_audio_seconds * 192_000
    finally:
        srv.close()
