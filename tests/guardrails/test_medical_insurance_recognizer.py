"""MedicalInsuranceRecognizer: 医保/社保/insurance labels gate an alphanumeric id."""
import pytest

from guardrails.normalize import normalize
from guardrails.recognizers.medical_insurance_recognizer import MedicalInsuranceRecognizer


def found(text: str) -> list[str]:
    norm = normalize(text).text
    return [norm[r.start:r.end] for r in MedicalInsuranceRecognizer().analyze(norm, [])]


@pytest.mark.parametrize("text, expected", [
    ("我的医保卡号是 1101 0012 3456 7890", ["1101 0012 3456 7890"]),  # grouped digits
    ("社保卡号：GZ12345678", ["GZ12345678"]),                        # letters + digits
    ("insurance number: XYZ-123456789", ["XYZ-123456789"]),         # English label
    ("医保号1234567890", ["1234567890"]),                            # touching the label
    ("Medicare number 1EG4-TE5-MK73", ["1EG4-TE5-MK73"]),           # US Medicare MBI (5 digits only)
])
def test_valid(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "医保报销了1200元",               # an amount after other words
    "订单号 1234567890",              # no insurance label
    "医保号 12345",                   # too short
    "保单号P2024000123456的理赔进度",   # a policy number identifies a contract: kept
    "insurance policy number 8800123456",  # the same in English
    "Medicare number 1SG4-TE5-MK73",  # not an MBI (S is excluded) and under six digits
])
def test_invalid(text):
    assert found(text) == []
