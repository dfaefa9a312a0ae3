"""CnResidentIdRecognizer: GB 11643 check character, birth date, grouping, legacy 15 digits."""
import pytest
from faker import Faker

from guardrails.normalize import normalize
from guardrails.recognizers.cn_resident_id_recognizer import CnResidentIdRecognizer, check_char


def found(text: str) -> list[str]:
    norm = normalize(text).text
    return [norm[r.start:r.end] for r in CnResidentIdRecognizer().analyze(norm, [])]


@pytest.mark.parametrize("text, expected", [
    ("身份证号510107197411234656，", ["510107197411234656"]),          # plain 18 digits touching CJK
    ("患者叶玉俊，身份证42010219720611116X，预约", ["42010219720611116X"]),  # check character X
    ("id 61011319460703096x please", ["61011319460703096x"]),           # lower-case x
    ("身份证号330106 19500828 9949，", ["330106 19500828 9949"]),        # grouped 6-8-4
    ("ID: 3301-0619-5008-2899-49", ["3301-0619-5008-2899-49"]),         # dashes, odd grouping
    ("我的证件号是５１０１０７１９７４１１２３４６５６", ["510107197411234656"]),  # full-width digits (normalised)
    ("身份证 110105720707764 旧号", ["110105720707764"]),               # legacy 15 digits with a label
    ("身份证号：510107197411234657", ["510107197411234657"]),           # bad check digit rescued by the label
])
def test_valid(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "订单号894232805983246820的蓝裙子",          # 18-digit order number (negative label)
    "number 510107197411234657 here",          # wrong check digit, no label
    "number 510107199913324656 here",          # impossible birth date
    "number 990107197411234656 here",          # unknown province code
    "ref 110105720707764",                     # 15 digits without an ID label
    "5101071974112346560",                     # 19 digits: not an ID
])
def test_invalid(text):
    assert found(text) == []


def test_check_char_matches_gb11643_example():
    assert check_char("11010519491231002") == "X"  # the standard's worked example


@pytest.mark.parametrize("seed", range(5))
def test_faker_ids_in_other_sentences(seed):
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    for _ in range(20):
        value = fake.ssn()
        assert found(f"麻烦核对一下{value}是不是我的") == [value]
