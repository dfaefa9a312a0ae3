"""The out-of-scope check on fakes: the intent table, the nearest intent, the decline decision, the service path."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from edge_agent.chat import scope
from edge_agent.chat.messages import DECLINE
from edge_agent.chat.retrieval import Nearest, RerankParams, ScopeIndex, decide, rerank
from edge_agent.knowledge.store import Hit

PARAMS = RerankParams(lexical_weight=0.05, min_evidence=0.8, second_margin=0.01, top_k=3, scope_margin=0.01)


def hit(section: str, text: str, score: float, lang: str = "zh") -> Hit:
    return Hit(f"bank/a.{lang}.md#{section}", f"bank/a.{lang}.md", "海港银行", section, text, lang, score)


def ranked(score: float, text: str = "金卡年费300元，刷卡满6次免次年年费。", question: str = "年费多少"):
    return rerank(question, "", [hit("信用卡年费", text, score)], "zh", 0.0, same_lang_bonus=0.0)


class TableEmbedder:
    """Maps known texts to fixed unit vectors (anything else to a fixed 'other' direction)."""

    def __init__(self, table: dict[str, list[float]]) -> None:
        self.table, self.calls = table, 0

    def embed_query(self, text: str) -> list[float]:
        self.calls += 1
        return self.table.get(text, [0.0, 0.0, 1.0])


def test_every_intent_has_generic_phrasings_in_both_languages():
    for intent, by_lang in scope.INTENTS.items():
        assert set(by_lang) == {"zh", "en"}, intent
        assert all(len(by_lang[lang]) >= 4 for lang in by_lang), intent
    texts = [text for _, _, text in scope.phrasings()]
    assert len(texts) == len(set(texts)) and 40 <= len(texts) <= 200  # a few dozen: one small matrix product


@pytest.mark.parametrize("question, evidence, named", [
    ("工商银行的房贷利率多少", "海港银行房贷利率见官网。", "工商银行"),
    ("Does HSBC charge for transfers abroad?", "Harbourview Bank charges 50 per transfer.", "hsbc"),
    ("汇丰的转账手续费", "本行与汇丰合作的跨境汇款……", None),              # the evidence names it: not another bank
    ("I'm a citizen, can I open an account?", "Bring your ID card.", None),    # 'citi' only as a whole word
    ("用别的银行卡还款多久到账", "他行卡还款1个工作日到账。", None),            # other banks' cards: in scope
])
def test_named_institution(question, evidence, named):
    assert scope.named_institution(question, evidence) == named


def test_nearest_intent_is_one_matrix_product_over_normalised_rows():
    index = ScopeIndex([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]], ["drug_advice", "chit_chat"])
    assert index.nearest([0.6, 0.8, 0.0]) == Nearest("chit_chat", 0.8)
    assert index.nearest([0.0, 0.0, 0.0]).intent == ""                  # no direction: no intent
    assert index.nearest([1.0, 0.0]).intent == ""                       # another embedder's vector: ignored
    with pytest.raises(ValueError):
        ScopeIndex([[1.0, 0.0]], ["a", "b"])


def test_scope_index_embeds_each_phrasing_once():
    embedder = TableEmbedder({})
    ScopeIndex.build(embedder)
    assert embedder.calls == len(scope.phrasings())


def test_services_build_the_scope_index_at_start_up(fake_services):
    assert fake_services.chat.scope is not None


@pytest.mark.parametrize("similarity, evidence, answer, reason", [
    (0.95, 0.93, False, "out_of_scope"),   # the intent is closer than the evidence by more than the margin
    (0.935, 0.93, True, "supported"),      # closer, but within the margin
    (0.90, 0.93, True, "supported"),       # the evidence is closer
    (0.99, 0.79, False, "low_evidence"),   # too little evidence is declined first
])
def test_decide_compares_the_nearest_intent_with_the_evidence(similarity, evidence, answer, reason):
    decision = decide(ranked(evidence), "zh", PARAMS, "年费多少", Nearest("drug_advice", similarity))
    assert (decision.answer, decision.reason) == (answer, reason)
    if not answer:
        assert decision.sources == () and decision.quote == 0
    if reason == "out_of_scope":
        assert decision.intent == "drug_advice"


def test_decide_without_a_scope_margin_ignores_the_intent_and_other_banks():
    off = dataclasses.replace(PARAMS, scope_margin=None)
    assert decide(ranked(0.93), "zh", off, "工商银行年费多少", Nearest("drug_advice", 0.99)).answer
    on = decide(ranked(0.93), "zh", PARAMS, "工商银行年费多少", Nearest("drug_advice", 0.5))
    assert not on.answer and on.reason == "other_institution" and on.intent == "工商银行"
    assert decide(ranked(0.93), "zh", PARAMS, "年费多少", None).answer  # no intent given: evidence decides


def test_service_embeds_once_and_declines_an_out_of_scope_question(fake_services, monkeypatch):
    embedder = fake_services.knowledge.embedder
    calls: list[str] = []
    embed = embedder.embed_query
    monkeypatch.setattr(embedder, "embed_query", lambda text: calls.append(text) or embed(text))
    calls.clear()
    # no evidence minimum: only the scope check can decline
    fake_services.chat.settings = dataclasses.replace(fake_services.settings, retrieval_min_evidence_zh=0.0)
    phrasing = scope.INTENTS["drug_advice"]["zh"][0]
    reply = fake_services.chat.answer("scope-session-1", phrasing)  # identical to an intent phrasing: cosine 1
    assert reply.answer_kind == "declined" and reply.sources == () and reply.answer == DECLINE["zh"]
    assert calls == [phrasing]  # one embedding per message, shared by the search and the scope check
    fake_services.chat.settings = dataclasses.replace(fake_services.chat.settings, scope_check=False)
    assert fake_services.chat.answer("scope-session-2", phrasing).answer_kind != "declined"


def test_service_answers_in_scope_questions_with_the_check_on(fake_services):
    fake_services.chat.settings = dataclasses.replace(fake_services.settings, answer_mode="quote")
    for sid, question in (("scope-in-1", "信用卡临时额度怎么调"), ("scope-in-2", "How do I book the sleep clinic?")):
        assert fake_services.chat.answer(sid, question).answer_kind == "quoted", question


def test_scope_vectors_are_unit_rows():
    index = ScopeIndex(np.eye(3) * 3, ["a", "b", "c"])
    assert np.allclose(np.linalg.norm(index.matrix, axis=1), 1.0)
