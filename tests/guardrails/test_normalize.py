"""normalize(): NFKC, dashes, zero-width, controls, surrogates; offsets map back to the original."""
import pytest

from guardrails.normalize import digits_only, normalize, strip_cn_prefix


@pytest.mark.parametrize("original, expected", [
    ("abc 123", "abc 123"),                  # ASCII fast path
    ("６２２２－０２９７", "6222-0297"),        # full-width digits and hyphen
    ("ＸＥ＠．", "XE@."),                     # full-width letters, at sign, dot
    ("6222\u200b0297", "62220297"),          # zero-width space removed
    ("a\u3000b", "a b"),                     # ideographic space
    ("1\u20142", "1-2"),                     # em dash folds to "-"
    ("a\x00b", "a b"),                       # control character becomes a space
    ("x\ud800y", "x\ufffdy"),                # lone surrogate kept as U+FFFD
    ("😀1", "😀1"),                           # emoji untouched
])
def test_normalize(original, expected):
    assert normalize(original).text == expected


def test_offsets_map_back_through_removed_characters():
    original = "卡号６２\u200b２２。"
    norm = normalize(original)
    start = norm.text.index("6222")
    s, e = norm.to_original(start, start + 4)
    assert original[s:e] == "６２\u200b２２"


def test_expansion_maps_to_one_original_character():
    norm = normalize("①②")  # NFKC: "1", "2"
    assert norm.text == "12" and norm.to_original(1, 2) == (1, 2)


def test_digit_helpers():
    assert digits_only("3301 06-19x") == "33010619x"
    assert strip_cn_prefix("8613800138000") == "13800138000"
    assert strip_cn_prefix("008613800138000") == "13800138000"
