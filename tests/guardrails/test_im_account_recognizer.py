"""ImAccountRecognizer: WeChat ids, QQ numbers and Alipay accounts after their cue."""
import pytest

from guardrails.recognizers.im_account_recognizer import ImAccountRecognizer


def found(text: str) -> list[str]:
    return [text[r.start:r.end] for r in ImAccountRecognizer().analyze(text, [])]


@pytest.mark.parametrize("text, expected", [
    ("我的微信号是zhang_wei88，加一下", ["zhang_wei88"]),   # 微信号是 + WeChat id
    ("加我vx: lily-2024", ["lily-2024"]),                  # vx with a colon
    ("QQ号：1234567890", ["1234567890"]),                  # QQ number
    ("我的qq是 87654321", ["87654321"]),                    # lower-case qq
    ("支付宝账号13812345678", ["13812345678"]),             # Alipay account = phone
    ("支付宝账号 lily@163.com", ["lily@163.com"]),          # Alipay account = e-mail
    ("my wechat id is Tom_Lee_1990", ["Tom_Lee_1990"]),     # English cue
    ("扣扣 556677889 随时找我", ["556677889"]),              # 扣扣
    ("能寄到家吗？微信号lin_xt2024", ["lin_xt2024"]),         # a Chinese cue touching the id
])
def test_valid(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "微信支付怎么开通",          # the app's name, no id
    "QQ群多少",                 # a question about a group
    "微信公众号是什么",          # the official account
    "alipay account please",    # words after the cue
    "QQ 2",                     # too short
    "用微信扫码",                # no id
    "订单号 zhang_wei88",        # no app cue: an order code
    "wxyz12345 是我的订单",       # "wx" inside a word is no cue
])
def test_invalid(text):
    assert found(text) == []
