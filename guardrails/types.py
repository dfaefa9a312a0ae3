"""Result types shared by the detector, the redactor and their callers."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Detection:
    """One sensitive span found in a text; offsets index the *original* (un-normalised) text."""

    entity_type: str  # e.g. "CREDIT_CARD", "CN_RESIDENT_ID", "PHONE_NUMBER", "PERSON"
    start: int
    end: int
    score: float
    recognizer: str  # name of the recognizer that found it (safe to log; never the value)
