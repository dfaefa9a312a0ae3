"""What insights may do with a stored (already redacted) question: canonical form, and display form.

Every question is redacted by the input guard before it is stored. Insights adds two belts to those braces:
placeholders lose their per-conversation numbers (``<PERSON_1>`` and ``<PERSON_2>`` are both ``<PERSON>``,
so two customers' names never tell questions apart), and any run of six or more digits left in the text is
replaced by ``<NUMBER>`` (a card, ID or phone number the guard missed never reaches a page). Display turns
each placeholder into its type's name (``〔姓名〕`` / ``[name]``), never a value.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

from guardrails.entities import ENTITIES

PLACEHOLDER = re.compile(r"<([A-Z][A-Z0-9_]*?)(?:_\d+)?>")
LONG_DIGITS = re.compile(r"\d(?:[\s\-.]?\d){5,}")  # 6+ digits, possibly grouped (6222 0212 3456…)
LOWER_PLACEHOLDER = re.compile(r"<[a-z][a-z0-9_]*>")
SPACES = re.compile(r"\s+")
TRAILING = re.compile(r"[\s?？!！。.,，、~～…]+$")
MAX_CHARS = 200
NUMBER = "NUMBER"
_NAMES = {e.name: (e.notice_zh, e.notice_en) for e in ENTITIES}
_NAMES[NUMBER] = ("号码", "number")


def canonical(question: str) -> str:
    """The form insights keeps: NFKC, placeholders without numbers, long digit runs masked, one space,
    no trailing punctuation, at most MAX_CHARS characters ('' for an empty question)."""
    text = unicodedata.normalize("NFKC", question)
    text = PLACEHOLDER.sub(lambda m: f"<{m.group(1)}>", text)
    text = LONG_DIGITS.sub(f"<{NUMBER}>", text)
    text = TRAILING.sub("", SPACES.sub(" ", text).strip())
    text = LOWER_PLACEHOLDER.sub(lambda m: m.group(0).upper(), text[:MAX_CHARS].lower())
    return text


def digest(text: str) -> str:
    """The key of a canonical question."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def type_name(entity_type: str, lang: str) -> str:
    """A placeholder's type as people read it: 〔银行卡号〕 or [card number]."""
    zh, en = _NAMES.get(entity_type, (entity_type.lower().replace("_", " "),) * 2)
    return f"〔{zh}〕" if lang == "zh" else f"[{en}]"


def display(text: str, lang: str) -> str:
    """A canonical question for a page: every placeholder shown as its type, digits masked once more."""
    text = LONG_DIGITS.sub(f"<{NUMBER}>", text)
    return PLACEHOLDER.sub(lambda m: type_name(m.group(1), lang), text)
