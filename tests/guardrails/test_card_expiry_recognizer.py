"""CardExpiryRecognizer: card expiry dates after a label or right after a card number; other dates stay."""
import pytest

from guardrails.normalize import normalize
from guardrails.recognizers.card_expiry_recognizer import CardExpiryRecognizer


def found(text: str) -> list[str]:
    norm = normalize(text).text
    return [norm[r.start:r.end] for r in CardExpiryRecognizer().analyze(norm, [])]


@pytest.mark.parametrize("text, expected", [
    ("有效期12/27", ["12-27"]),                           # label touching the value ("/" folds to "-")
    ("exp 12/27", ["12-27"]),                            # English abbreviation
    ("valid thru 08/2029", ["08-2029"]),                 # four-digit year
    ("有效期至27年12月", ["27年12月"]),                     # Chinese year/month
    ("到期日 2028-03", ["2028-03"]),                      # year first
    ("Expiry: 0527", ["0527"]),                          # MMYY after a label
    ("4111111111111111 12/27", ["12-27"]),               # right after a card number
    ("有效期１２／２７", ["12-27"]),                        # full-width digits and slash
])
def test_valid(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "预约在12/27上午",            # an appointment date
    "血压 12/27",                # not an expiry label
    "有效期多久？",               # no value
    "experience 12/27",          # "exp" inside a word is no label
    "有效期13/27",               # month 13
    "会员有效期至2025-12-31",      # a full date: a membership's validity
    "身份证有效期2016.03.01-2036.03.01",  # an ID card's validity period
])
def test_invalid(text):
    assert found(text) == []
