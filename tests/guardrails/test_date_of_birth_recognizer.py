"""DateOfBirthRecognizer: birth dates after a label, in numeric, Chinese and English forms; other dates stay."""
import pytest

from guardrails.normalize import normalize
from guardrails.recognizers.date_of_birth_recognizer import DateOfBirthRecognizer


def found(text: str) -> list[str]:
    norm = normalize(text).text
    return [norm[r.start:r.end] for r in DateOfBirthRecognizer().analyze(norm, [])]


@pytest.mark.parametrize("text, expected", [
    ("出生日期：1985-03-12", ["1985-03-12"]),                    # ISO
    ("我的生日是一九八五年三月十二日", ["1985年三月十二日"]),          # written-out numerals
    ("DOB 03/12/1985", ["03-12-1985"]),                         # D/M/Y ("/" folds to "-")
    ("I was born on March 12, 1985", ["March 12, 1985"]),       # English month name
    ("born on 12th of March 1985", ["12th of March 1985"]),     # ordinal day first
    ("生日是3月12日", ["3月12日"]),                               # birthday without its year
    ("出生于85年3月12日", ["85年3月12日"]),                        # two-digit year
    ("出生年月 1990年7月", ["1990年7月"]),                         # year and month only
    ("date of birth 19900704", ["19900704"]),                   # compact
    ("生于1978.11.02", ["1978.11.02"]),                         # dotted
])
def test_valid(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "预约2024-05-06上午",               # an appointment
    "交易日期 20240506",                 # a transaction date
    "生日快乐！",                        # no value
    "reborn 1985-03-12",                # "born" inside a word
    "出生日期 1985-13-12",               # month 13
])
def test_invalid(text):
    assert found(text) == []
