"""models evaluate: drafts counted through the chat path, the figure stored per model and shown by models list."""
from __future__ import annotations

import json
import re

import pytest

from edge_agent.cli import main
from edge_agent.llm import grounding_eval
from edge_agent.llm.backend import MockModel
from edge_agent.llm.grounding_eval import GroundingReport, Question, figure_for, kb_questions

QUESTIONS = [Question("How do I report a lost card?", "en"), Question("信用卡临时额度怎么调？", "zh"),
             Question("When are branches open on Saturday?", "en"), Question("我的检查结果怎么查", "zh")]


class EchoModel(MockModel):
    """Answers every other draft by quoting its first source with a citation (grounded); the rest ramble."""

    def stream(self, prompt, params):
        self.prompts.append(prompt.text)
        if len(self.prompts) % 2:
            source = re.search(r"\[1\][^\n]*\n<<<\n(.*?)\n>>>", prompt.text, re.S).group(1)
            yield source[:160] + " [1]"
        else:
            yield "I think you should probably ask someone about it, maybe tomorrow."


def run(fake_services, model, questions=QUESTIONS):
    s = fake_services
    return grounding_eval.evaluate(settings=s.settings, model=model, knowledge=s.knowledge, redactor=s.redactor,
                                   questions=questions, question_set="test", sha256="ab" * 32)


def test_drafts_that_quote_their_source_pass_and_the_others_do_not(fake_services):
    model = EchoModel(model_id="echo")
    report = run(fake_services, model)
    assert report.questions == 4
    assert report.drafts == len(model.prompts) > 0  # every answered question went to the model
    assert report.passed == (report.drafts + 1) // 2
    assert sum(report.reasons.values()) == report.drafts
    assert report.reasons.get("quote_mode") is None  # answer_mode was forced to generate


def test_a_base_model_is_still_asked(fake_services):
    """answer_mode auto would quote without asking a plain model; the evaluation asks it anyway."""
    model = EchoModel(model_id="base", chat_format="plain")
    assert run(fake_services, model).drafts == len(model.prompts) > 0


def test_kb_questions_are_a_fixed_sample_of_headings(fake_services):
    first = kb_questions(fake_services.knowledge, limit=10)
    assert len(first) == 10 and first == kb_questions(fake_services.knowledge, limit=10)
    english = kb_questions(fake_services.knowledge, limit=0, lang="en")
    assert english and {q.lang for q in english} == {"en"}
    assert len(kb_questions(fake_services.knowledge, limit=0)) > len(english)


def test_saved_reports_replace_older_ones_per_model(tmp_path):
    old = GroundingReport("m", "aa", "2026-01-01T00:00:00+00:00", "kb-entries", 10, 8, 1, {"no_citation": 7})
    new = GroundingReport("m", "aa", "2026-02-01T00:00:00+00:00", "kb-entries", 40, 30, 12, {"ok": 12})
    other = GroundingReport("n", "bb", "2026-02-02T00:00:00+00:00", "kb-entries", 40, 0, 0)
    for report in (old, other, new):
        grounding_eval.save(tmp_path, report)
    loaded = grounding_eval.load(tmp_path)
    assert loaded == {"m": new, "n": other}
    assert figure_for(loaded, "m", "aa") == "grounding 12/30 drafts passed (40%), 40 questions (kb-entries), 2026-02-01"
    assert "not measured" in figure_for(loaded, "x", "cc")
    assert "another file" in figure_for(loaded, "m", "cc")  # the model file changed since it was measured
    (tmp_path / grounding_eval.RESULTS_FILE).write_text("{not json", encoding="utf-8")
    assert grounding_eval.load(tmp_path) == {}


@pytest.mark.parametrize("stored", [None, {"gemma3-270m": {"model": "gemma3-270m", "sha256": "",
                                                            "measured": "2026-03-04T05:06:07+00:00",
                                                            "question_set": "kb-entries", "questions": 40,
                                                            "drafts": 31, "passed": 0, "reasons": {}}}])
def test_models_list_shows_only_a_measured_figure(settings, capsys, stored):
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if stored:
        (settings.data_dir / grounding_eval.RESULTS_FILE).write_text(json.dumps(stored), encoding="utf-8")
    assert main(["--data-dir", str(settings.data_dir), "--models-dir", str(settings.models_dir),
                 "models", "list"]) == 0
    out = capsys.readouterr().out
    if stored:
        assert "grounding 0/31 drafts passed (0%), 40 questions (kb-entries), 2026-03-04" in out
    else:
        assert "grounding: not measured (edge-agent models evaluate gemma3-270m)" in out
    assert "grounding: not measured (edge-agent models evaluate smollm2-135m)" in out
