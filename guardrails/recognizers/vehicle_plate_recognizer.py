"""Mainland vehicle plates: province character, issuing-office letter, five characters (six for new energy).

京A12345, 沪B·8K2N7, 粤BD12345 (new-energy small car: D/F then five), 粤B12345D (large new-energy). The shape
is specific enough to stand without a label; one look-alike is a flight number glued to a city name
("飞北京CA1850": 京 + C + A1850), kept unless a plate label precedes.
"""
from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import Pattern

from guardrails.recognizers.context_aware_recognizer import B_END, NEGATIVE, POSITIVE, ContextAwareRecognizer

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
LETTER = "[A-HJ-NP-Z]"  # no I or O on plates
ALNUM = "[A-HJ-NP-Z0-9]"
_FLIGHT_TAIL = regex.compile(r"^[A-Z]{2}\d{3,4}(?![0-9A-Z])")
_FLIGHT_WORDS = regex.compile(r"航班|飞机|机票|登机|起飞|航空|flight|airline", regex.IGNORECASE)


class VehiclePlateRecognizer(ContextAwareRecognizer):
    """VEHICLE_PLATE: 京A12345, 京A·12345, 粤BD12345, 粤B12345D (the last five or six hold a digit)."""

    ENTITY = "VEHICLE_PLATE"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("new-energy plate", r"(?P<value>[" + PROVINCES + "]" + LETTER + r"[·•\.\s\-]?(?:[DF]" + ALNUM
                + r"\d{4}|\d{5}[DF]))" + B_END, 0.85),
        Pattern("plate", r"(?P<value>[" + PROVINCES + "]" + LETTER + r"[·•\.\s\-]?" + ALNUM + r"{4}(?:" + ALNUM
                + r"|[挂学警港澳]))" + r"(?![0-9A-Za-z])", 0.8),
    )
    CONTEXT = ("车牌", "车牌号", "车牌号码", "号牌", "车号", "我的车", "行驶证", "车辆", "plate", "plate number",
               "license plate", "licence plate", "registration", "reg no")
    SEPARATORS = ""
    LABEL_WORD_START = True

    def label_before(self, text: str, start: int) -> int:
        """A plate label; else a flight number glued to a city name, or flight words nearby, is no plate."""
        label = super().label_before(text, start)
        if label == POSITIVE:
            return label
        tail = regex.sub(r"[·•.\s\-]", "", text[start + 1:start + 9])
        glued = start > 0 and "\u4e00" <= text[start - 1] <= "\u9fff"
        if glued and _FLIGHT_TAIL.match(tail) or _FLIGHT_WORDS.search(text[max(0, start - 20):start + 30]):
            return NEGATIVE
        return label

    def validate_result(self, pattern_text: str) -> bool:
        """At least one digit after the office letter."""
        return any(c.isdigit() for c in pattern_text[2:])
