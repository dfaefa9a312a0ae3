"""Bank account numbers that are not card numbers: 8–30 digits right after an account label.

Mainland current and corporate accounts (对公账户), passbooks (存折) and foreign account numbers have no
checksum a recognizer could test and no fixed length, so only the label tells them from order numbers.
A Luhn-valid card number after the same label is the bank-card recognizer's (higher score wins the merge).
"""
from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from guardrails.normalize import digits_only
from guardrails.recognizers.context_aware_recognizer import B_END, B_START, ContextAwareRecognizer


class BankAccountRecognizer(ContextAwareRecognizer):
    """BANK_ACCOUNT: an 8–30 digit number, plain or grouped, after 账号/账户/对公账户/account no."""

    ENTITY = "BANK_ACCOUNT"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("account number (context)", B_START + r"(?P<value>\d(?:[ \-.]?\d){7,29})" + B_END, 0.5),
    )
    CONTEXT = ("账号", "帐号", "账户", "帐户", "对公账户", "对公账号", "对公户", "银行账号", "银行账户", "收款账号",
               "收款账户", "收款帐号", "付款账户", "付款账号", "转入账户", "转出账户", "存折", "存折号", "存折账号",
               "结算账户", "基本户", "一般户", "开户账号", "account", "account no", "account number", "acct",
               "acct no", "a/c", "a/c no", "bank account", "bank account number", "beneficiary account",
               "savings account", "checking account", "current account", "routing and account")
    CONTEXT_ONLY = frozenset({"account number (context)"})
    LABEL_WORD_START = True

    def validate_result(self, pattern_text: str) -> bool:
        """Eight to thirty digits."""
        return 8 <= len(digits_only(pattern_text)) <= 30
