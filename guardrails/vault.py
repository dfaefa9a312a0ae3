"""Per-session vault: stable placeholders for a customer's values, held in memory only."""
from __future__ import annotations

import re
import threading
import unicodedata

from guardrails.normalize import fold_numerals

PLACEHOLDER = re.compile(r"<([A-Z][A-Z0-9_]*)_(\d+)>")
_SEPARATORS = re.compile(r"[\s\-\.\(\)/]+")


def value_key(entity_type: str, value: str) -> str:
    """Normalise a value so the same card typed two ways (or dictated: 一三八…) gets the same placeholder."""
    text = fold_numerals(unicodedata.normalize("NFKC", value).strip())
    if any(ch.isdigit() for ch in text):
        text = _SEPARATORS.sub("", text).upper()
        if text.startswith("+86"):
            text = text[3:]
        elif text.startswith("0086"):
            text = text[4:]
    return f"{entity_type}:{text.casefold()}"


class SessionVault:
    """Maps a session's raw values to typed placeholders (`<CREDIT_CARD_1>`) and back.

    Raw values live only in this object's memory; it is never serialised, logged or persisted.
    ``max_values`` bounds memory: past it, new values still get placeholders but are not kept.
    """

    def __init__(self, max_values: int = 256) -> None:
        self._lock = threading.Lock()
        self._by_key: dict[str, str] = {}
        self._values: dict[str, str] = {}
        self._counters: dict[str, int] = {}
        self._max_values = max_values

    def __repr__(self) -> str:  # never show values, even in a debugger or a crash report
        return f"<SessionVault values={len(self._values)}>"

    def placeholder_for(self, entity_type: str, value: str) -> str:
        """The placeholder for a value, the same one every time the session mentions it."""
        key = value_key(entity_type, value)
        with self._lock:
            found = self._by_key.get(key)
            if found:
                return found
            n = self._counters.get(entity_type, 0) + 1
            self._counters[entity_type] = n
            placeholder = f"<{entity_type}_{n}>"
            if len(self._values) < self._max_values:
                self._by_key[key] = placeholder
                self._values[placeholder] = value
            return placeholder

    def reveal(self, text: str) -> str:
        """Put this session's own values back into text shown to this customer only."""
        with self._lock:
            return PLACEHOLDER.sub(lambda m: self._values.get(m.group(0), m.group(0)), text)

    def wipe(self) -> None:
        """Forget every value (session ended or idle)."""
        with self._lock:
            self._by_key.clear()
            self._values.clear()
            self._counters.clear()

    def __len__(self) -> int:
        return len(self._values)
