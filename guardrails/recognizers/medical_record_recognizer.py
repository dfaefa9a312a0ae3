"""Hospital identifiers after a label: medical record (病历号), admission (住院号), outpatient (门诊号), MRN."""
from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern

from guardrails.recognizers.context_aware_recognizer import B_END, B_START, ContextAwareRecognizer

_DIGITS = re.compile(r"\d")
_DATE = re.compile(r"^(?:19|20)\d{2}[\-./]?(?:0?[1-9]|1[0-2])[\-./]?(?:0?[1-9]|[12]\d|3[01])$")


class MedicalRecordRecognizer(ContextAwareRecognizer):
    """MEDICAL_RECORD_NUMBER: an alphanumeric id (≥4 digits) right after a hospital-number label."""

    ENTITY = "MEDICAL_RECORD_NUMBER"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("hospital number (context)",
                B_START + r"(?P<value>[A-Za-z]{0,4}[\-]?\d(?:[\-/]?[0-9A-Za-z]){3,24})" + B_END, 0.6),
    )
    CONTEXT = (
        "病历号", "病历编号", "病历", "病案号", "病案", "住院号", "住院编号", "住院登记号", "门诊号",
        "门诊编号", "门诊病历号", "就诊号", "就诊卡号", "就诊卡", "诊疗卡号", "诊疗卡", "健康卡号", "健康卡",
        "挂号单号", "登记号", "病人号", "患者编号", "患者id", "患者号", "床号", "检验单号", "报告单号",
        "mrn", "medical record", "medical record number", "record no", "patient id", "patient number",
        "patient no", "hospital number", "admission number", "admission no", "inpatient number",
        "outpatient number", "case number", "chart number",
    )
    CONTEXT_ONLY = frozenset({"hospital number (context)"})
    SEPARATORS = ""

    def validate_result(self, pattern_text: str) -> bool:
        """At least four digits, and not a date."""
        return len(_DIGITS.findall(pattern_text)) >= 4 and not _DATE.match(pattern_text)
