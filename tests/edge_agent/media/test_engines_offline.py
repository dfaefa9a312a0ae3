"""The real engines in-process with every socket refused: RapidOCR reads rendered text and Whisper hears an
espeak-ng question from the files they ship with or that `models prepare` checked; nothing is downloaded."""
from __future__ import annotations

import socket

import pytest

from edge_agent.media.asr import SpeechRecogniser
from edge_agent.media.ocr import OcrEngine
from edge_agent.media.speech_model import prepare_speech_model, read_speech_manifest
from tests.conftest import ROOT
from tests.edge_agent.media.media_samples import ESPEAK, cjk_font, render_text, speak_wav

pytestmark = pytest.mark.slow


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("a media engine tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.skipif(cjk_font() is None, reason="fonts-noto-cjk is not installed (make browser)")
def test_ocr_reads_a_rendered_question_offline(no_network) -> None:
    pytest.importorskip("rapidocr")
    engine = OcrEngine(threads=2)
    assert not engine.loaded
    result = engine.recognise(render_text(["信用卡临时额度怎么调？", "卡号 6222 0212 3456 7892 348"]), 5 << 20)
    assert engine.loaded
    assert result.lines[0] == "信用卡临时额度怎么调？"
    assert result.lines[1].replace(" ", "") == "卡号6222021234567892348"


@pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed (make media)")
def test_whisper_hears_an_english_question_offline(no_network) -> None:
    pytest.importorskip("faster_whisper")
    prepare_speech_model(ROOT / "models")
    spec = read_speech_manifest(ROOT / "models")
    asr = SpeechRecogniser(spec.directory, spec.sha256, threads=2)
    result = asr.transcribe(speak_wav("I lost my bank card, what should I do?", "en", rate=160), 60)
    assert result.lang == "en"
    assert "lost my bank card" in result.text.lower()
