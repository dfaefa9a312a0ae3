"""Photo, voice and read-aloud on the real stack: `edge-agent serve` with EDGE_OCR/ASR/TTS on, the sample
knowledge base, Presidio, RapidOCR, Whisper base and espeak-ng. Slow (models load on the first request)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.edge_agent.media.media_samples import ESPEAK, cjk_font, render_text, speak_wav

requests = pytest.importorskip("requests")
pytest.importorskip("rapidocr", reason="pip install 'edge-agent[media]'")
pytest.importorskip("faster_whisper", reason="pip install 'edge-agent[media]'")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(cjk_font() is None or ESPEAK is None,
                                 reason="needs fonts-noto-cjk and espeak-ng (make browser media)")]

CARD = "6222021234567892348"  # a Luhn-valid 19-digit UnionPay test number
NAME = "王建国"
TIMEOUT = 240


def card_in(text: str) -> bool:
    """Whether the card digits appear in ``text`` with any spacing."""
    return re.search(r"[\s\-]*".join(CARD), text) is not None


def ask(server, route: str, field: str, data: bytes, filename: str, **fields: str) -> dict:
    session = requests.Session()
    response = session.post(server.url + route, data={"session_id": fields.pop("session_id"), **fields},
                            files={field: (filename, data)}, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response.json()


def sid(n: int) -> str:
    return f"7e0c{n:04d}-1a2b-4c3d-8e4f-5a6b7c8d9e0f"


def test_photo_of_a_question_is_answered_from_the_right_source(media_server) -> None:
    body = ask(media_server, "/api/ask/image", "image", render_text(["信用卡临时额度怎么调？"]), "q.png",
               session_id=sid(1))
    assert "临时额度" in body["transcript"]
    assert body["sources"] and body["sources"][0]["id"].startswith("bank/credit-limit-travel.zh.md")
    assert body["answer_kind"] in ("quoted", "generated") and "额度" in body["answer"]


def test_card_number_and_name_in_a_photo_reach_nothing(media_server) -> None:
    image = render_text(["信用卡临时额度怎么调？", f"持卡人：{NAME}", "卡号：6222 0212 3456 7892 348"], fmt="JPEG")
    body = ask(media_server, "/api/ask/image", "image", image, "letter.jpg", session_id=sid(2))
    raw = str(body)
    assert not card_in(raw) and NAME not in raw, body
    assert "<CREDIT_CARD_1>" in body["transcript"], body["transcript"]
    assert {r["type"] for r in body["redactions"]} >= {"CREDIT_CARD"}
    assert body["sources"] and body["sources"][0]["id"].startswith("bank/credit-limit-travel.zh.md")
    assert_nowhere_on_disk(media_server.data_dir, [media_server.stdout, media_server.stderr])


def assert_nowhere_on_disk(data_dir: Path, logs: list[Path]) -> None:
    """Neither the card (any spacing) nor the name in any file the service wrote (SQLite, WAL, logs, Chroma)."""
    for path in [p for p in data_dir.rglob("*") if p.is_file()] + logs:
        text = path.read_bytes().decode("utf-8", "replace")
        assert not card_in(text), f"the card number is in {path}"
        assert NAME not in text, f"the name is in {path}"


def test_english_question_spoken_is_transcribed_and_answered(media_server) -> None:
    wav = speak_wav("How do I book the sleep clinic?", "en")
    body = ask(media_server, "/api/ask/voice", "audio", wav, "q.wav", session_id=sid(3))
    assert body["transcript_lang"] == "en" and "sleep" in body["transcript"].lower()
    assert body["sources"] and body["sources"][0]["id"].startswith("clinic/sleep-clinic.en.md")


@pytest.mark.xfail(strict=True, reason="Whisper base cannot understand espeak-ng's Mandarin (CER ~100% in "
                                       "benchmarks/bench_media.py); a real or neural Chinese voice is needed")
def test_chinese_question_spoken_is_transcribed_and_answered(media_server) -> None:
    wav = speak_wav("信用卡临时额度怎么调？", "zh", rate=130)
    body = ask(media_server, "/api/ask/voice", "audio", wav, "q.wav", session_id=sid(5), lang="zh")
    assert body["transcript_lang"] == "zh" and "额度" in body["transcript"]
    assert body["sources"] and body["sources"][0]["id"].startswith("bank/credit-limit-travel.zh.md")


@pytest.mark.parametrize(("text", "lang"), [("出国前可以申请临时额度，最多上调百分之五十。", "zh"),
                                             ("The sleep clinic is open on Tuesday and Thursday mornings.", "en")])
def test_read_aloud_returns_audio(media_server, text: str, lang: str) -> None:
    response = requests.post(media_server.url + "/api/speak", json={"text": text, "lang": lang}, timeout=60)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("audio/wav")
    assert response.content[:4] == b"RIFF" and len(response.content) > 40_000


def test_serve_answers_before_any_media_model_is_loaded(media_server) -> None:
    """The engines load on first use: /healthz answered long before any OCR or speech request (start_server
    waited for it), and the page offers the buttons."""
    page = requests.get(media_server.url + "/", timeout=30).text
    assert 'id="photo-button"' in page and 'id="voice-button"' in page and 'data-tts="on"' in page


def test_rss_with_all_three_loaded_stays_under_1_6_gb(media_server) -> None:
    """After photos, recordings and read-aloud (the tests above loaded every engine), the serving process's
    resident set, peak included, is within the issue's budget of 1.6 GB."""
    wav = speak_wav("How do I book the sleep clinic?", "en")
    ask(media_server, "/api/ask/voice", "audio", wav, "q.wav", session_id=sid(7), mode="transcribe")
    ask(media_server, "/api/ask/image", "image", render_text(["信用卡临时额度怎么调？"]), "q.png", session_id=sid(8),
        mode="transcribe")
    status = Path(f"/proc/{media_server.proc.pid}/status").read_text()
    kb = {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in status.splitlines()) if k in
          ("VmRSS", "VmHWM")}
    print(f"serve with OCR, ASR and TTS loaded: RSS {kb['VmRSS'] / 1024:.0f} MB, peak {kb['VmHWM'] / 1024:.0f} MB")
    assert kb["VmHWM"] <= 1.6 * 1024 * 1024, kb
