"""CnPhoneRecognizer: mainland mobiles with prefixes and grouping, landlines with area codes."""
import pytest
from faker import Faker

from guardrails.normalize import normalize
from guardrails.recognizers.cn_phone_recognizer import CnPhoneRecognizer


def found(text: str) -> list[str]:
    norm = normalize(text).text
    return [norm[r.start:r.end] for r in CnPhoneRecognizer().analyze(norm, [])]


@pytest.mark.parametrize("text, expected", [
    ("手机号是15717066907。", ["15717066907"]),               # plain, touching CJK
    ("电话+86 15169420809，", ["+86 15169420809"]),           # +86 with space
    ("电话+86-15941768487", ["+86-15941768487"]),             # +86 with dash
    ("电话0086 13800138000", ["0086 13800138000"]),           # 0086
    ("电话是8615018518222，", ["8615018518222"]),              # bare 86
    ("call 191-8802-4845 now", ["191-8802-4845"]),            # 3-4-4 dashes
    ("手机 181 0186 1442", ["181 0186 1442"]),                 # 3-4-4 spaces
    ("手机：＋８６ １３８００１３８０００", ["+86 13800138000"]),  # full-width
    ("座机 (010) 6552-9988 转 123", ["(010) 6552-9988 转 123"]),  # landline, parentheses, extension
    ("请拨打021-63211234", ["021-63211234"]),                  # landline with dash
    ("座机 02163211234", ["02163211234"]),                     # landline run after a label
    ("电话(021)6234 5678找我", ["(021)6234 5678"]),            # bracketed area code, no space after
    ("手机139  1234  5678", ["139  1234  5678"]),              # doubled spaces
    ("电话(+86)13912345678。", ["(+86)13912345678"]),          # bracketed country code
])
def test_valid(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "工单号13800138000",              # work-order label
    "订单号 13800138000 已发货",       # order label
    "ERR-13800138000",               # glued to an error code
    "12800138000",                   # 12x is not a mobile range
    "编码 02163211234",               # landline-shaped run without a phone label
    "138001380001",                  # 12 digits
    "客服热线400-820-8820",            # CN 400 business line: an institution's, kept
    "拨打 0400-820-8820",              # 400 number with a trunk 0: shared cost
])
def test_invalid(text):
    assert found(text) == []


def test_faker_mobiles():
    fake = Faker("zh_CN")
    fake.seed_instance(3)
    for _ in range(30):
        value = fake.phone_number()
        assert found(f"有事打{value}找我") == [value]
