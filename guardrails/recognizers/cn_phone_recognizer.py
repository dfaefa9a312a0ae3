"""Mainland China phone numbers: mobiles 1[3-9]x (+86/0086/86 prefixes) and 0xx(x) landlines.

Decision on hotlines: mainland institution numbers are not personal data and are kept — 400
numbers (shared-cost business lines, "400-820-8820"; never issued to a person, and 400 is no NANP
area code), numbers libphonenumber classes as CN toll-free/shared-cost/premium/UAN when written with
the trunk 0 or +86, and the 95xxx/96xxx/12xxx service short codes (95588, 12320; too short to match
anyway). A customer's own mobile or landline always counts. A bare "800-xxx-xxxx" is NOT exempted:
it is also the US toll-free format, which customers give as call-back numbers, and a format cannot
tell whose line it is, so privacy wins; the same for other countries' toll-free numbers.
`is_service_number` (here) and `service_line_digits` (intl recognizer) are the places that decide.
"""
from __future__ import annotations

from typing import ClassVar

import phonenumbers
from presidio_analyzer import Pattern

from guardrails.normalize import digits_only
from guardrails.recognizers.context_aware_recognizer import B_END, ContextAwareRecognizer

# Not after a digit/letter, nor glued to "-", "/", "_" (error codes such as ERR-13800138000).
P_START = r"(?<![0-9A-Za-z\-_/+])"
PREFIX = r"(?:(?:\+|00)\s?86[\s\-]?|\(\+?86\)\s?|86[\s\-]?)"
SEP = r"(?:[\s\-.]|\s{2,3}|\s?-\s?)?"
# Area code, then a separator: "(021)6234 5678" needs none after the parenthesis.
AREA = r"(?:\(0\d{2,3}\)\s{0,2}|0\d{2,3}(?:[\s\-]|\s{2,3}|\s?-\s?))"
EXT = r"(?:\s?(?:转|分机|ext\.?|x|#)\s?\d{1,5})?"
# Number types that belong to institutions, never to a person (libphonenumber's classification).
SERVICE_TYPES: frozenset[int] = frozenset({
    phonenumbers.PhoneNumberType.TOLL_FREE, phonenumbers.PhoneNumberType.SHARED_COST,
    phonenumbers.PhoneNumberType.PREMIUM_RATE, phonenumbers.PhoneNumberType.UAN,
})

PHONE_CONTEXT: tuple[str, ...] = (
    "电话", "手机", "手机号", "联系电话", "联系方式", "座机", "固话", "致电", "来电", "拨打", "打",
    "热线", "传真", "短信", "微信", "联系", "回电", "回拨", "电联", "新号", "换号", "号码是", "tel",
    "phone", "mobile", "cell", "call", "fax", "contact", "whatsapp", "text", "sms", "reach me at",
    "reach me on", "my number", "call me", "call me on", "call me at", "text me on", "text me at",
    "call back", "ring me", "ring me on",
)


class CnPhoneRecognizer(ContextAwareRecognizer):
    """PHONE_NUMBER (CN): 11-digit mobiles, grouped or not, and landlines with an area code."""

    ENTITY = "PHONE_NUMBER"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("CN mobile", P_START + r"(?P<value>" + PREFIX + r"?1[3-9]\d(?:" + SEP + r"\d){8})" + B_END, 0.85),
        # Landline with a visible area-code separator: (010) 6552 9988, 021-63211234, 0755 8888 6666.
        Pattern("CN landline", P_START + r"(?P<value>" + PREFIX + r"?" + AREA + r"\d{3,4}" + SEP
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
        return phonenumbers.is_valid_number(number) and not is_service_number(number)


def is_service_number(number: phonenumbers.PhoneNumber) -> bool:
    """True for mainland institution lines: toll-free (800), shared-cost (400), premium, UAN."""
    if number.country_code != 86:
        return False
    if phonenumbers.number_type(number) in SERVICE_TYPES:
        return True
    national = str(number.national_number)
    # CN 400 numbers written without the trunk 0 parse as shared-cost only sometimes.
    return len(national) == 10 and national[:3] == "400"
