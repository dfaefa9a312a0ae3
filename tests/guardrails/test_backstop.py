"""mask_unexplained: the stored-text backstop masks long numbers no recognizer explained, in cue messages."""
import pytest

from guardrails.backstop import MASK, mask_unexplained


@pytest.mark.parametrize("text, expected", [
    ("我的卡号是 <CREDIT_CARD_1>，另一张 6222 0297 0326 9638 也要挂失",
     f"我的卡号是 <CREDIT_CARD_1>，另一张 {MASK} 也要挂失"),                  # an unexplained grouped number
    ("手机 12345678901 哦", f"手机 {MASK} 哦"),                               # phone cue
    ("password 98765432", f"password {MASK}"),                             # password cue
    ("账号是一二三四五六七八", f"账号是{MASK}"),                                  # spoken numerals count
    ("id 123_456_789", f"id {MASK}"),                                      # underscores between groups
    ("phone 138 / 0013 / 8000 pls", f"phone {MASK} pls"),                  # spaced slashes
])
def test_masked(text, expected):
    assert mask_unexplained(text) == expected


@pytest.mark.parametrize("text", [
    "No cue at all: 123456789",                  # no cue word
    "订单号 500080636083，卡丢了",                   # a look-alike label explains it
    "卡里扣了¥120000",                             # an amount
    "card charged on 20240506",                  # a date
    "客服电话 400-820-8820",                       # a service line
    "卡号 <CREDIT_CARD_1> 尾号 96",                 # placeholders and short numbers
    "card <ENC:CREDIT_CARD:abc1234567890xyz=>",  # digits inside a token
    "卡 12345 元",                                 # five digits
    "card terms version: 2026-11",                # a year and month
    "身份证 办理日期 2024-05-06",                   # a date with separators
    "app version 3.2.1.4096 crashes on my card",  # a version
    "card fee 123456.50",                         # a decimal
])
def test_kept(text):
    assert mask_unexplained(text) == text


def test_idempotent():
    once = mask_unexplained("卡号 6222 0297 0326 9638")
    assert mask_unexplained(once) == once
