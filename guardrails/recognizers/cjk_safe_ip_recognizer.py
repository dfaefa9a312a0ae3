"""Presidio's IP address recognizer with ASCII word boundaries (so "地址192.168.1.10。" matches).

Four-part version numbers look like IPv4 addresses ("客户端版本13.5.91.81", "v10.0.19.1"): a value
right after a version label, or glued to a "v", is a version string and is kept.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.predefined_recognizers import IpRecognizer

from guardrails.recognizers.context_aware_recognizer import LOOKBACK, label_regex

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

ASCII_FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE | regex.ASCII
VERSION_LABELS: tuple[str, ...] = ("version", "ver", "build", "release", "firmware", "固件", "版本", "版本号",
                                   "系统版本", "客户端版本", "app", "ios", "android", "windows")
_VERSION_LABEL = label_regex(VERSION_LABELS)


class CjkSafeIpRecognizer(IpRecognizer):
    """IP_ADDRESS: Presidio's IPv4/IPv6 patterns and validation, run with ASCII \\b semantics."""

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_language=supported_language, name=type(self).__name__)
        self.global_regex_flags = ASCII_FLAGS

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        """Skip texts that cannot hold an address (no "." or ":" next to a digit or hex letter)."""
        if entities and "IP_ADDRESS" not in entities:
            return []
        if "." not in text and ":" not in text:
            return []
        results = super().analyze(text, entities, nlp_artifacts, ASCII_FLAGS)
        return [r for r in results if not self._is_version(text, r.start)]

    @staticmethod
    def _is_version(text: str, start: int) -> bool:
        """True when a version label, or a "v"/"V" glued to the value, stands right before it."""
        if start > 0 and text[start - 1] in "vV" and (start == 1 or not text[start - 2].isalpha()):
            return True
        return _VERSION_LABEL is not None and _VERSION_LABEL.search(text[max(0, start - LOOKBACK):start]) is not None
