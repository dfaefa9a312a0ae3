"""Presidio's e-mail recognizer, made offline (bundled suffix list) and CJK-safe (ASCII \\b and \\w)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import regex
import tldextract
from presidio_analyzer import RecognizerResult
from presidio_analyzer.predefined_recognizers import EmailRecognizer

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

# Local parts and domains are ASCII here; with ASCII semantics "发到abc@qq.com" starts at "a".
ASCII_FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE | regex.ASCII
# An address is at most 254 characters: a window around each "@" bounds the regex's work.
MAX_EMAIL = 256


def offline_extractor() -> tldextract.TLDExtract:
    """A TLDExtract that only ever uses the suffix list bundled with the package."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


class OfflineEmailRecognizer(EmailRecognizer):
    """EMAIL_ADDRESS: Presidio's pattern with ASCII word semantics and an offline TLD check."""

    CONTEXT = ["email", "e-mail", "mail", "邮箱", "邮件", "电邮", "电子邮件"]

    def __init__(self, supported_language: str = "zh") -> None:
        super().__init__(supported_language=supported_language, context=list(self.CONTEXT),
                         name=type(self).__name__)
        self.global_regex_flags = ASCII_FLAGS
        self._extract = offline_extractor()

    def validate_result(self, pattern_text: str) -> bool:
        """The domain must end in a public suffix (from the bundled snapshot, never fetched)."""
        return self._extract(pattern_text.rsplit("@", 1)[-1]).fqdn != ""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        """Run Presidio's pattern only on windows around each "@" (its regex is quadratic)."""
        if "@" not in text or (entities and "EMAIL_ADDRESS" not in entities):
            return []
        results: list[RecognizerResult] = []
        seen: set[tuple[int, int]] = set()
        pos = text.find("@")
        while pos >= 0:
            lo, hi = max(0, pos - MAX_EMAIL), min(len(text), pos + MAX_EMAIL)
            for r in super().analyze(text[lo:hi], entities, nlp_artifacts, ASCII_FLAGS):
                start, end = r.start + lo, r.end + lo
                cut = (start == lo and lo > 0) or (end == hi and hi < len(text))
                if not start <= pos < end or cut or (start, end) in seen:
                    continue
                seen.add((start, end))
                r.start, r.end = start, end
                results.append(r)
            pos = text.find("@", pos + 1)
        return results
