"""Guard a streamed answer: hold back a window so a value split across chunks is still caught."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable

from guardrails.normalize import NUMERALS
from guardrails.redactor import RedactedEntity, Redaction

_STEP = 16  # re-scan only after this many new characters beyond the window, not on every token
CONTEXT_CHARS = 48  # raw text already shown that is re-read as left context (a label's look-back is 40)
_PARTIAL = re.compile(r"^[0-9A-Za-z\uff10-\uff19._%+\-@]+")
# A number with separators (card, phone, ID incl. a trailing X; spoken as Chinese or radio-style numerals,
# "_" and "/" between groups) or a word/e-mail: never cut inside one.
_DIGIT = "[0-9\uff10-\uff19" + "".join(NUMERALS) + "]"
RUN = re.compile(_DIGIT + r"(?:[\s\-._/]?(?:" + _DIGIT + r"|[Xx]))*|[A-Za-z0-9._%+\-@\uff20]+")


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
        self._context = ""  # the raw tail already shown: a label there ("验证码") still names a value here
        self.entities: list[RedactedEntity] = []

    def _found(self) -> list[RedactedEntity]:
        """Entities of the pending text, detected with the already-shown tail as left context."""
        shift = len(self._context)
        found = self._redact(self._context + self._pending).entities
        return [replace(e, start=e.start - shift, end=e.end - shift) for e in found if e.start >= shift]

    def feed(self, chunk: str) -> str:
        """Add raw text; return whatever redacted text is now safe to show."""
        self._pending += chunk
        if len(self._pending) < self._holdback + _STEP:
            return ""
        found = self._found()
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
        return self._emit(len(self._pending), self._found())

    def _emit(self, cut: int, entities: list[RedactedEntity]) -> str:
        out, pos = [], 0
        for e in entities:
            out.append(self._pending[pos:e.start])
            out.append(e.placeholder)
            pos = e.end
        out.append(self._pending[pos:cut])
        self.entities.extend(entities)
        # Not from inside a number: a cut-off tail of a value shown already must not read as a new one.
        self._context = _PARTIAL.sub("", (self._context + self._pending[:cut])[-CONTEXT_CHARS:])
        self._pending = self._pending[cut:]
        return "".join(out)
