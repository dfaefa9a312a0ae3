"""OneTimeCodeRecognizer: 4–8 digit codes after a one-time-code label."""
import pytest

from guardrails.normalize import normalize
from guardrails.recognizers.one_time_code_recognizer import OneTimeCodeRecognizer


def found(text: str) -> list[str]:
    norm = normalize(text).text
    return [norm[r.start:r.end] for r in OneTimeCodeRecognizer().analyze(norm, [])]


@pytest.mark.parametrize("text, expected", [
    ("验证码是482915", ["482915"]),                 # SMS code
    ("动态码：7731", ["7731"]),                      # four-digit dynamic code
    ("短信验证码 四八二九一五 收到了", ["482915"]),       # spoken numerals
    ("the OTP is 20931845", ["20931845"]),         # eight digits
    ("verification code 559012", ["559012"]),      # English label
    ("动态密码 123456", ["123456"]),                 # one-time password
])
def test_valid(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "验证码收不到",                 # no value
    "验证码 12",                  # too short
    "订单号 482915",               # an order number
    "hotpot 123456",              # "otp" inside a word
    "验证码 123456789",            # nine digits are no one-time code
])
def test_invalid(text):
    assert found(text) == []
