"""The second stage on its own: language, follow-up rewriting, lexical rerank, decline and quote decisions."""
from __future__ import annotations

import pytest

from edge_agent.chat.retrieval import (
    RerankParams,
    decide,
    followup_context,
    is_followup,
    lexical_units,
    question_lang,
    quote_count,
    rerank,
    rewrite_query,
)
from edge_agent.knowledge.store import Hit


def hit(section: str, text: str, score: float, lang: str = "zh", doc: str = "bank/a.zh.md") -> Hit:
    return Hit(f"{doc}#{section}", doc, "标题" if lang == "zh" else "Title", section, text, lang, score)


@pytest.mark.parametrize("text, lang", [
    ("信用卡临时额度怎么调？", "zh"),                                   # plain Chinese
    ("How do I book the sleep clinic?", "en"),                         # plain English
    ("我的credit card丢了怎么办", "zh"),                                # mostly Chinese, English words inside
    ("what time does the 发热门诊 close on weekends", "en"),            # mostly English, a Chinese term inside
    ("12345", "en"),                                                   # no letters at all
])
def test_question_lang_follows_the_main_script(text, lang):
    assert question_lang(text) == lang


@pytest.mark.parametrize("question, lang, followup", [
    ("那老人呢？", "zh", True),                                         # short
    ("那老人没有智能手机怎么办？", "zh", True),                          # opens with 那
    ("社区卫生服务中心周一到周五几点开门", "zh", False),                  # stands alone
    ("what about for my mother? she can't use a smartphone", "en", True),  # opens like a follow-up
    ("and on saturdays?", "en", True),                                  # short
    ("which sleeping pill brand is the best for long flights?", "en", False),  # long, stands alone
])
def test_followup_detection(question, lang, followup):
    assert is_followup(question, lang) is followup


def test_followup_rewrites_with_the_previous_redacted_turn():
    history = ["怎么预约挂号", "<PHONE_NUMBER_1>是我的电话"]
    context = followup_context("那老人呢？", history, "zh")
    assert context == history[-1]
    assert rewrite_query("那老人呢？", context) == "<PHONE_NUMBER_1>是我的电话 那老人呢？"
    assert followup_context("那老人呢？", [], "zh") == ""                 # no history: stands alone
    assert rewrite_query("How do I book?", "") == "How do I book?"


def test_lexical_units_drop_function_words_and_stem():
    assert lexical_units("我的卡丢了吗") == ["卡", "丢"]
    assert lexical_units("What are the opening hours?") == ["open", "hour"]


def test_rerank_promotes_the_entry_that_shares_the_questions_words():
    hits = [hit("节假日网点是否营业", "春节期间网点调整营业时间。", 0.90),
            hit("网点营业时间", "周一至周五9:00–17:00，周六上午营业。", 0.89)]
    ranked = rerank("你们周六营业吗", "", hits, "zh", 0.05)
    assert ranked[0].hit.section == "网点营业时间"
    assert ranked[0].overlap > ranked[1].overlap
    assert rerank("你们周六营业吗", "", hits, "zh", 0.0)[0].hit.section == "节假日网点是否营业"  # weight 0: dense order


def test_rerank_reads_a_followup_with_half_of_its_context():
    hits = [hit("疫苗接种", "成人疫苗周二上午接种。", 0.88), hit("睡眠门诊", "睡眠门诊周三下午。", 0.88)]
    ranked = rerank("几点？", "睡眠门诊怎么预约", hits, "zh", 0.05)
    assert ranked[0].hit.section == "睡眠门诊"


def test_rerank_prefers_the_questions_language():
    hits = [hit("Opening hours", "Open 9:00-17:00.", 0.90, "en", "bank/a.en.md"),
            hit("营业时间", "9:00–17:00营业。", 0.90)]
    assert rerank("几点开门", "", hits, "zh", 0.0)[0].hit.lang == "zh"


PARAMS = RerankParams(lexical_weight=0.05, min_evidence=0.9, second_margin=0.01, top_k=3)


def test_decide_declines_below_the_evidence_minimum():
    ranked = rerank("比特币能买吗", "", [hit("年费", "金卡年费300元。", 0.85)], "zh", 0.05)
    decision = decide(ranked, "zh", PARAMS)
    assert not decision.answer and decision.sources == () and decision.reason == "low_evidence"
    assert decide([], "zh", PARAMS).reason == "no_candidates"


def test_decide_answers_with_top_k_sources_and_one_quote_when_clear():
    hits = [hit(f"s{i}", "年费300元。", 0.95 - i * 0.03) for i in range(5)]
    decision = decide(rerank("年费多少", "", hits, "zh", 0.05), "zh", PARAMS)
    assert decision.answer and len(decision.sources) == 3 and decision.quote == 1


@pytest.mark.parametrize("scores, langs, sections, expected", [
    ((0.95, 0.945), ("zh", "zh"), ("a", "b"), 2),   # runner-up within the margin: quote both
    ((0.95, 0.93), ("zh", "zh"), ("a", "b"), 1),    # clearly behind: quote the best only
    ((0.95, 0.945), ("zh", "en"), ("a", "b"), 1),   # runner-up in the other language: not quoted
    ((0.95, 0.95), ("zh", "zh"), ("a", "a"), 1),    # another piece of the same entry: not quoted twice
    ((0.95,), ("zh",), ("a",), 1),                  # only one source
])
def test_quote_count(scores, langs, sections, expected):
    hits = [hit(s, "x", sc, lang) for sc, lang, s in zip(scores, langs, sections)]
    assert quote_count(hits, "zh", 0.01) == expected
    assert quote_count(hits, "zh", 0.0) == 1 or scores[0] == scores[-1]
