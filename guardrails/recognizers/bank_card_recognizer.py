"""Bank card numbers: 13-19 digits, Luhn, known issuer prefixes (UnionPay 62 up to 19 digits)."""
from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from guardrails.normalize import digits_only
from guardrails.recognizers.context_aware_recognizer import B_END, B_START, GROUP_SEP, ContextAwareRecognizer

# (prefix, lengths): issuer identification numbers a customer's card may start with.
ISSUERS: tuple[tuple[str, frozenset[int]], ...] = (
    ("4", frozenset({13, 16, 19})),                                   # Visa
    *((str(p), frozenset({16})) for p in range(51, 56)),              # Mastercard 51-55
    *((str(p), frozenset({16})) for p in range(2221, 2721)),          # Mastercard 2-series
    ("34", frozenset({15})), ("37", frozenset({15})),                 # American Express
    *((str(p), frozenset(range(16, 20))) for p in range(3528, 3590)), # JCB
    ("62", frozenset(range(16, 20))), ("81", frozenset(range(16, 20))),  # UnionPay
    ("60", frozenset(range(16, 20))), ("65", frozenset(range(16, 20))),  # Discover / domestic 60
    *((str(p), frozenset(range(16, 20))) for p in range(644, 650)),   # Discover
    ("36", frozenset(range(14, 20))), ("38", frozenset(range(16, 20))), ("39", frozenset(range(16, 20))),
    *((str(p), frozenset(range(16, 20))) for p in range(300, 306)),   # Diners Club
    ("50", frozenset(range(13, 20))), ("56", frozenset(range(13, 20))),  # Maestro
    ("57", frozenset(range(13, 20))), ("58", frozenset(range(13, 20))),
    ("63", frozenset(range(13, 20))), ("67", frozenset(range(13, 20))),
    ("95", frozenset(range(16, 20))),                                  # older domestic debit cards
)


def luhn_ok(digits: str) -> bool:
    """True when the digit string passes the Luhn (mod 10) check."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def known_issuer(digits: str) -> bool:
    """True when the number starts with a known issuer prefix and has one of its lengths."""
    return any(digits.startswith(p) and len(digits) in lengths for p, lengths in ISSUERS)


class BankCardRecognizer(ContextAwareRecognizer):
    """CREDIT_CARD: Luhn-valid 13-19 digit numbers, plain or grouped with spaces/dashes."""

    ENTITY = "CREDIT_CARD"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("card", B_START + r"(?P<value>\d(?:" + GROUP_SEP + r"?\d){12,18})" + B_END, 0.9),
    )
    CONTEXT = ("卡号", "银行卡", "信用卡", "储蓄卡", "借记卡", "贷记卡", "银联卡", "卡", "账号", "帐号",
               "账户", "帐户", "card", "credit card", "debit card", "account", "acct", "visa",
               "mastercard", "unionpay", "amex", "pan")
    RESCUE_SCORE = 0.6

    def validate_result(self, pattern_text: str) -> bool:
        """Luhn, plus a known issuer prefix unless a card label precedes (checked in scoring)."""
        digits = digits_only(pattern_text)
        return digits.isdigit() and 13 <= len(digits) <= 19 and luhn_ok(digits)

    def score_candidate(self, value: str, pattern: Pattern, label: int) -> float | None:
        """Luhn-valid numbers need a known issuer prefix, or a card label right before them."""
        score = super().score_candidate(value, pattern, label)
        if score is None or label > 0:
            return score
        if not known_issuer(digits_only(value)):
            return None
        return score
