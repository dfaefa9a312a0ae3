"""Guard a streamed answer: hold back a window so a value split across chunks is still caught."""
from __future__ import annotations

import re
from typing import Callable

from guardrails.redactor import RedactedEntity, Redaction

_STEP = 16  # re-scan only after this many new characters beyond the window, not on every token
# A number with separators (card, phone, ID incl. a trailing X) or a word/e-mail: never cut inside one.
RUN = re.compile(r"[0-9\uff10-\uff19](?:[\s\-.]?[0-9\uff10-\uff19Xx])*|[A-Za-z0-9._%+\-@]+")


class StreamGuard:
    """Feed raw chunks in; get redacted text out, never ahead of the hold-back window.

    ``redact`` is a Redactor's bound ``redact`` (with the session's vault). Output is cut only where no
    detected value and no run of digits or letters straddles the cut, so a card number split across
    tokens is redacted whole.
    """

    def __init__(self, redact: Callable[[str], Redaction], holdback: int = 32) -> None:
        self._redact = redact
        self._holdback = holdback
        self._pending = ""
        self.entities: list[RedactedEntity] = []

    def feed(self, chunk: str) -> str:
        """Add raw text; return whatever redacted text is now safe to show."""
        self._pending += chunk
        if len(self._pending) < self._holdback + _STEP:
            return ""
        found = self._redact(self._pending).entities
        cut = len(self._pending) - self._holdback
        for e in found:
            if e.start < cut < e.end:
                cut = e.start
        for run in RUN.finditer(self._pending, 0, cut + 1):
            if run.start() < cut < run.end():
                cut = run.start()
        if cut <= 0:
            return ""
        return self._emit(cut, [e for e in found if e.end <= cut])

    def finish(self) -> str:
        """Flush the rest at the end of the stream."""
        if not self._pending:
            return ""
        return self._emit(len(self._pending), list(self._redact(self._pending).entities))

    def _emit(self, cut: int, entities: list[RedactedEntity]) -> str:
        out, pos = [], 0
        for e in entities:
            out.append(self._pending[pos:e.start])
            out.append(e.placeholder)
            pos = e.end
        out.append(self._pending[pos:cut])
        self.entities.extend(entities)
        self._pending = self._pending[cut:]
        return "".join(out)
