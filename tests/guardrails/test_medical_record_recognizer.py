"""MedicalRecordRecognizer: 病历号/住院号/门诊号/MRN labels gate an alphanumeric id."""
import pytest

from guardrails.normalize import normalize
from guardrails.recognizers.medical_record_recognizer import MedicalRecordRecognizer


def found(text: str) -> list[str]:
    norm = normalize(text).text
    return [norm[r.start:r.end] for r in MedicalRecordRecognizer().analyze(norm, [])]


@pytest.mark.parametrize("text, expected", [
    ("病历号：MR20240315001，", ["MR20240315001"]),        # letters + digits
    ("住院号 ZY-889012 的患者", ["ZY-889012"]),              # with a dash
    ("门诊号为0012345678", ["0012345678"]),                  # digits only
    ("MRN 00123456 for", ["00123456"]),                    # English label
    ("就诊卡号是 A1234567", ["A1234567"]),                   # clinic card
    ("patient id: P-77881", ["P-77881"]),                  # patient id
])
def test_valid(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "订单号 MR20240315001",           # no hospital label
    "门诊时间 2024-03-15",            # a time, not a number label
    "住院号 2024-03-15",              # a date after the label
    "病历号 AB12",                    # too few digits
    "MRN pending",                   # no value
])
def test_invalid(text):
    assert found(text) == []
