"""Fakes for fast unit tests: a regex detector and a hashing embedder. Real-stack tests use the real parts."""
from __future__ import annotations

import hashlib
import math
import re
from typing import Sequence

from guardrails.types import Detection

FAKE_PATTERNS = (
    ("CREDIT_CARD", re.compile(r"(?<!\d)62\d{14,17}(?!\d)")),
    ("PHONE_NUMBER", re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")),
    ("PERSON", re.compile(r"张三|Alice Smith")),
)


class FakeDetector:
    """Finds a few fixed shapes; enough to exercise redaction, placeholders and the stream guard."""

    def detect(self, text: str) -> list[Detection]:
        found = [Detection(t, m.start(), m.end(), 0.9, "fake") for t, p in FAKE_PATTERNS for m in p.finditer(text)]
        return sorted(found, key=lambda d: d.start)


class HashEmbedder:
    """Character-trigram hashing into 256 dims: similar texts land near each other; no model needed."""

    name = "hash-trigram"

    def _vec(self, text: str) -> list[float]:
        v = [0.0] * 256
        t = f"  {text.lower()}  "
        for i in range(len(t) - 2):
            v[int(hashlib.md5(t[i:i + 3].encode()).hexdigest(), 16) % 256] += 1.0
        norm = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / norm for x in v]

    def embed_query(self, text: str) -> list[float]:
        return self._vec(text)

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        return [self._vec(t) for t in texts]
