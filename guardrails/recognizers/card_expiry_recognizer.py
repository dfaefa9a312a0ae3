"""Card expiry dates (有效期12/27, exp 12/27, valid thru 12/2027) after a label or right after a card number.

Part of what a card thief needs with the number, so it is treated like authentication data: a bare
`<CARD_EXPIRY>`, never kept. A month/year pair alone is an ordinary date and stays.
"""
from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import Pattern

from guardrails.recognizers.context_aware_recognizer import (
    B_END,
    B_START,
    LOOKBACK,
    NEUTRAL,
    POSITIVE,
    ContextAwareRecognizer,
)

MONTH = r"(?:0?[1-9]|1[0-2])"
YEAR = r"(?:20\d{2}|\d{2})"
# A full date (有效期至2025-12-31: a membership or ID card's validity) is no card expiry.
NO_DAY = B_END + r"(?![\-/.]\d)"
# A card number with only separators after it (no CVV label: the expiry comes first).
_AFTER_CARD_ONLY = regex.compile(r"(?<![0-9])\d(?:[ \-.]?\d){12,18}[\s,，;；、]*$")

_CARD_RUN = regex.compile(r"\d(?:[ \-.]?\d){12,18}")


class CardExpiryRecognizer(ContextAwareRecognizer):
    """CARD_EXPIRY: MM/YY, MM/YYYY, YYYY-MM, 27年12月, 12月27年 or MMYY after an expiry label or a card."""

    ENTITY = "CARD_EXPIRY"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("MM/YY (context)", B_START + r"(?P<value>" + MONTH + r"\s?[/\-.]\s?" + YEAR + r")" + NO_DAY, 0.6),
        Pattern("YYYY/MM (context)", B_START + r"(?P<value>20\d{2}\s?[/\-.]\s?" + MONTH + r")" + NO_DAY, 0.6),
        Pattern("年月 (context)", B_START + r"(?P<value>" + YEAR + r"\s?年\s?" + MONTH + r"\s?月(?:份)?)", 0.6),
        Pattern("月年 (context)", B_START + r"(?P<value>" + MONTH + r"\s?月\s?/?\s?" + YEAR + r"\s?年)", 0.6),
        Pattern("MMYY (context)", B_START + r"(?P<value>(?:0[1-9]|1[0-2])\d{2})" + B_END, 0.6),
    )
    CONTEXT = ("有效期", "有效期至", "有效期到", "有效日期", "卡有效期", "到期日", "到期时间", "到期", "过期时间",
               "失效日期", "exp", "exp.", "exp date", "expiry", "expiry date", "expires", "expiration",
               "expiration date", "valid thru", "valid through", "valid till", "valid until", "good thru",
               "good through", "mm/yy")
    CONTEXT_ONLY = frozenset(p.name for p in PATTERNS)
    SEPARATORS = ""
    LABEL_WORD_START = True

    def may_match(self, text: str) -> bool:
        """A label, or a card-length digit run (the value may follow a card number without one)."""
        return super().may_match(text) or _CARD_RUN.search(text) is not None

    def label_before(self, text: str, start: int) -> int:
        """An expiry label, or a card number right before the value, makes it an expiry date."""
        label = super().label_before(text, start)
        if label == NEUTRAL and _AFTER_CARD_ONLY.search(text[max(0, start - LOOKBACK):start]):
            return POSITIVE
        return label

    def validate_result(self, pattern_text: str) -> bool:
        """A month 1–12 is present (the patterns guarantee it); four bare digits must start with a month."""
        return bool(pattern_text.strip())

