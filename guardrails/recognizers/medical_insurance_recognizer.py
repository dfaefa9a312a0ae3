"""Medical / social insurance numbers (医保卡号, 社保卡号, insurance member ids) after a label."""
from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern

from guardrails.recognizers.context_aware_recognizer import (
    B_END,
    B_START,
    NEGATIVE_CONTEXT,
    ContextAwareRecognizer,
)

_DIGITS = re.compile(r"\d")
_SEPARATORS = re.compile(r"[\- ]")
# CMS Medicare Beneficiary Identifier: 11 characters, letters exclude S L O I B Z.
_A = "[AC-HJKMNP-RT-Y]"
_MBI = re.compile(rf"[1-9]{_A}[0-9AC-HJKMNP-RT-Y]\d{_A}[0-9AC-HJKMNP-RT-Y]\d{_A}{{2}}\d{{2}}")


class MedicalInsuranceRecognizer(ContextAwareRecognizer):
    """MEDICAL_INSURANCE_NUMBER: an alphanumeric id (≥6 digits) right after an insurance label."""

    ENTITY = "MEDICAL_INSURANCE_NUMBER"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("insurance number (context)",
                B_START + r"(?P<value>(?:[A-Za-z]{1,4}[\- ]?)?\d(?:[\- ]?[0-9A-Za-z]){5,27})" + B_END, 0.6),
    )
    CONTEXT = (
        "医保卡号", "医保卡", "医保号", "医保账号", "医保编号", "医保", "医疗保险", "医疗保险卡", "社保卡号",
        "社保卡", "社保号", "社保", "社会保障卡", "社会保障号", "参保号", "参保人编号", "个人编号", "农合",
        "新农合", "保险卡号", "insurance number", "insurance no", "insurance id", "insurance",
        "member id", "medicare", "medicare number", "medicaid", "health insurance",
    )
    # Policy numbers identify a contract, not a person (kept like order numbers).
    NEGATIVE = (*NEGATIVE_CONTEXT, "保单", "policy")
    CONTEXT_ONLY = frozenset({"insurance number (context)"})
    SEPARATORS = ""

    def validate_result(self, pattern_text: str) -> bool:
        """At least six digits, or a US Medicare Beneficiary Identifier (1EG4-TE5-MK73)."""
        return (len(_DIGITS.findall(pattern_text)) >= 6
                or _MBI.fullmatch(_SEPARATORS.sub("", pattern_text.upper())) is not None)
