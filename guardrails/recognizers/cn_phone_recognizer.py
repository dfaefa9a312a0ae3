"""Mainland China phone numbers: mobiles 1[3-9]x (+86/0086/86 prefixes) and 0xx(x) landlines."""
from __future__ import annotations

from typing import ClassVar

import phonenumbers
from presidio_analyzer import Pattern

from guardrails.normalize import digits_only
from guardrails.recognizers.context_aware_recognizer import B_END, ContextAwareRecognizer

# Not after a digit/letter, nor glued to "-", "/", "_" (error codes such as ERR-13800138000).
P_START = r"(?<![0-9A-Za-z\-_/+])"
PREFIX = r"(?:(?:\+|00)\s?86[\s\-]?|\(\+?86\)\s?|86[\s\-]?)"
SEP = r"[\s\-.]?"
AREA = r"(?:\(0\d{2,3}\)|0\d{2,3})"
EXT = r"(?:\s?(?:转|ext\.?|x|#)\s?\d{1,5})?"

PHONE_CONTEXT: tuple[str, ...] = (
    "电话", "手机", "手机号", "联系电话", "联系方式", "座机", "固话", "致电", "来电", "拨打", "打",
    "热线", "传真", "短信", "微信", "联系", "tel", "phone", "mobile", "cell", "call", "fax",
    "contact", "whatsapp", "text", "sms", "reach me at", "reach me on",
)


class CnPhoneRecognizer(ContextAwareRecognizer):
    """PHONE_NUMBER (CN): 11-digit mobiles, grouped or not, and landlines with an area code."""

    ENTITY = "PHONE_NUMBER"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("CN mobile", P_START + r"(?P<value>" + PREFIX + r"?1[3-9]\d(?:" + SEP + r"\d){8})" + B_END, 0.85),
        # Landline with a visible area-code separator: (010) 6552 9988, 021-63211234, 0755 8888 6666.
        Pattern("CN landline", P_START + r"(?P<value>" + PREFIX + r"?" + AREA + r"[\s\-]\d{3,4}" + SEP
                + r"\d{4}" + EXT + r")" + B_END, 0.75),
        # Landline written as one run of digits: only after a phone label.
        Pattern("CN landline run (context)", P_START + r"(?P<value>0\d{9,11})" + B_END, 0.6),
    )
    CONTEXT = PHONE_CONTEXT
    CONTEXT_ONLY = frozenset({"CN landline run (context)"})
    SEPARATORS = ""

    def validate_result(self, pattern_text: str) -> bool:
        """Mobiles by shape; landlines must be valid CN numbers for libphonenumber."""
        digits = digits_only(pattern_text.split("转")[0].split("ext")[0].split("x")[0].split("#")[0])
        core = digits[2:] if digits.startswith("86") and len(digits) == 13 else digits
        core = digits[4:] if digits.startswith("0086") else core
        if len(core) == 11 and core[0] == "1":
            return core[1] in "3456789"
        try:
            number = phonenumbers.parse(core if core.startswith("0") else "0" + core, "CN")
        except phonenumbers.NumberParseException:
            return False
        return phonenumbers.is_valid_number(number)
