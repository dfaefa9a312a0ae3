"""The lexical index: tokens (jieba words, pinyin, stems), BM25 over entry views, coverage, pinyin restoring."""
from __future__ import annotations

import pytest

from edge_agent.knowledge.lexical import LexicalIndex, tokens
from edge_agent.knowledge.text import detect_lang, fold, normalise


@pytest.mark.parametrize("text, present, absent", [
    # Chinese words and their pinyin; function words dropped
    ("信用卡年费多少钱", ["信用卡", "xinyongka", "年费", "nianfei"], ["多少", "的"]),
    # traditional characters fold to simplified before segmenting
    ("信用卡臨時額度怎麼調", ["临时", "额度"], ["臨時"]),
    # full-width letters and digits fold to ASCII
    ("ＡＰＰ转账５０００元", ["app", "5000"], ["ＡＰＰ"]),
    # English: stop words out, Snowball stems in
    ("I lost my cards, what do I do", ["lost", "card"], ["my", "what", "do", "cards"]),
    # a pinyin fragment is a Latin token like any other (it matches the indexed pinyin)
    ("xinyongka nianfei多少", ["xinyongka", "nianfei"], []),
])
def test_tokens(text, present, absent):
    got = tokens(text)
    assert all(p in got for p in present), got
    assert not any(a in got for a in absent), got


@pytest.mark.parametrize("text, lang", [
    ("信用卡临时额度怎么调", "zh"),
    ("我的credit card丢了怎么办", "zh"),  # more Chinese characters than Latin words
    ("how do I do 挂失 for my lost card", "en"),  # more Latin words
    ("lost card", "en"),
    ("", "en"),
])
def test_detect_lang_follows_the_main_script(text, lang):
    assert detect_lang(text) == lang


def test_fold_keeps_case_and_normalise_folds_it():
    assert fold("ＡＰＰ上怎麼申請") == "APP上怎么申请"
    assert normalise("ＡＰＰ上怎麼申請") == "app上怎么申请"


@pytest.fixture
def index():
    idx = LexicalIndex()
    idx.set_entry("card#0", [tokens("信用卡年费 金卡年费600元，刷卡满6次免次年年费"), tokens("金卡年费怎么免")])
    idx.set_entry("lost#0", [tokens("银行卡丢了怎么挂失 拨打95321挂失"), tokens("卡丢了咋办")])
    idx.set_entry("fx#0", [tokens("外币兑换 每天可兑换等值5万美元"), tokens("换美元要预约吗")])
    return idx


def test_best_view_wins_and_coverage_is_reported(index):
    found = index.search(tokens("卡丢了咋整"), 3)
    assert found[0].entry_id == "lost#0"
    assert 0 < found[0].coverage <= 1


def test_pinyin_question_finds_the_chinese_entry(index):
    assert index.search(tokens("guashi怎么弄"), 1)[0].entry_id == "lost#0"


def test_allowed_and_excluded_views(index):
    assert index.search(tokens("金卡年费"), 3, allowed=frozenset({"fx#0", "lost#0"})) == []
    left_out = index.search(tokens("金卡年费怎么免"), 3, exclude_views=frozenset({("card#0", 1)}))
    assert left_out and left_out[0].entry_id == "card#0"  # the body still matches


def test_missing_marks_a_rare_word_the_entry_lacks(index):
    covered = index.search(tokens("金卡年费"), 1)[0]
    lacking = index.search(tokens("金卡年费 积分兑换里程"), 1)[0]
    assert covered.missing < lacking.missing


def test_remove_and_reindex(index):
    index.remove_entries(["lost#0"])
    assert all(m.entry_id != "lost#0" for m in index.search(tokens("挂失"), 3))
    assert len(index) == 2


def test_restore_pinyin_writes_known_words_in_chinese(index):
    assert "挂失" in index.restore_pinyin("guashi怎么弄")
    assert index.restore_pinyin("my credit card丢了") == "my credit card丢了"  # English stays English


def test_empty_index_and_query():
    assert LexicalIndex().search(["x"], 3) == []
    idx = LexicalIndex()
    idx.set_entry("a", [["x"]])
    assert idx.search([], 3) == []
