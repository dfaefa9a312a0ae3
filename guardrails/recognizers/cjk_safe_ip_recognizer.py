"""Presidio's IP address recognizer with ASCII word boundaries (so "地址192.168.1.10。" matches)."""
from __future__ import annotations

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.predefined_recognizers import IpRecognizer

ASCII_FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE | regex.ASCII


class CjkSafeIpRecognizer(IpRecognizer):
    """IP_ADDRESS: Presidio's IPv4/IPv6 patterns and validation, run with ASCII \\b semantics."""

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_language=supported_language, name=type(self).__name__)
        self.global_regex_flags = ASCII_FLAGS

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        """Skip texts that cannot hold an address (no "." or ":" next to a digit or hex letter)."""
        if entities and "IP_ADDRESS" not in entities:
            return []
        if "." not in text and ":" not in text:
            return []
        return super().analyze(text, entities, nlp_artifacts, ASCII_FLAGS)
