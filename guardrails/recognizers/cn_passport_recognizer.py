"""Passports and travel permits: Chinese ordinary passports (E/G), other documents after a label."""
from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern

from guardrails.recognizers.context_aware_recognizer import B_END, B_START, ContextAwareRecognizer

_DIGITS = re.compile(r"\d")


class CnPassportRecognizer(ContextAwareRecognizer):
    """CN_PASSPORT: E12345678 / EA1234567 / G12345678 alone; P/S/D/C/H/M/K/L/T… and foreign after a label."""

    ENTITY = "CN_PASSPORT"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        # Ordinary electronic passport: E + 8 digits or E + letter (not I/O) + 7 digits; older G + 8.
        Pattern("CN ordinary passport", B_START + r"(?P<value>[EeGg](?:\d{8}|[A-HJ-NP-Za-hj-np-z]\d{7}))" + B_END, 0.6),
        # Public/service/diplomatic passports, HK/Macau/Taiwan permits, 回乡证, foreign passports.
        Pattern("travel document (context)",
                B_START + r"(?P<value>(?:[A-Za-z]{1,2}[\- ]?)?\d{6,10}(?:\(\w\))?)" + B_END, 0.55),
    )
    CONTEXT = ("护照", "護照", "passport", "通行证", "通行證", "回乡证", "回鄉證", "台胞证", "台胞證",
               "旅行证", "travel permit", "travel document", "签证", "visa no", "entry permit",
               "往来港澳", "往来台湾", "港澳通行证", "居留许可", "回乡卡", "来往内地通行证", "来往大陆通行证",
               "home return permit", "mainland travel permit", "exit-entry permit", "permit")
    CONTEXT_ONLY = frozenset({"travel document (context)"})
    RESCUE_SCORE = None
    SEPARATORS = ""

    def validate_result(self, pattern_text: str) -> bool:
        """At least six digits; not a date-shaped run (YYYYMMDD with a plausible month and day)."""
        digits = "".join(_DIGITS.findall(pattern_text))
        if len(digits) < 6:
            return False
        return not (len(digits) == 8 and digits[:2] in ("19", "20") and "01" <= digits[4:6] <= "12"
                    and "01" <= digits[6:8] <= "31" and pattern_text[:1].isdigit())
