"""ObfuscatedEmailRecognizer: "at"/"dot" spelled out, bracketed or in Chinese; web sites and words stay."""
import pytest

from guardrails.normalize import normalize
from guardrails.recognizers.obfuscated_email_recognizer import ObfuscatedEmailRecognizer


def found(text: str) -> list[str]:
    norm = normalize(text).text
    return [norm[r.start:r.end] for r in ObfuscatedEmailRecognizer().analyze(norm, [])]


@pytest.mark.parametrize("text, expected", [
    ("mail me: zhang.wei at example dot cn thanks", ["zhang.wei at example dot cn"]),  # spelled out
    ("email me at zhang.wei at example dot cn", ["zhang.wei at example dot cn"]),      # "me at" is not it
    ("zhangwei(at)example(dot)com", ["zhangwei(at)example(dot)com"]),                  # bracketed
    ("lisi [at] 163 [dot] com", ["lisi [at] 163 [dot] com"]),                          # square brackets
    ("邮箱是wangfang艾特qq点com", ["wangfang艾特qq点com"]),                              # Chinese words
    ("abc@qq。com", ["abc@qq。com"]),                                                  # ideographic full stop
    ("wei_li AT hospital DOT org DOT cn", ["wei_li AT hospital DOT org DOT cn"]),      # capitals, two dots
])
def test_valid(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "look at example dot com",      # a web site
    "normal a@b.cn",                # a plain address: the plain recognizer's
    "meet at 5 dot com",            # an everyday word before "at"
    "stay at home dot dot",         # no public suffix
    "name at example dot invalidtld",  # unknown suffix
])
def test_invalid(text):
    assert found(text) == []
