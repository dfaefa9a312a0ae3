"""Unified social credit codes (GB 32100) of an individual's business, kept when they are an organisation's.

An 18-character code with its check character (python-stdnum's ``cn.uscc``). Its second character is the
registrant's kind: "92…" codes are 个体工商户, a person trading under their own name, so the code identifies
that person and is redacted. Other codes (企业, 机关, 社会组织) belong to organisations, are published on
every invoice and licence, and are kept, unless the customer calls the business their own (个体户, 我的店,
my shop) and does not name it a company.
"""
from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import Pattern
from stdnum.cn import uscc

from guardrails.recognizers.context_aware_recognizer import B_END, B_START, NEGATIVE, ContextAwareRecognizer

_PERSONAL = regex.compile(r"个体|我的店|我开的|我家的?店|自己的店|小店|我的营业执照|本人的?营业执照|我的执照|网店|"
                          r"my (?:own )?(?:shop|store|business|stall)|sole (?:proprietor|trader)|self-employed",
                          regex.IGNORECASE)
_ORGANISATION = regex.compile(r"公司|企业|单位|集团|机构|协会|学校|医院|银行|厂|company|corporation|\bcorp\b|ltd|"
                              r"limited|inc\b|enterprise|organi[sz]ation|employer|firm", regex.IGNORECASE)
WINDOW = 48


def individual_business(code: str) -> bool:
    """True for a 个体工商户 code (registration authority 9, kind 2)."""
    return code[:2] == "92"


class UsccRecognizer(ContextAwareRecognizer):
    """CN_USCC: a valid unified social credit code that identifies a person's own business."""

    ENTITY = "CN_USCC"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("USCC", B_START + r"(?P<value>[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10})" + B_END, 0.85),
    )
    CONTEXT = ()
    NEGATIVE = ()
    SEPARATORS = ""

    def validate_result(self, pattern_text: str) -> bool:
        """The GB 32100 check character (python-stdnum)."""
        return bool(uscc.is_valid(pattern_text))

    def label_before(self, text: str, start: int) -> int:
        """Whose code: 个体工商户 codes always; others only with a personal cue and no organisation cue."""
        end = start + 18
        code = text[start:end]
        if individual_business(code):
            return 0
        around = text[max(0, start - WINDOW):start] + " " + text[end:end + WINDOW // 2]
        if _PERSONAL.search(around) and not _ORGANISATION.search(around):
            return 0
        return NEGATIVE
