"""Small talk is answered without retrieval; quotes keep whole sentences."""
from __future__ import annotations

import pytest

from edge_agent.chat import extract, smalltalk


@pytest.mark.parametrize("message, kind", [
    ("ok thanks", "thanks"),  # acknowledgement + thanks: thanks
    ("好的谢谢", "thanks"),
    ("嗯嗯", "ack"),
    ("Thank you!", "thanks"),  # punctuation ignored
    ("got it 👍", "ack"),  # emoji ignored
    ("你好", "greeting"),
    ("拜拜", "bye"),
    ("ok, and when does it expire", None),  # a follow-up, not small talk
    ("你好，我想问信用卡年费", None),  # a greeting with a question
    ("thanks for nothing you useless bot", None),
    ("", None),
])
def test_smalltalk_kinds(message, kind):
    assert smalltalk.kind_of(message) == kind


def test_smalltalk_replies_in_the_customers_language():
    assert "不客气" in smalltalk.reply("thanks", "zh") and "welcome" in smalltalk.reply("thanks", "en")


LONG_ZH = ("海港银行信用卡临时额度最多可在固定额度基础上上调50%（例如固定额度2万元，临时额度最高3万元），"
           "具体以审批结果为准。"
           "临时额度有效期默认30天，最长60天，到期后自动恢复为原固定额度，无需办理取消。"
           "超出固定额度使用的部分不能办理分期，须在下一个账单的到期还款日全额还清，不适用最低还款。"
           "上一次临时额度到期满30天后才能再次申请。")


def test_excerpt_keeps_the_sentences_that_answer_whole():
    part = extract.excerpt(LONG_ZH, "临时额度有效期多久", "zh", keep=1)
    assert part.shortened and part.full == LONG_ZH
    assert part.text == "临时额度有效期默认30天，最长60天，到期后自动恢复为原固定额度，无需办理取消。"


def test_excerpt_never_cuts_a_number_from_its_condition():
    part = extract.excerpt(LONG_ZH, "临时额度能提多少", "zh", keep=1)
    assert "50%（例如固定额度2万元，临时额度最高3万元）" in part.text and part.text.endswith("。")


@pytest.mark.parametrize("text, question, lang", [
    ("金卡年费600元。", "年费多少", "zh"),  # short: whole
    (LONG_ZH, "你好", "zh"),  # nothing in common: whole
    ("Cards arrive in 5 working days. Call 95321 if not.", "when will my card arrive", "en"),  # short English
])
def test_excerpt_quotes_whole_entries_when_short_or_unclear(text, question, lang):
    part = extract.excerpt(text, question, lang)
    assert part.text == text and not part.shortened


def test_clarify_text_numbers_the_choices_and_offers_a_person():
    text = extract.clarify_text(["信用卡 · 年费", "信用卡 · 临时额度"], "zh")
    assert text.splitlines() == ["您想问的是下面哪一项？", "1. 信用卡 · 年费", "2. 信用卡 · 临时额度",
                                 "3. 都不是 / 转人工"]
