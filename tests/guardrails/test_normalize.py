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


@pytest.mark.parametrize("original, expected", [
    ("手机一三三二七四零八五九四", "手机13327408594"),      # Chinese numerals, digit by digit
    ("幺三三两拐四洞八五勾四", "13327408594"),              # radio style
    ("二〇二四年", "2024年"),                              # 〇 as zero
    ("一三三 二七四零 八五九四", "133 2740 8594"),           # spaces between spoken groups stay
    ("卡号6222_0297_0326_9637", "卡号6222-0297-0326-9637"),  # underscores between digits
    ("138/0013/8000", "138-0013-8000"),                    # slashes between digits
    ("6222 / 0297 _ 0326", "6222 - 0297 - 0326"),          # a spaced slash or underscore
    ("一百二十元", "一百二十元"),                            # a positional amount is not folded
    ("两千块", "两千块"),                                   # neither is this
    ("一下", "一下"),                                       # a short word stays
    ("三五个人", "三五个人"),                                # two numerals are no digit string
    ("拐弯处", "拐弯处"),                                   # radio words in ordinary text
    ("a_b/c", "a_b/c"),                                    # "_" and "/" outside numbers stay
])
def test_spoken_numbers_fold_character_for_character(original, expected):
    norm = normalize(original)
    assert norm.text == expected and len(norm.text) == len(norm.origin)


def test_spoken_number_maps_back_to_its_characters():
    original = "请打一三三二七四零八五九四谢谢"
    norm = normalize(original)
    start = norm.text.index("13327408594")
    s, e = norm.to_original(start, start + 11)
    assert original[s:e] == "一三三二七四零八五九四"
