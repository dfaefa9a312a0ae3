"""IBANs (ISO 13616): compact or grouped, any letter case; mod-97 and country format, never logged."""
from __future__ import annotations

import re

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.predefined_recognizers import IbanRecognizer
from presidio_analyzer.predefined_recognizers.generic.iban_patterns import regex_per_country

_SEPARATORS = re.compile(r"[ \-]")
_COUNTRY_FORMATS: dict[str, re.Pattern[str]] = {}
# A candidate: country + check digits, then chunks of up to four characters, optionally separated.
# Presidio's own pattern is upper-case only and, made case-insensitive, swallows a following word
# ("… 6111 please"); here each chunk end is a possible cut and the longest valid prefix wins.
CANDIDATE = regex.compile(r"(?<![0-9A-Za-z])[A-Za-z]{2}\d{2}(?:[ \-]?[0-9A-Za-z]{1,4}){2,9}")
MIN_LEN, MAX_LEN = 15, 34


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
    """IBAN_CODE: chunked candidates cut at chunk ends; mod-97 and country format checked silently."""

    SCORE = 1.0
    # Set by Presidio's __init__; declared here because mypy cannot infer it through Presidio's import cycle.
    name: str

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_language=supported_language, name=type(self).__name__,
                         context=["iban", "bank", "transaction", "转账", "汇款", "账户", "银行"])

    def validate_result(self, pattern_text: str) -> bool:
        """Mod-97 checksum and country format; no logging of the value on failure."""
        iban = _SEPARATORS.sub("", pattern_text).upper()
        return (MIN_LEN <= len(iban) <= MAX_LEN and iban.isalnum() and iban_mod97_ok(iban)
                and country_format_ok(iban))

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        """Longest valid IBAN at each candidate start, ending where a chunk ends and a word ends."""
        if entities and self.supported_entities[0] not in entities:
            return []
        results: list[RecognizerResult] = []
        for match in CANDIDATE.finditer(text):
            start = match.start()
            for end in range(match.end(), start + MIN_LEN - 1, -1):
                if end < len(text) and text[end].isascii() and text[end].isalnum():
                    continue  # would cut inside a chunk
                if text[end - 1] in " -":
                    continue
                if self.validate_result(text[start:end]):
                    results.append(RecognizerResult(
                        entity_type=self.supported_entities[0], start=start, end=end, score=self.SCORE,
                        recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                              RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}))
                    break
        return results
