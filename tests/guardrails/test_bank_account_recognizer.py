"""BankAccountRecognizer: 8–30 digit account numbers after an account label; look-alikes stay."""
import pytest

from guardrails.normalize import normalize
from guardrails.recognizers.bank_account_recognizer import BankAccountRecognizer


def found(text: str) -> list[str]:
    norm = normalize(text).text
    return [norm[r.start:r.end] for r in BankAccountRecognizer().analyze(norm, [])]


@pytest.mark.parametrize("text, expected", [
    ("对公账户 1101 0200 0123 4567 89 收款", ["1101 0200 0123 4567 89"]),   # grouped corporate account
    ("账号：310066726018010041117", ["310066726018010041117"]),          # 21-digit mainland account
    ("account no. 00123456789", ["00123456789"]),                        # English label
    ("存折账号 一二三四五六七八九零", ["1234567890"]),                       # spoken numerals
    ("收款账户是6217-0012-3456-7890-12", ["6217-0012-3456-7890-12"]),     # dashes between groups
    ("a/c 12345678", ["12345678"]),                                      # eight digits, short label
])
def test_valid(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "账户余额 123456789",           # a balance: 余额 breaks the label
    "订单号 123456789012",          # an order number
    "账号 1234567",                 # seven digits are too few
    "账户被冻结了怎么办",              # no value
    "my account 2024",              # a year
])
def test_invalid(text):
    assert found(text) == []
