"""E-mail addresses written to dodge filters: "name at example dot cn", "name(at)example(dot)com", 艾特, 点.

The address is rebuilt (local@domain) and accepted only when its domain ends in a public suffix from the
bundled list (never fetched). Full-width ＠ and ． are folded to ASCII by normalisation and caught by the
plain e-mail recognizer; a "。" or " . " inside the domain is read here. Spaced " at " needs a local part
that is not an everyday word, so "look at example dot com" (a web site) stays.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult

from guardrails.recognizers.offline_email_recognizer import offline_extractor

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

_OPEN, _CLOSE = r"[\(\[\{<（【〔]", r"[\)\]\}>）】〕]"
AT = (r"(?:\s*" + _OPEN + r"\s*(?:at|@)\s*" + _CLOSE + r"\s*|\s+(?:at|AT)\s+|\s*(?:艾特|圈a|圈A)\s*|\s+@\s+"
      r"|\s*@(?=[^@\s]*(?:\s*" + _OPEN + r"\s*dot|\s+dot\s|点|。|\s+\.\s+)))")
DOT = r"(?:\s*" + _OPEN + r"\s*(?:dot|\.)\s*" + _CLOSE + r"\s*|\s+(?:dot|DOT)\s+|\s*[点。]\s*|\s+\.\s+|\.)"
EMAIL = regex.compile(r"(?<![A-Za-z0-9._%+\-])(?P<local>[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63})(?P<at>" + AT + r")"
                      r"(?P<domain>[A-Za-z0-9][A-Za-z0-9\-]{0,62}(?:" + DOT + r"[A-Za-z0-9][A-Za-z0-9\-]{0,62}){1,4})"
                      r"(?![A-Za-z0-9\-])", regex.ASCII)
_DOT_SPLIT = regex.compile(DOT)
EVERYDAY = frozenset("""look looking me us it him her them site website page online www here there visit go
arrive arrived arrives be is am are was were stay staying meet call reach find found available open
work home office shop store anything everything something this that all""".split())
SCORE = 0.8


class ObfuscatedEmailRecognizer(EntityRecognizer):
    """EMAIL_ADDRESS: an address with "at"/"dot" spelled out or bracketed, or 艾特/点 in Chinese."""

    def __init__(self, supported_language: str = "zh") -> None:
        super().__init__(supported_entities=["EMAIL_ADDRESS"], name=type(self).__name__,
                         supported_language=supported_language)
        self._extract = offline_extractor()

    def load(self) -> None:
        """Nothing to load."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        """Find obfuscated addresses whose rebuilt domain ends in a public suffix."""
        if entities and "EMAIL_ADDRESS" not in entities:
            return []
        results: list[RecognizerResult] = []
        for m in EMAIL.finditer(text, overlapped=True):
            at, domain_text = m.group("at"), m.group("domain")
            labels = _DOT_SPLIT.split(domain_text)
            plain = "@" in at and "." in domain_text and len(labels) == domain_text.count(".") + 1
            if plain:
                continue  # an ordinary address: the plain e-mail recognizer's
            if at.strip().lower() == "at" and m.group("local").lower() in EVERYDAY:
                continue
            domain = ".".join(labels)
            if self._extract(domain).fqdn == "" or not self._extract(domain).suffix:
                continue
            results.append(RecognizerResult(
                "EMAIL_ADDRESS", m.start(), m.end(), SCORE,
                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                                      RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}))
        return results
