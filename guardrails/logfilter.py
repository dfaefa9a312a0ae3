"""A logging filter that makes leaks impossible by construction: every record is redacted, tracebacks reduced."""
from __future__ import annotations

import logging
import re
from typing import Callable

# Backstop after the detector: any run of 9+ digits (spaces, dashes, dots allowed between) is masked.
DIGIT_RUN = re.compile(r"(?:\d[\s\-\.]?){8,}\d")


def mask_digit_runs(text: str) -> str:
    """Replace long digit runs (possible identifiers the detector missed) with <NUMBER>."""
    return DIGIT_RUN.sub("<NUMBER>", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message through ``redact`` and drops exception text, keeping only its type."""

    def __init__(self, redact: Callable[[str], str]) -> None:
        super().__init__()
        self._redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not take the service down, nor leak args
            message = f"{record.msg!s} (unformattable log arguments)"
        if record.exc_info and record.exc_info[0] is not None:
            message += f" [exception: {record.exc_info[0].__name__}]"
        try:
            message = self._redact(message)
        except Exception:
            message = "<log message withheld: redaction failed>"
        record.msg = mask_digit_runs(message)
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


def install(redact: Callable[[str], str], logger: logging.Logger | None = None) -> None:
    """Attach a RedactingFilter to every handler of ``logger`` (the root logger by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter(redact))
