"""The canonical and display forms of a stored question (insights/text.py)."""
from __future__ import annotations

import pytest

from edge_agent.insights.text import canonical, display


@pytest.mark.parametrize("stored, expected", [
    ("我的卡<CREDIT_CARD_1>丢了怎么办？", "我的卡<CREDIT_CARD>丢了怎么办"),   # placeholder loses its number
    ("<PERSON_2> 想开户", "<PERSON> 想开户"),                                # two customers' names look alike
    ("卡号6222021234567892348怎么查", "卡号<NUMBER>怎么查"),                 # a number the guard missed
    ("call 138 0013 8000 please", "call <NUMBER> please"),                  # grouped digits too
    ("How  do I   OPEN an account?", "how do i open an account"),          # spaces, case, trailing ?
    ("营业时间 9点到5点", "营业时间 9点到5点"),                              # short numbers are not masked
    ("  ！！ ", ""),                                                       # nothing left: not a question
    ("Ｃａｒｄ １２３４５６７", "card <NUMBER>"),                             # full-width folded (NFKC) first
])
def test_canonical(stored: str, expected: str) -> None:
    assert canonical(stored) == expected


@pytest.mark.parametrize("text, lang, expected", [
    ("我的卡<CREDIT_CARD>丢了", "zh", "我的卡〔银行卡号〕丢了"),
    ("my card <CREDIT_CARD> is lost", "en", "my card [card number] is lost"),
    ("卡号<NUMBER>", "zh", "卡号〔号码〕"),
    ("unknown <SOMETHING_NEW> type", "en", "unknown [something new] type"),
    ("62220212345678", "en", "[number]"),                                 # display masks digits once more
])
def test_display_shows_types_never_values(text: str, lang: str, expected: str) -> None:
    assert display(text, lang) == expected
