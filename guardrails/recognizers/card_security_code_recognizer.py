"""Card security codes (CVV/CVC/CID, 安全码/校验码): 3–4 digits after their label or right after a card.

Sensitive authentication data: PCI DSS forbids storing it after authorisation, so the policy turns it into
a bare `<CVV>` (guardrails/policy.py). Without a label a short number is everywhere (amounts, rooms, counts);
here it counts only when a label precedes it or when it follows a card number (and maybe its expiry) with
nothing but separators between: "6222 0297 0326 9637 12/27 345".
"""
from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import Pattern

from guardrails.recognizers.context_aware_recognizer import (
    B_END,
    B_START,
    LOOKBACK,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    ContextAwareRecognizer,
)

# A card-shaped run (13–19 digits, grouped or not), maybe its expiry, then only separators: the end of `prefix`.
AFTER_CARD = regex.compile(
    r"(?<![0-9])\d(?:[ \-.]?\d){12,18}"
    r"(?:[\s,，;；、]*(?:(?:exp\w*|有效期至?|到期)[\s:：]*)?(?:0[1-9]|1[0-2])\s?[/\-]\s?(?:20)?\d{2})?"
    r"[\s,，;；、]*(?:(?:cvv2?|cvc2?|安全码|校验码)[\s:：]*)?$", regex.IGNORECASE)


def after_card(text: str, start: int) -> bool:
    """True when a card number (and maybe its expiry) ends right before `start`."""
    return AFTER_CARD.search(text[max(0, start - LOOKBACK):start]) is not None

_CARD_RUN = regex.compile(r"\d(?:[ \-.]?\d){12,18}")


class CardSecurityCodeRecognizer(ContextAwareRecognizer):
    """CVV: three or four digits after a security-code label, or right after a card number."""

    ENTITY = "CVV"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("security code (context)", B_START + r"(?P<value>\d{3,4})" + B_END, 0.6),
    )
    CONTEXT = ("cvv", "cvv2", "cvc", "cvc2", "cid", "csc", "cvn", "安全码", "校验码", "卡验证码", "背面三位数",
               "背面的三位数", "背面三位数字", "背面的三位数字", "背后的三位数", "后三位数", "背面三位", "背面后三位",
               "卡背面", "卡背后", "背后三位", "后三位", "末三位", "security code", "card security code",
               "card verification", "verification value", "3-digit code", "three-digit code",
               "three digits on the back", "digits on the back", "code on the back")
    CONTEXT_ONLY = frozenset({"security code (context)"})
    SEPARATORS = ""
    LABEL_WORD_START = True

    def may_match(self, text: str) -> bool:
        """A label, or a card-length digit run (the value may follow a card number without one)."""
        return super().may_match(text) or _CARD_RUN.search(text) is not None

    def label_before(self, text: str, start: int) -> int:
        """A security-code label, or a card number right before the value, makes it a CVV."""
        label = super().label_before(text, start)
        if label == NEUTRAL and after_card(text, start):
            return POSITIVE
        return label if label != NEGATIVE else NEGATIVE

    def validate_result(self, pattern_text: str) -> bool:
        """Three or four digits."""
        return pattern_text.isdigit() and 3 <= len(pattern_text) <= 4
