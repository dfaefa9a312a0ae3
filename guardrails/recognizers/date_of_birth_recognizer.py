"""Dates of birth after their label (出生日期, 生日, DOB, born on) in numeric, Chinese and English forms.

1985-03-12, 1985/3/12, 1985.03.12, 19850312, 1985年3月12日, 一九八五年三月十二日 (the year's numerals are
folded by normalisation, month and day words are read here), 85年3月12日, 12/03/1985, March 12, 1985,
12th of March 1985, and a birthday without its year (生日是3月12日). A date without a birth label is an
ordinary date (appointments, transactions) and stays.
"""
from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from guardrails.recognizers.context_aware_recognizer import B_END, B_START, ContextAwareRecognizer

CN_MONTH = r"(?:十[一二]?|[一二三四五六七八九])"
CN_DAY = r"(?:三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
MONTH = r"(?:" + CN_MONTH + r"|1[0-2]|0?[1-9])"
DAY = r"(?:" + CN_DAY + r"|3[01]|[12]\d|0?[1-9])"
YEAR = r"(?:19|20)\d{2}"
MONTH_NAME = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
              r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
ORD = r"(?:st|nd|rd|th)?"


class DateOfBirthRecognizer(ContextAwareRecognizer):
    """DATE_OF_BIRTH: a date right after a birth label (any common written form)."""

    ENTITY = "DATE_OF_BIRTH"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("Y-M-D (context)", B_START + r"(?P<value>" + YEAR + r"\s?[\-/.]\s?(?:0?[1-9]|1[0-2])\s?[\-/.]\s?"
                r"(?:0?[1-9]|[12]\d|3[01]))" + B_END, 0.6),
        Pattern("YYYYMMDD (context)", B_START + r"(?P<value>" + YEAR + r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))"
                + B_END, 0.6),
        Pattern("年月日 (context)", B_START + r"(?P<value>(?:" + YEAR + r"|\d{2})\s?年\s?" + MONTH + r"\s?月\s?" + DAY
                + r"\s?[日号]?)", 0.6),
        Pattern("月日 (context)", r"(?<![0-9年])(?P<value>" + MONTH + r"\s?月\s?" + DAY + r"\s?[日号])", 0.6),
        Pattern("D/M/Y (context)", B_START + r"(?P<value>\d{1,2}\s?[\-/.]\s?\d{1,2}\s?[\-/.]\s?(?:" + YEAR
                + r"|\d{2}))" + B_END, 0.6),
        Pattern("Month D, Y (context)", r"(?i)(?<![A-Za-z])(?P<value>" + MONTH_NAME + r"\s+\d{1,2}" + ORD
                + r",?\s+" + YEAR + r")" + B_END, 0.6),
        Pattern("D Month Y (context)", r"(?i)" + B_START + r"(?P<value>\d{1,2}" + ORD + r"(?:\s+of)?\s+"
                + MONTH_NAME + r",?\s+" + YEAR + r")" + B_END, 0.6),
        Pattern("Y-M (context)", B_START + r"(?P<value>" + YEAR + r"\s?[年\-/.]\s?(?:0?[1-9]|1[0-2])\s?月?)"
                + r"(?![0-9])", 0.55),
    )
    CONTEXT = ("出生日期", "出生年月日", "出生年月", "出生于", "出生在", "出生", "出生日", "生日", "生于", "生日是",
               "出生时间", "生辰", "dob", "d.o.b", "d.o.b.", "date of birth", "birth date", "birthdate", "birthday",
               "born on", "born", "born in", "i was born on", "was born")
    CONTEXT_ONLY = frozenset(p.name for p in PATTERNS)
    SEPARATORS = ""
    LABEL_WORD_START = True

    def validate_result(self, pattern_text: str) -> bool:
        """The patterns only admit real month and day ranges; anything they match after the label counts."""
        return bool(pattern_text.strip())
