"""Presidio's IBAN recognizer with a validation that never logs the candidate value."""
from __future__ import annotations

import re

from presidio_analyzer.predefined_recognizers import IbanRecognizer
from presidio_analyzer.predefined_recognizers.generic.iban_patterns import regex_per_country

_SEPARATORS = re.compile(r"[ \-]")
_COUNTRY_FORMATS: dict[str, re.Pattern[str]] = {}


def iban_mod97_ok(iban: str) -> bool:
    """ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 == 1."""
    rearranged = iban[4:] + iban[:4]
    try:
        return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1
    except ValueError:
        return False


def country_format_ok(iban: str) -> bool:
    """The IBAN matches its country's length/format from Presidio's table (unknown country: False)."""
    country = iban[:2]
    if country not in regex_per_country:
        return False
    if country not in _COUNTRY_FORMATS:  # benign race: both threads compile the same pattern
        _COUNTRY_FORMATS[country] = re.compile(regex_per_country[country])
    return _COUNTRY_FORMATS[country].fullmatch(iban) is not None


class QuietIbanRecognizer(IbanRecognizer):
    """IBAN_CODE: Presidio's matcher; mod-97 and country format checked here, silently."""

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_language=supported_language, name=type(self).__name__,
                         context=["iban", "bank", "transaction", "转账", "汇款", "账户", "银行"])

    def validate_result(self, pattern_text: str) -> bool:
        """Mod-97 checksum and country format; no logging of the value on failure."""
        iban = _SEPARATORS.sub("", pattern_text).upper()
        return len(iban) >= 15 and iban.isalnum() and iban_mod97_ok(iban) and country_format_ok(iban)
