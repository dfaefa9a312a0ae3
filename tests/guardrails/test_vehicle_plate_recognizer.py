"""VehiclePlateRecognizer: ordinary and new-energy plates; flight numbers glued to a city name stay."""
import pytest

from guardrails.normalize import normalize
from guardrails.recognizers.vehicle_plate_recognizer import VehiclePlateRecognizer


def found(text: str) -> list[str]:
    norm = normalize(text).text
    return [norm[r.start:r.end] for r in VehiclePlateRecognizer().analyze(norm, [])]


@pytest.mark.parametrize("text, expected", [
    ("车牌京A12345被贴罚单", ["京A12345"]),              # ordinary plate
    ("粤BD12345", ["粤BD12345"]),                       # new-energy small car
    ("我的车粤B12345D", ["粤B12345D"]),                  # new-energy large vehicle
    ("沪B·8K2N7停在门口", ["沪B·8K2N7"]),                # middle dot, letters inside
    ("车牌号 京CA1850", ["京CA1850"]),                   # airline-like tail, but labelled
    ("浙A 3X5T9", ["浙A 3X5T9"]),                       # space after the office letter
])
def test_valid(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "飞北京CA1850航班延误",        # a flight number after a city
    "从北京MU5101回来",            # the same, no flight word
    "京ABCDEF",                  # no digit
    "京A1234",                   # too short
    "京I12345",                  # no I on plates
])
def test_invalid(text):
    assert found(text) == []
