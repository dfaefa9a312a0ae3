"""Hostile and odd input through the real detector and redactor: nothing crashes, nothing raw escapes."""
from __future__ import annotations

import re
import unicodedata

import pytest

from edge_agent.config import Settings
from edge_agent.services import build_redactor
from tests.pii_values import MOBILE, UNIONPAY_19, leak_forms

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def redactor():
    return build_redactor(Settings.load(environ={}))


@pytest.mark.parametrize("text", [
    "",                                                    # empty
    "0" * 100_000,                                         # 100 KB of digits
    "1" * 50_000 + f" {UNIONPAY_19} " + "2" * 50_000,      # a card inside a flood of digits
    f"bad \ud800 surrogate {UNIONPAY_19}",                 # lone surrogate beside a value
    f"ctrl\x00\x07\x1b[31m {MOBILE}\x7f",                  # control characters and an ANSI escape
    f"😀🙏 卡号{UNIONPAY_19}😀 emoji",                      # emoji touching a value
    f"Mixed 中文 English {MOBILE}ありがとう 한국어",          # mixed scripts
    f"卡号：{''.join(chr(ord(c) + 0xFEE0) for c in UNIONPAY_19)}",  # full-width digits
    "\u200b".join(UNIONPAY_19),                           # zero-width spaces between digits
])
def test_odd_input_redacts_without_leaking(redactor, text):
    result = redactor.redact(text)
    assert isinstance(result.text, str)
    for value in (UNIONPAY_19, MOBILE):
        if value in digits(text):  # planted (in any spacing, width or with invisible separators)
            assert value not in digits(result.text), "raw value escaped"
            assert not [f for f in leak_forms(value) if f in result.text]


def digits(text: str) -> str:
    """Only the digits, after NFKC (full-width digits count), ignoring everything between them."""
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
