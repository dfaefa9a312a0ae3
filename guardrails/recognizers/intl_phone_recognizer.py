"""Phone numbers outside mainland formats: +CC international, North American (603) 579-8023, and
any plausible number right after a phone label, checked with libphonenumber."""
from __future__ import annotations

from typing import ClassVar

import phonenumbers
from presidio_analyzer import Pattern

from guardrails.normalize import digits_only
from guardrails.recognizers.cn_phone_recognizer import PHONE_CONTEXT
from guardrails.recognizers.context_aware_recognizer import B_END, ContextAwareRecognizer

P_START = r"(?<![0-9A-Za-z\-_/+])"
# Regions tried for numbers written without a country code (after a phone label).
REGIONS: tuple[str, ...] = ("CN", "US", "HK", "MO", "TW", "SG", "GB")


class IntlPhoneRecognizer(ContextAwareRecognizer):
    """PHONE_NUMBER (international): +CC numbers, NANP formats, labelled national numbers."""

    ENTITY = "PHONE_NUMBER"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("international", r"(?<![0-9A-Za-z+])(?P<value>(?:\+|00)[1-9]\d{0,2}[\s\-.]?(?:\(\d{1,4}\)[\s\-.]?)?"
                r"\d(?:[\s\-.]?\d){5,13})" + B_END, 0.8),
        # North American: (603) 579-8023, 603-579-8023, 603.579.8023, +1 603 579 8023.
        Pattern("NANP", P_START + r"(?P<value>(?:\+?1[\s\-.]?)?(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[\s\-.])"
                r"[2-9]\d{2}[\s\-.]\d{4})" + B_END, 0.75),
        # 7-15 digits (grouped or not) after a label such as "电话" / "phone".
        Pattern("labelled (context)", P_START + r"(?P<value>\(?\d{1,4}\)?(?:[\s\-.]?\d){6,14})" + B_END, 0.55),
    )
    CONTEXT = PHONE_CONTEXT
    CONTEXT_ONLY = frozenset({"labelled (context)"})

    def validate_result(self, pattern_text: str) -> bool:
        """libphonenumber: valid for +CC numbers; NANP digit rules; possible in a region after a label."""
        text = pattern_text.strip()
        if text.startswith(("+", "00")):
            try:
                number = phonenumbers.parse("+" + text.lstrip("+")[2:] if text.startswith("00") else text, None)
            except phonenumbers.NumberParseException:
                return False
            return phonenumbers.is_valid_number(number) or phonenumbers.is_possible_number(number)
        digits = digits_only(text)
        if len(digits) == 11 and digits[0] == "1":
            digits = digits[1:]
        if len(digits) == 10 and digits[0] in "23456789" and digits[3] in "23456789":
            return True
        for region in REGIONS:
            try:
                if phonenumbers.is_valid_number(phonenumbers.parse(digits, region)):
                    return True
            except phonenumbers.NumberParseException:
                continue
        return False
