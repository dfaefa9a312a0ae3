"""Answers that answer: the sentences of an entry that match the question, never a sentence cut in two.

A short entry is quoted whole. A longer one is split into sentences (。！？!? and line breaks; ；and commas
never split, so a number keeps its condition); each sentence scores the share of the question's words it
contains, and the best ones are kept in their original order. The full entry stays one tap away.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from edge_agent.knowledge.lexical import tokens

EN_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9①-⑩(\"'])|\n+")
SHORT = {"zh": 150, "en": 400}  # characters under which the whole entry is the answer
KEEP = 3

CLARIFY_INTRO = {"zh": "您想问的是下面哪一项？", "en": "Which of these did you mean?"}
CLARIFY_NONE = {"zh": "都不是 / 转人工", "en": "None of these / talk to a person"}


@dataclass(frozen=True)
class Excerpt:
    """What to show first, and the whole entry."""

    text: str
    full: str

    @property
    def shortened(self) -> bool:
        """True when some sentences were left out."""
        return self.text != self.full


def sentences(text: str, lang: str) -> list[str]:
    """The entry's sentences, in order, each whole."""
    if lang == "zh":
        parts = [m.group(0).strip() for m in re.finditer(r"[^。！？!?\n]+[。！？!?]*", text)]
    else:
        parts = [p.strip() for p in EN_SENTENCE.split(text)]
    return [p for p in parts if p]


def excerpt(text: str, question: str, lang: str, keep: int = KEEP) -> Excerpt:
    """The sentences of ``text`` that best answer ``question`` (all of it when short or unclear)."""
    full = text.strip()
    parts = sentences(full, lang)
    if len(full) <= SHORT.get(lang, 200) or len(parts) <= keep:
        return Excerpt(full, full)
    wanted = set(tokens(question))
    if not wanted:
        return Excerpt(full, full)
    scores = [len(wanted & set(tokens(p))) / len(wanted) for p in parts]
    if max(scores) == 0:
        return Excerpt(full, full)
    best = sorted(sorted(range(len(parts)), key=lambda i: -scores[i])[:keep])
    joiner = "" if lang == "zh" else " "
    return Excerpt(joiner.join(parts[i] for i in best), full)


def clarify_text(titles: list[str], lang: str) -> str:
    """The clarifying question: the choices numbered, and the way out."""
    lines = [CLARIFY_INTRO.get(lang, CLARIFY_INTRO["en"])]
    lines += [f"{i}. {t}" for i, t in enumerate(titles, 1)]
    lines.append(f"{len(titles) + 1}. {CLARIFY_NONE.get(lang, CLARIFY_NONE['en'])}")
    return "\n".join(lines)
