"""One home for text rules shared by ingestion and retrieval: the CJK pattern, language, normalisation.

``normalise`` is applied to every question and every indexed text before lexical matching: NFKC (full-width
letters, digits and punctuation become ASCII), traditional → simplified Chinese (OpenCC's tables, shipped in
the ``opencc-python-reimplemented`` wheel, nothing downloaded), case folding and collapsed whitespace.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
LATIN_WORD = re.compile(r"[A-Za-z]+")
SPACES = re.compile(r"\s+")


def detect_lang(text: str) -> str:
    """'zh' when Chinese characters outnumber Latin words (mixed text follows its main script), else 'en'."""
    han = sum(len(run) for run in CJK_RUN.findall(text))
    words = len(LATIN_WORD.findall(text))
    return "zh" if han and han >= words else "en"


@functools.lru_cache(maxsize=1)
def _t2s() -> Any:
    from opencc import OpenCC  # opencc-python-reimplemented: pure Python, dictionaries in the wheel

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional Chinese characters as simplified ones (text without Chinese is returned unchanged)."""
    return _t2s().convert(text) if CJK.search(text) else text


def fold(text: str) -> str:
    """NFKC and simplified Chinese, case kept: the form questions are embedded in."""
    return SPACES.sub(" ", to_simplified(unicodedata.normalize("NFKC", text))).strip()


def normalise(text: str) -> str:
    """``fold`` and case-folded: the form every lexical matcher compares."""
    return fold(text).casefold()
