"""Replace detected values with typed placeholders, through presidio-anonymizer's operator engine."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Protocol, Sequence

from guardrails.types import Detection
from guardrails.vault import SessionVault

GUARD_VERSION = "guard-0.1"


class DetectorLike(Protocol):
    """Anything that finds sensitive spans (the real Detector, or a fake in unit tests)."""

    def detect(self, text: str) -> Sequence[Detection]:
        """Sorted, non-overlapping spans with offsets into ``text``."""
        ...


@dataclass(frozen=True)
class RedactedEntity:
    """A replaced span: its type, offsets into the original text, score and placeholder (never the value)."""

    entity_type: str
    start: int
    end: int
    score: float
    recognizer: str
    placeholder: str


@dataclass(frozen=True)
class EntityCount:
    """How many values of one type a text held."""

    entity_type: str
    count: int


@dataclass(frozen=True)
class Redaction:
    """A redacted text and what was taken out of it."""

    text: str
    entities: tuple[RedactedEntity, ...]

    @property
    def counts(self) -> tuple[EntityCount, ...]:
        """Entity types and counts, in order of first appearance (safe to log and store)."""
        counter = Counter(e.entity_type for e in self.entities)
        return tuple(EntityCount(t, n) for t, n in counter.items())


class Redactor:
    """Detects and replaces; placeholders come from the session's vault so they stay stable."""

    def __init__(self, detector: DetectorLike, min_score: float = 0.5) -> None:
        from presidio_anonymizer import AnonymizerEngine

        self._detector = detector
        self._min_score = min_score
        self._anonymizer = AnonymizerEngine()

    def redact(self, text: str, vault: SessionVault | None = None) -> Redaction:
        """Redact text; without a vault, numbering is local to this call."""
        from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

        vault = vault if vault is not None else SessionVault()
        found = [d for d in self._detector.detect(text) if d.score >= self._min_score]
        if not found:
            return Redaction(text, ())
        entities = tuple(RedactedEntity(d.entity_type, d.start, d.end, d.score, d.recognizer,
                                        vault.placeholder_for(d.entity_type, text[d.start:d.end]))
                         for d in found)
        placeholders: dict[str, dict[str, str]] = {}
        for e in entities:
            placeholders.setdefault(e.entity_type, {})[text[e.start:e.end]] = e.placeholder
        results = [RecognizerResult(e.entity_type, e.start, e.end, e.score) for e in entities]
        # Presidio's custom operator receives only the value: one operator per type maps it to its placeholder.
        operators = {t: OperatorConfig("custom", {"lambda": table.__getitem__}) for t, table in placeholders.items()}
        out = self._anonymizer.anonymize(text=text, analyzer_results=results, operators=operators)
        return Redaction(out.text, entities)

