"""Mainland China resident identity card numbers (GB 11643-1999), 18-digit and legacy 15-digit."""
from __future__ import annotations

import datetime as dt
from typing import ClassVar

from presidio_analyzer import Pattern

from guardrails.normalize import digits_only
from guardrails.recognizers.context_aware_recognizer import B_END, B_START, GROUP_SEP, ContextAwareRecognizer

# Province-level codes (first two digits) of GB/T 2260, plus 71/81/82/83 for Taiwan, HK, Macau
# and the residence permits of their residents.
PROVINCES: frozenset[str] = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 "
    "71 81 82 83".split()
)
WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
SEP = GROUP_SEP + "?"


def check_char(first17: str) -> str:
    """The GB 11643 MOD 11-2 check character for the first 17 digits."""
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def valid_birth_date(yyyymmdd: str) -> bool:
    """True when the 8 digits are a real date between 1900-01-01 and today."""
    try:
        born = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()


class CnResidentIdRecognizer(ContextAwareRecognizer):
    """CN_RESIDENT_ID: 18 digits with MOD 11-2 check character (X/x) and a valid birth date."""

    ENTITY = "CN_RESIDENT_ID"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        # 18 characters, optionally grouped 6-8-4 / 6-4-4-4 / 3-3-4-4-4 with spaces or dashes.
        Pattern("ID 18", B_START + r"(?P<value>[1-8]\d(?:" + SEP + r"\d){15}" + SEP + r"[\dXx])" + B_END, 0.85),
        # Legacy 15 digits (no check digit): only after a label such as 身份证.
        Pattern("ID 15 (context)", B_START + r"(?P<value>[1-8]\d(?:" + SEP + r"\d){13})" + B_END, 0.6),
    )
    CONTEXT = ("身份证", "身份证件", "证件", "公民身份", "居民身份", "身分证", "居住证", "id card",
               "identity card", "national id", "resident id", "chinese id", "id number", "id")
    CONTEXT_ONLY = frozenset({"ID 15 (context)"})
    RESCUE_SCORE = 0.6  # "身份证号：" followed by a mistyped number is still an ID number

    def validate_result(self, pattern_text: str) -> bool:
        """Province code, birth date and (for 18 characters) the MOD 11-2 check character."""
        value = digits_only(pattern_text).upper()
        if value[:2] not in PROVINCES:
            return False
        if len(value) == 18:
            return valid_birth_date(value[6:14]) and check_char(value[:17]) == value[17]
        if len(value) == 15 and value.isdigit():
            return valid_birth_date("19" + value[6:12])
        return False
