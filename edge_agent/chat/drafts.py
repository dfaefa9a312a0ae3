"""Streamed drafts that show only what the sources support (issue 12, Low: with ``stream_drafts`` a model
talked into injected text used to show it before the checked answer replaced it).

The gate sits after the streaming PII guard. It releases the model's draft one whole sentence at a time, and
only a sentence that passes the grounding check on its own (its numbers in the sources, most of its content
too). The first sentence that fails closes the gate for the rest of the turn: the customer then sees the
checked answer (or the quote that replaces it) when the turn is done, never the unsupported text.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from edge_agent.chat import grounding

SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])|(?<=[.])(?=\s)")


class DraftGate:
    """Feed guarded draft text; get back the sentences it may show now."""

    def __init__(self, sources: Sequence[str], lang: str, min_overlap: float, *, check: bool = True) -> None:
        self._sources, self._lang, self._min_overlap, self._check = list(sources), lang, min_overlap, check
        self._buffer = ""
        self.closed = False  # a sentence failed: nothing more is shown before the final answer

    def feed(self, text: str) -> str:
        """Add draft text; the complete sentences that pass, in order ('' while waiting or closed)."""
        if self.closed:
            return ""
        self._buffer += text
        parts = SENTENCE_END.split(self._buffer)
        complete, self._buffer = parts[:-1], parts[-1]
        return self._release([p for p in complete if p])

    def finish(self) -> str:
        """The end of the draft: the last sentence, if it passes."""
        rest, self._buffer = self._buffer, ""
        return "" if self.closed or not rest.strip() else self._release([rest], final=True)

    def _release(self, sentences: list[str], final: bool = False) -> str:
        shown: list[str] = []
        pending = ""
        for sentence in sentences:
            pending += sentence
            verdict = self._verdict(pending)
            if verdict == "too_short" and not final:
                continue  # too little to judge: judge it with the next sentence
            if verdict != "ok":
                self.closed = True
                break
            shown.append(pending)
            pending = ""
        if pending and not self.closed:
            self._buffer = pending + self._buffer
        return "".join(shown)

    def _verdict(self, sentence: str) -> str:
        if not self._check:
            return "ok"
        if not sentence.strip():
            return "too_short"
        return grounding.check(sentence, self._sources, self._lang, self._min_overlap).reason
