"""IntlPhoneRecognizer: +CC numbers, North American formats, labelled national numbers."""
import pytest

from guardrails.normalize import normalize
from guardrails.recognizers.intl_phone_recognizer import IntlPhoneRecognizer


def found(text: str) -> list[str]:
    norm = normalize(text).text
    return [norm[r.start:r.end] for r in IntlPhoneRecognizer().analyze(norm, [])]


@pytest.mark.parametrize("text, expected", [
    ("call me back at (603) 579-8023 about", ["(603) 579-8023"]),  # NANP with parentheses
    ("call me back at 433-212-3268 about", ["433-212-3268"]),      # NANP with dashes
    ("call 603.579.8023", ["603.579.8023"]),                       # NANP with dots
    ("My phone is +44 20 7946 0958", ["+44 20 7946 0958"]),         # UK international
    ("香港电话+852 9123 4567", ["+852 9123 4567"]),                  # HK international touching CJK
    ("电话：9123 4567", ["9123 4567"]),                              # HK national after a label
    ("call me back at 833-368-7448", ["833-368-7448"]),              # US toll-free given as own number
    ("please call me on 5265 8184 later", ["5265 8184"]),           # possible HK number after "call me on"
    ("my number is 07700 900123.", ["07700 900123"]),                # UK drama-range mobile: possible
])
def test_valid(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "order 123-456-7890 shipped",     # order label
    "dated 2024-03-15",               # a date
    "code 9123 4567",                 # no phone label
    "invoice (603) 579-8023",         # invoice label
    "area 103-579-8023",              # NANP area code cannot start with 1
    "call 400-820-8820 for help",     # CN 400 business line after a phone label
    "call 4008208820",                # the same, compact
])
def test_invalid(text):
    assert found(text) == []
