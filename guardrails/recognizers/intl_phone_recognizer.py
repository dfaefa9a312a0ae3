"""Phone numbers outside mainland formats: +CC international, North American (603) 579-8023, and
any plausible number right after a phone label, checked with libphonenumber."""
from __future__ import annotations

from typing import ClassVar

import phonenumbers
from presidio_analyzer import Pattern

from guardrails.normalize import digits_only
from guardrails.recognizers.cn_phone_recognizer import PHONE_CONTEXT, is_service_number
from guardrails.recognizers.context_aware_recognizer import B_END, POSITIVE, ContextAwareRecognizer

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
    SEPARATORS = ""  # "1-800-432-1000" cut to "1-800-432" would be a (wrong) valid number
    LABELLED_POSSIBLE_SCORE = 0.6  # after a phone label, a *possible* (not yet allocated) number counts

    def score_candidate(self, value: str, pattern: Pattern, label: int) -> float | None:
        """As the base class; after a phone label, numbers libphonenumber calls possible also count."""
        score = super().score_candidate(value, pattern, label)
        if score is None and label == POSITIVE and pattern.name in self.CONTEXT_ONLY:
            return self.LABELLED_POSSIBLE_SCORE if possible_personal_number(digits_only(value)) else None
        return score

    def validate_result(self, pattern_text: str) -> bool:
        """libphonenumber: valid for +CC numbers; NANP digit rules; possible in a region after a label."""
        text = pattern_text.strip()
        if text.startswith(("+", "00")):
            try:
                number = phonenumbers.parse("+" + text.lstrip("+")[2:] if text.startswith("00") else text, None)
            except phonenumbers.NumberParseException:
                return False
            if is_service_number(number):
                return False
            return phonenumbers.is_valid_number(number) or phonenumbers.is_possible_number(number)
        digits = digits_only(text)
        if service_line_digits(digits):
            return False
        if len(digits) == 11 and digits[0] == "1":
            digits = digits[1:]
        if len(digits) == 10 and digits[0] in "23456789" and digits[3] in "23456789":
            return True
        for region in REGIONS:
            try:
                number = phonenumbers.parse(digits, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                return not is_service_number(number)
        return False


def possible_personal_number(digits: str) -> bool:
    """A possible (right length, maybe unallocated) 8+ digit number in one of REGIONS, not a service line."""
    if len(digits) < 8 or service_line_digits(digits):
        return False
    for region in REGIONS:
        try:
            number = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number) and not is_service_number(number):
            return True
    return False


def service_line_digits(digits: str) -> bool:
    """CN 400 business lines written without a country code (see cn_phone_recognizer).

    800-xxx-xxxx is left to count as a phone: it is also the US toll-free format that customers give
    as their own call-back number, and CN 800 lines have largely moved to 400.
    """
    return len(digits) == 10 and digits[:3] == "400"
