"""A photo with a card number and a name, read by the real RapidOCR and guarded by the real detector
(Presidio + our recognizers), asked through the real app on fakes for the model and the embedder: the card and
the name appear nowhere in the response or in any file the service wrote."""
from __future__ import annotations

import io
import re

import pytest

from edge_agent.knowledge.store import KnowledgeStore
from edge_agent.llm.backend import MockModel
from edge_agent.services import build_redactor, build_services
from edge_agent.web import create_app
from tests.edge_agent.media.media_samples import cjk_font, render_text
from tests.fakes import HashEmbedder

pytest.importorskip("rapidocr", reason="pip install 'edge-agent[media]'")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(cjk_font() is None, reason="fonts-noto-cjk (make browser)")]

CARD = "6222021234567892348"
NAME = "王建国"
SID = "5d1e6f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a"


def card_in(text: str) -> bool:
    return re.search(r"[\s\-]*".join(CARD), text) is not None


@pytest.fixture
def real_guard_client(settings, fake_kb_template):
    import dataclasses
    import shutil

    settings = dataclasses.replace(settings, ocr=True)
    shutil.copytree(fake_kb_template(settings.chunk_max_chars), settings.chroma_dir, dirs_exist_ok=True)
    services = build_services(settings, model=MockModel(), redactor=build_redactor(settings),
                              knowledge=KnowledgeStore(settings.chroma_dir, HashEmbedder()))
    yield create_app(services=services).test_client(), settings
    services.store.close()


def test_card_and_name_on_a_photo_reach_nothing(real_guard_client) -> None:
    client, settings = real_guard_client
    image = render_text(["信用卡临时额度怎么调？", f"持卡人：{NAME}", "卡号：6222 0212 3456 7892 348"], fmt="JPEG")
    response = client.post("/api/ask/image", data={"session_id": SID, "image": (io.BytesIO(image), "letter.jpg")},
                           content_type="multipart/form-data")
    body = response.get_json()
    assert response.status_code == 200, body
    raw = response.get_data(as_text=True)
    assert not card_in(raw) and NAME not in raw, body["transcript"]
    assert "<CREDIT_CARD_1>" in body["transcript"] and "临时额度" in body["transcript"]
    assert {r["type"] for r in body["redactions"]} >= {"CREDIT_CARD", "PERSON"}
    for path in [p for p in settings.data_dir.rglob("*") if p.is_file()]:
        text = path.read_bytes().decode("utf-8", "replace")
        assert not card_in(text) and NAME not in text, f"found in {path}"
