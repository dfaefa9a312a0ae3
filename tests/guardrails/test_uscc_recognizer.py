"""UsccRecognizer: an individual's business code (个体工商户 92…, or a personal cue) is redacted; a company's kept."""
import pytest
from stdnum.cn import uscc

from guardrails.normalize import normalize
from guardrails.recognizers.uscc_recognizer import UsccRecognizer

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def complete(first17: str) -> str:
    """Append the GB 32100 check character."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS))
    return first17 + ALPHABET[(31 - total % 31) % 31]


INDIVIDUAL = complete("92110105MA01ABCD1")   # 个体工商户
COMPANY = complete("91110000600037341")      # an enterprise
BAD_CHECK = COMPANY[:-1] + ("0" if COMPANY[-1] != "0" else "1")


def found(text: str) -> list[str]:
    norm = normalize(text).text
    return [norm[r.start:r.end] for r in UsccRecognizer().analyze(norm, [])]


def test_fixture_codes_are_valid():
    assert uscc.is_valid(INDIVIDUAL) and uscc.is_valid(COMPANY) and not uscc.is_valid(BAD_CHECK)


@pytest.mark.parametrize("text, expected", [
    (f"信用代码{INDIVIDUAL}", [INDIVIDUAL]),                         # a 个体工商户 code is a person's
    (f"我是个体户，营业执照{COMPANY}", [COMPANY]),                      # a personal cue before it
    (f"my shop's licence {COMPANY} please", [COMPANY]),              # English personal cue
    (f"我的营业执照号是{COMPANY}", [COMPANY]),                          # "my business licence"
])
def test_valid(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    f"公司统一社会信用代码{COMPANY}",            # a company's: kept
    f"{COMPANY}",                              # no cue: an organisation's code stays
    f"我是个体户，我们公司代码{COMPANY}",          # organisation cue wins over the personal one
    f"我是个体户，营业执照{BAD_CHECK}",            # check character wrong
])
def test_invalid(text):
    assert found(text) == []
