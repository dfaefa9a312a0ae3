"""Presidio's US SSN recognizer with ASCII word boundaries (so "SSN是453-39-4584" matches)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.predefined_recognizers import UsSsnRecognizer

from guardrails.recognizers.context_aware_recognizer import label_regex

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

ASCII_FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE | regex.ASCII


class CjkSafeSsnRecognizer(UsSsnRecognizer):
    """US_SSN: Presidio's patterns and invalidation, ASCII \\b, label context in both languages."""

    CONTEXT = ["social security", "social security number", "ssn", "ssns", "ssid", "社会安全号",
               "社会保障号码", "社安号"]
    CONTEXT_BOOST = 0.35
    LABELLED_SCORE = 0.85  # any valid SSN shape (even a bare 9-digit run) right after an SSN label

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_language=supported_language, context=list(self.CONTEXT),
                         name=type(self).__name__)
        self.global_regex_flags = ASCII_FLAGS
        self._label = label_regex(tuple(self.CONTEXT))

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        """Presidio's matches; right after an SSN label every valid shape scores LABELLED_SCORE."""
        if entities and "US_SSN" not in entities:
            return []
        results = super().analyze(text, entities, nlp_artifacts, ASCII_FLAGS)
        for r in results:
            if self._label is not None and self._label.search(text[max(0, r.start - 40):r.start]):
                r.score = max(self.LABELLED_SCORE, min(1.0, r.score + self.CONTEXT_BOOST))
        return results
