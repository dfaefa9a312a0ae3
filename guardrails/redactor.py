"""Replace detected values with typed placeholders, through presidio-anonymizer's operator engine."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Protocol, Sequence

from guardrails.backstop import mask_unexplained
from guardrails.policy import DEFAULT_POLICY, RedactionPolicy
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
    """A replaced span: its type, offsets into the original text, score and replacement (never the value)."""

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
    """Detects and replaces each value with what the policy's Presidio operator gives (default: placeholders).

    The splice is done here rather than by ``AnonymizerEngine`` because the engine merges neighbouring
    values of one type (two phone numbers separated by a space become one), which would break counts.
    The redacted text then passes the stored-text backstop (guardrails/backstop.py): a long number no
    recognizer explained, in a message about cards, IDs or passwords, becomes `<NUMBER>`.
    """

    def __init__(self, detector: DetectorLike, min_score: float = 0.5,
                 policy: RedactionPolicy = DEFAULT_POLICY) -> None:
        self._detector = detector
        self._min_score = min_score
        self.policy = policy

    def redact(self, text: str, vault: SessionVault | None = None) -> Redaction:
        """Redact text; without a vault, placeholder numbering is local to this call."""
        vault = vault if vault is not None else SessionVault()
        found = [d for d in self._detector.detect(text) if d.score >= self._min_score]
        if not found:
            return Redaction(mask_unexplained(text), ())
        entities = tuple(RedactedEntity(d.entity_type, d.start, d.end, d.score, d.recognizer,
                                        self.policy.replace(d.entity_type, text[d.start:d.end], vault))
                         for d in found)
        pieces, pos = [], 0
        for e in entities:
            pieces += [text[pos:e.start], e.placeholder]
            pos = e.end
        pieces.append(text[pos:])
        return Redaction(mask_unexplained("".join(pieces)), entities)
