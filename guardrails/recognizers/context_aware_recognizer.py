"""Base class: a Presidio PatternRecognizer with CJK-safe boundaries, label context and sub-span retry.

Presidio's own context enhancer works on spaCy lemmas, which do not exist for Chinese, and its `\\b`
fails between a Chinese character and a digit. Here context is a *label* right before the value
("身份证号：", "card number is", "订单号"), found with a regex on the preceding characters, so
it works the same for both languages:

* a positive label raises the score (and unlocks context-only patterns and checksum-failure rescue);
* a negative label (order, tracking, flight, invoice… numbers) suppresses the value entirely.

Values are matched at every start position (overlapping), and a match whose checksum fails is
retried with shorter ends cut at separators, so "6222 0297 0326 9637 2024" still yields the card.
"""
from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

from guardrails.recognizers.labels import B_END as B_END  # re-exported: recognizers import them from here
from guardrails.recognizers.labels import B_START as B_START
from guardrails.recognizers.labels import GROUP_SEP as GROUP_SEP
from guardrails.recognizers.labels import LABEL_FILLER as LABEL_FILLER
from guardrails.recognizers.labels import NEGATIVE_CONTEXT as NEGATIVE_CONTEXT
from guardrails.recognizers.labels import label_regex as label_regex

POSITIVE, NEUTRAL, NEGATIVE = 1, 0, -1
LOOKBACK = 40


class ContextAwareRecognizer(PatternRecognizer):
    """PatternRecognizer whose scores depend on checksums and on the label right before the value."""

    ENTITY: ClassVar[str] = ""
    PATTERNS: ClassVar[tuple[Pattern, ...]] = ()
    CONTEXT: ClassVar[tuple[str, ...]] = ()
    NEGATIVE: ClassVar[tuple[str, ...]] = NEGATIVE_CONTEXT
    CONTEXT_ONLY: ClassVar[frozenset[str]] = frozenset()  # pattern names that need a positive label
    CONTEXT_BOOST: ClassVar[float] = 0.35
    RESCUE_SCORE: ClassVar[float | None] = None  # score when validation fails but a label is present
    SEPARATORS: ClassVar[str] = " -."  # a failed match is retried with ends cut at these
    LABEL_WORD_START: ClassVar[bool] = False  # Latin labels must start a word (short ones: "pin", "exp")
    # Set by Presidio's __init__; declared here because mypy cannot infer them through Presidio's import cycle.
    name: str
    patterns: list[Pattern]

    def __init__(self, supported_language: str = "zh") -> None:
        super().__init__(
            supported_entity=self.ENTITY,
            name=type(self).__name__,
            supported_language=supported_language,
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
            global_regex_flags=regex.DOTALL | regex.MULTILINE,
        )
        self._compiled = tuple(
            (p, regex.compile(p.regex, regex.DOTALL | regex.MULTILINE)) for p in self.patterns
        )
        self._positive = label_regex(self.CONTEXT, self.LABEL_WORD_START)
        self._negative = label_regex(self.NEGATIVE, self.LABEL_WORD_START)
        # When every pattern needs a label, a text naming none of the labels is skipped in one search.
        self._cue = (regex.compile("|".join(regex.escape(w) for w in self.CONTEXT), regex.IGNORECASE)
                     if self.CONTEXT and {p.name for p in self.patterns} <= self.CONTEXT_ONLY else None)

    def may_match(self, text: str) -> bool:
        """False when no value can be found: every pattern needs a label and none occurs in the text."""
        return self._cue is None or self._cue.search(text) is not None

    def label_before(self, text: str, start: int) -> int:
        """POSITIVE/NEGATIVE when a context/negative label ends right before `start`, else NEUTRAL."""
        prefix = text[max(0, start - LOOKBACK):start]
        if self._positive is not None and self._positive.search(prefix):
            return POSITIVE
        if self._negative is not None and self._negative.search(prefix):
            return NEGATIVE
        return NEUTRAL

    def score_candidate(self, value: str, pattern: Pattern, label: int) -> float | None:
        """Score one candidate value (None = not a detection)."""
        if label == NEGATIVE or (pattern.name in self.CONTEXT_ONLY and label != POSITIVE):
            return None
        valid = self.validate_result(value)
        if valid is False:
            return self.RESCUE_SCORE if label == POSITIVE else None
        score = pattern.score
        if label == POSITIVE:
            score = min(1.0, score + self.CONTEXT_BOOST)
        return score

    def _ends(self, text: str, start: int, end: int) -> list[int]:
        """Candidate ends for a match: the full match, then each separator position, longest first."""
        ends = [end]
        if self.SEPARATORS:
            ends.extend(i for i in range(end - 1, start, -1) if text[i] in self.SEPARATORS)
        return ends

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        """Find values in (normalised) `text`; `entities` filters like Presidio's."""
        if (entities and self.ENTITY not in entities) or not self.may_match(text):
            return []
        results: list[RecognizerResult] = []
        for pattern, compiled in self._compiled:
            has_value_group = "value" in compiled.groupindex
            for match in compiled.finditer(text, overlapped=True):
                start, end = match.span("value") if has_value_group else match.span()
                if start < 0 or end <= start:
                    continue
                label = self.label_before(text, match.start())
                for cut in self._ends(text, start, end):
                    value = text[start:cut].rstrip(self.SEPARATORS)
                    if not value:
                        continue
                    score = self.score_candidate(value, pattern, label)
                    if score is not None and score > 0:
                        results.append(self._result(start, start + len(value), score))
                        break
        return drop_contained(results)

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        """Build a RecognizerResult carrying this recognizer's name (never the value)."""
        return RecognizerResult(
            entity_type=self.ENTITY, start=start, end=end, score=score,
            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                  RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id},
        )


def drop_contained(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """Drop results contained in another result with at least the same score."""
    ordered = sorted(results, key=lambda r: (-(r.end - r.start), -r.score, r.start))
    kept: list[RecognizerResult] = []
    for r in ordered:
        if any(k.start <= r.start and r.end <= k.end and k.score >= r.score for k in kept):
            continue
        kept.append(r)
    return sorted(kept, key=lambda r: r.start)
