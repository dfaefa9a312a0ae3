"""Does a generated answer stay within its sources? Numbers must appear there; content must overlap."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

CITATION = re.compile(r"\[\d+\]")
PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*_\d+>")
NUMBER = re.compile(r"\d+(?:[.,:：]\d+)*")
CJK = re.compile(r"[\u3400-\u9fff]")
WORD = re.compile(r"[a-z]{3,}")
STOPWORDS = frozenset("""the and for you your with that this are can our from have will not but all any
was were has had their they them then than there here what when where which who how its also into
please may must only just more most such some each been being would could should about over""".split())
MIN_CHARS = 8


@dataclass(frozen=True)
class GroundingResult:
    """Verdict and the reasons behind it (no customer text)."""

    ok: bool
    overlap: float
    unsupported_numbers: tuple[str, ...]
    reason: str


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def content_units(text: str) -> list[str]:
    """Chinese character bigrams and English content words: the units compared with the sources."""
    units: list[str] = []
    for run in re.findall(r"[\u3400-\u9fff]+", text):
        units.extend(run[i:i + 2] for i in range(max(1, len(run) - 1)))
    units.extend(w for w in WORD.findall(text) if w not in STOPWORDS)
    return units


def _repetitive(text: str) -> bool:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if len(lines) >= 3 and len(set(lines)) / len(lines) < 0.6:
        return True
    units = content_units(text)
    return len(units) >= 12 and len(set(units)) / len(units) < 0.4


def check(answer: str, sources: Sequence[str], lang: str, min_overlap: float,
          require_citation: bool = False) -> GroundingResult:
    """Accept an answer only if its numbers appear in the sources and most of its content does too.

    With require_citation, it must also cite at least one source by its number ([1]..[len(sources)]).
    """
    body = _norm(PLACEHOLDER.sub(" ", CITATION.sub(" ", answer))).strip()
    if len(body) < MIN_CHARS:
        return GroundingResult(False, 0.0, (), "too_short")
    cited = {int(m) for m in re.findall(r"\[(\d+)\]", answer)}
    if require_citation and not cited:
        return GroundingResult(False, 0.0, (), "no_citation")
    if any(not 1 <= n <= len(sources) for n in cited):
        return GroundingResult(False, 0.0, (), "bad_citation")
    if (lang == "zh") != bool(CJK.search(body)):
        return GroundingResult(False, 0.0, (), "wrong_language")
    if _repetitive(body):
        return GroundingResult(False, 0.0, (), "repetitive")
    source_text = _norm("\n".join(sources))
    source_numbers = {n.replace("：", ":") for n in NUMBER.findall(source_text)}
    missing = tuple(n for n in NUMBER.findall(body) if n.replace("：", ":") not in source_numbers)
    units = content_units(body)
    if not units:
        return GroundingResult(False, 0.0, missing, "no_content")
    source_units = set(content_units(source_text))
    overlap = sum(u in source_units for u in units) / len(units)
    if missing:
        return GroundingResult(False, overlap, missing, "unsupported_numbers")
    if overlap < min_overlap:
        return GroundingResult(False, overlap, (), "low_overlap")
    return GroundingResult(True, overlap, (), "ok")


def quote(texts: Sequence[str]) -> str:
    """The fallback answer: one source verbatim, or several, each followed by its citation marker."""
    if len(texts) == 1:
        return texts[0]
    return "\n\n".join(f"{text} [{i}]" for i, text in enumerate(texts, 1))
