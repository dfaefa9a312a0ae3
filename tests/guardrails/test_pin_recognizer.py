"""PinRecognizer: PINs and passwords after their label; one-time passwords and words are not PINs."""
import pytest

from guardrails.normalize import normalize
from guardrails.recognizers.pin_recognizer import PinRecognizer


def found(text: str) -> list[str]:
    norm = normalize(text).text
    return [norm[r.start:r.end] for r in PinRecognizer().analyze(norm, [])]


@pytest.mark.parametrize("text, expected", [
    ("取款密码834921", ["834921"]),                  # withdrawal PIN touching its label
    ("我的密码是 1234 ，帮我看看", ["1234"]),           # "密码是" with spaces
    ("my pin is 4821", ["4821"]),                   # English
    ("password: Tr0ub4dor&3.", ["Tr0ub4dor&3"]),     # a password; the full stop is not part of it
    ("网银登录密码 abc12345", ["abc12345"]),          # letters and digits
    ("交易密码 八三四九二一", ["834921"]),               # spoken Chinese numerals
    ("PIN：０９８７", ["0987"]),                      # full-width digits
])
def test_valid(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "动态密码 123456",             # a one-time password is an OTP
    "password reset please",      # no digit: a word
    "密码错了3次被锁了",              # a count
    "忘记密码怎么办",                # no value
    "spin 1234 times",            # "pin" inside a word
    "pin 12",                     # too short for a PIN
])
def test_invalid(text):
    assert found(text) == []
