"""CnPassportRecognizer: E/G passports alone, other travel documents only after a label."""
import pytest

from guardrails.normalize import normalize
from guardrails.recognizers.cn_passport_recognizer import CnPassportRecognizer


def found(text: str) -> list[str]:
    norm = normalize(text).text
    return [norm[r.start:r.end] for r in CnPassportRecognizer().analyze(norm, [])]


@pytest.mark.parametrize("text, expected", [
    ("航班CA1850改到后天，护照号E95604230。", ["E95604230"]),  # E + 8 digits, labelled
    ("护照号EG3228221", ["EG3228221"]),                         # E + letter + 7 digits
    ("my passport: G12345678", ["G12345678"]),                 # older G passport
    ("证件 E12345678 已过期", ["E12345678"]),                    # E passport without a label
    ("港澳通行证C12345678", ["C12345678"]),                      # HK/Macau permit, labelled
    ("passport number 561234987", ["561234987"]),              # US passport (9 digits), labelled
    ("护照号码是：P1234567", ["P1234567"]),                       # public-affairs passport
])
def test_valid(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "航班CA1850改到后天",             # flight number
    "C12345678",                     # permit shape without a label
    "错误码E12345678",                # error-code label
    "护照 2024-03-15 到期",           # a date after the label
    "passport expires 20250315",     # not right after the label
])
def test_invalid(text):
    assert found(text) == []


@pytest.mark.parametrize("text, expected", [
    ("Home Return Permit H1234567801", ["H1234567801"]),   # 回乡证 with its ten digits, English label
    ("台胞证号码 12345678 能开户吗", ["12345678"]),            # Taiwan compatriot permit: eight digits
    ("往来港澳通行证CA1234567过期了", ["CA1234567"]),          # new-style permit, two letters
    ("回乡证M12345678可以用吗", ["M12345678"]),               # Macau resident's permit
])
def test_travel_permits(text, expected):
    assert found(text) == expected
