"""BankCardRecognizer: Luhn, issuer prefixes, 19-digit UnionPay, grouping, look-alikes."""
import pytest
from faker import Faker

from guardrails.normalize import normalize
from guardrails.recognizers.bank_card_recognizer import BankCardRecognizer, luhn_ok


def found(text: str) -> list[str]:
    norm = normalize(text).text
    return [norm[r.start:r.end] for r in BankCardRecognizer().analyze(norm, [])]


@pytest.mark.parametrize("text, expected", [
    ("卡号6205221740080827，", ["6205221740080827"]),                   # UnionPay 16, touching CJK
    ("卡号6236 6850 8899 5790 327，", ["6236 6850 8899 5790 327"]),       # UnionPay 19 grouped 4-4-4-4-3
    ("card 222128 836075 9831 charged", ["222128 836075 9831"]),         # Mastercard 2-series 6-6-4
    ("4269-3312-7805-9446", ["4269-3312-7805-9446"]),                    # Visa with dashes
    ("Amex 3782 822463 10005", ["3782 822463 10005"]),                   # Amex 15, 4-6-5
    ("JCB 3530111333300000", ["3530111333300000"]),                      # JCB
    ("卡号６２２２ ０２９７ ０３２６ ９６３７。", ["6222 0297 0326 9637"]),  # full-width (normalised)
    ("6222 0297 0326 9637 2024年", ["6222 0297 0326 9637"]),             # trailing group is not part of it
    ("卡号6222\u200b0297\u200b0326\u200b9637", ["6222029703269637"]),     # zero-width joiners removed
    ("银行卡号：6222029703269638", ["6222029703269638"]),                  # Luhn fails but labelled: rescue
    ("卡号:6222  0297  0326  9637已挂失", ["6222  0297  0326  9637"]),      # doubled spaces between groups
    ("card 6222.0297.0326.9637 ok", ["6222.0297.0326.9637"]),              # dotted groups
])
def test_valid(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "订单号 6222029703269637 已发货",       # Luhn-valid order number: negative label wins
    "tracking number 4111111111111111",   # tracking label
    "number 6222029703269638",            # Luhn fails, no label
    "number 1234567812345670",            # Luhn ok but no known issuer prefix
    "order 8690736625851781",             # dev-set style order number
    "amount 12,000.00",                   # an amount
    "62220297032696370000000",            # a 23-digit run is not a card
])
def test_invalid(text):
    assert found(text) == []


def test_luhn():
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")


@pytest.mark.parametrize("card_type", ["visa16", "mastercard", "amex", "visa19"])
def test_faker_cards(card_type):
    fake = Faker("en_US")
    fake.seed_instance(7)
    for _ in range(20):
        value = fake.credit_card_number(card_type=card_type)
        assert found(f"Please block {value} today") == [value]
