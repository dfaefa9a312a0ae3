"""CardSecurityCodeRecognizer: 3–4 digits after a CVV/安全码 label or right after a card number."""
import pytest

from guardrails.normalize import normalize
from guardrails.recognizers.card_security_code_recognizer import CardSecurityCodeRecognizer


def found(text: str) -> list[str]:
    norm = normalize(text).text
    return [norm[r.start:r.end] for r in CardSecurityCodeRecognizer().analyze(norm, [])]


@pytest.mark.parametrize("text, expected", [
    ("安全码345", ["345"]),                                      # label touching the value
    ("卡背面的三位数是 802 对吧", ["802"]),                          # "back of the card" label
    ("CVV2: 4821", ["4821"]),                                   # Amex-style four digits
    ("my cvc is 019", ["019"]),                                 # English label with filler
    ("校验码 幺二三", ["123"]),                                   # spoken radio-style digits
    ("6222 0297 0326 9637 12/27 345", ["345"]),                 # card, expiry, then the code: no label
    ("4111111111111111, 777", ["777"]),                         # right after a card number
    ("card 4111111111111111 exp 12/27 cvv 123", ["123"]),       # both labelled
])
def test_valid(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "房间号 345",                      # a room number
    "订单金额 123 元",                  # an amount
    "安全码是多少？",                    # a question about the code, no value
    "CVV 12345",                      # five digits are no security code
    "wechat pay 123",                 # no label
    "scvv 123",                       # "cvv" inside another word is no label
    "卡号后四位 9637 还有 200 元",        # a count after a card tail
])
def test_invalid(text):
    assert found(text) == []
