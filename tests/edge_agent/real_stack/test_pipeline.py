"""The whole path on the real stack: GGUF model, Chroma on disk, Presidio + our recognizers."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from edge_agent.chat import extract
from tests.conftest import ROOT, SAMPLE_KB
from tests.pii_values import UNIONPAY_19

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("question, expected_doc", [
    ("信用卡临时额度怎么调？", "bank/credit-limit-travel.zh.md"),
    ("How do I book the sleep clinic?", "clinic/sleep-clinic.en.md"),
    ("我的银行卡丢了，怎么挂失？", "bank/lost-card.zh.md"),
    ("What are the fever clinic's opening hours?", "clinic/fever-clinic.en.md"),
])
def test_right_source_first(real_services, question, expected_doc):
    reply = real_services.chat.answer("real-pipeline-1", question)
    assert reply.answer_kind in ("generated", "quoted")
    assert reply.sources[0].id.startswith(expected_doc + "#")
    assert reply.answer.strip()


def test_quoted_answers_are_the_source_verbatim(real_services):
    reply = real_services.chat.answer("real-pipeline-2", "How do I book the sleep clinic?")
    if reply.answer_kind == "quoted":
        source = real_services.knowledge.get_entries([reply.sources[0].id])[reply.sources[0].id].text
        # the sentences that answer, each verbatim and whole, in the source's order; the whole entry beside them
        assert (reply.full_answer or reply.answer) == source
        sentences = extract.sentences(source, "en")
        shown = extract.sentences(reply.answer, "en")
        assert shown and all(s in sentences for s in shown)
        assert [sentences.index(s) for s in shown] == sorted(sentences.index(s) for s in shown)


def test_unanswerable_is_declined(real_services):
    reply = real_services.chat.answer("real-pipeline-3", "What's the best stock to buy tomorrow?")
    assert reply.answer_kind == "declined" and reply.sources == ()
    assert "staff" in reply.answer


def test_real_guard_masks_input_and_notice(real_services):
    card = " ".join(UNIONPAY_19[i:i + 4] for i in range(0, 19, 4))
    reply = real_services.chat.answer("real-pipeline-4", f"我的卡号是{card}，信用卡临时额度怎么调？")
    assert [r.entity_type for r in reply.redactions] == ["CREDIT_CARD"]
    assert reply.notice and "银行卡号" in reply.notice
    turns = real_services.store.turns("real-pipeline-4")
    assert "<CREDIT_CARD_1>" in turns[-1]["question"] and "6222" not in turns[-1]["question"]


def test_offline_proof(tmp_path: Path):
    """The real pipeline, built and used with outbound sockets blocked: passes, and nothing tried to connect."""
    proc = subprocess.run([sys.executable, str(Path(__file__).with_name("offline_probe.py")),
                           str(tmp_path / "data"), str(ROOT / "models"), str(SAMPLE_KB)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["attempts"] == []
    assert [r["sources"][0]["id"].split("#")[0] for r in result["replies"]] == \
        ["bank/credit-limit-travel.zh.md", "clinic/sleep-clinic.en.md"]
