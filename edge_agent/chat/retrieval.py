"""After dense search: rewrite follow-ups, rerank with lexical overlap, decide answer or decline, pick quotes.

Dense e5 similarity alone cannot tell an unanswerable question from an answerable one (both score
0.83-0.90), and its top hit is the right section only ~80% of the time. A second stage that needs no
extra model call fixes much of both: every candidate gets ``dense + lexical_weight * overlap``, where
``overlap`` is the share of the question's content units (Chinese characters, English word stems) found in
the candidate's title, section and text, each unit weighted by how rare it is among the candidates.
The best reranked score is the *evidence*; below the per-language minimum the question is declined.

Some unanswerable questions still find strong evidence ("which medicine should I take" next to the prescriptions
entry). The *scope check* reuses the question's retrieval vector: it is compared with the out-of-scope intents of
``edge_agent.chat.scope`` (phrasings embedded once as e5 ``query:`` vectors, one matrix product per message), and
the question is declined when its nearest intent is closer than its evidence by at least ``scope_margin``, or when
it names another bank or hospital that the evidence does not mention.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Any, Sequence

import numpy as np

from edge_agent.chat import scope
from edge_agent.knowledge.store import Hit
from edge_agent.knowledge.text import CJK_RUN, detect_lang

LATIN_WORD = re.compile(r"[a-z0-9]+")
# Chinese function characters: question particles, pronouns, copulas, measure words. They say nothing
# about which entry answers the question.
ZH_FUNCTION = frozenset("的了吗呢啊吧么嘛呀哦我你您他她它们是在有和与及就都也还要能会可以不没这那个些一什怎哪谁咋啥")
EN_STOPWORDS = frozenset("""a an the and or but if so to of in on at by for with from into over about as is are was
were be been being am do does did done have has had get got i me my mine you your yours we us our they them
their he she his her it its this that these those there here what when where which who whom whose why how
can could will would shall should may might must not no yes please just also only more most much many
some any each all than then too very really want need let like know tell thanks thank hi hello ok okay""".split())
FOLLOWUP_MAX = {"zh": 10, "en": 6}  # a question this short (chars / words) leans on the previous turn
FOLLOWUP_START = {
    "zh": ("那", "那么", "还有", "另外", "如果", "要是"),
    "en": ("and ", "what about", "how about", "also ", "what if", "but ", "then "),
}
FOLLOWUP_END = {"zh": ("呢", "呢？", "呢?"), "en": ()}
# Knowledge text that addresses the assistant instead of the customer is a poisoned entry: never a source.
INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\s+(?:\w+\s+){0,2}?(?:all|any|previous|prior|above|earlier|your|"
    r"system)\b[^.\n]{0,20}?\b(?:rules|instructions|prompts?|guidelines)\b"
    r"|(?:忽略|无视|忘记|忘掉|不要理会)[^。\n]{0,12}(?:规则|指令|指示|提示|要求)", re.I)
CONTEXT_WEIGHT = 0.5  # a follow-up's previous question counts half as much as the question itself


@dataclass(frozen=True)
class RerankParams:
    """How the second stage scores and decides (built from Settings by the caller)."""

    lexical_weight: float
    min_evidence: float
    second_margin: float
    top_k: int
    scope_margin: float | None = None  # None: no scope check


@dataclass(frozen=True)
class Ranked:
    """A candidate with its dense score, lexical overlap and combined score."""

    hit: Hit
    dense: float
    overlap: float
    score: float


@dataclass(frozen=True)
class Decision:
    """Answer or decline, the sources to show (best first) and how many of them to quote."""

    answer: bool
    sources: tuple[Ranked, ...]
    quote: int
    evidence: float
    reason: str  # supported | low_evidence | no_candidates | out_of_scope | other_institution
    intent: str = ""  # the out-of-scope intent (or institution) a declined question matched


@dataclass(frozen=True)
class Nearest:
    """The out-of-scope intent closest to a question and its cosine similarity."""

    intent: str
    similarity: float


class ScopeIndex:
    """The out-of-scope phrasings as unit e5 ``query:`` vectors (one row each) and the intent of each row."""

    def __init__(self, vectors: Any, intents: Sequence[str]) -> None:
        matrix = np.asarray(vectors, dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[0] != len(intents):
            raise ValueError("one vector per phrasing is needed")
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        self.matrix = matrix / np.where(norms == 0, 1.0, norms)
        self.intents = tuple(intents)

    @classmethod
    def build(cls, embedder: Any, table: Sequence[tuple[str, str, str]] | None = None) -> "ScopeIndex":
        """Embed every (intent, lang, phrasing) of the table (default: scope.INTENTS) as a question."""
        rows = list(table if table is not None else scope.phrasings())
        return cls([embedder.embed_query(text) for _, _, text in rows], [intent for intent, _, _ in rows])

    def nearest(self, vector: Sequence[float]) -> Nearest:
        """The closest intent to a question vector (one matrix product: a few microseconds)."""
        v = np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(v))
        if not len(self.intents) or v.shape != (self.matrix.shape[1],) or norm == 0.0:
            return Nearest("", -1.0)
        sims = self.matrix @ (v / norm)
        best = int(sims.argmax())
        return Nearest(self.intents[best], round(float(sims[best]), 4))


def question_lang(text: str) -> str:
    """'zh' when Chinese characters outnumber Latin words (the one rule: ``knowledge.text.detect_lang``)."""
    return detect_lang(text)


def is_followup(question: str, lang: str) -> bool:
    """Does the question lean on the previous turn (short, or opens/ends like a follow-up)?"""
    text = question.strip().lower()
    size = len(text) if lang == "zh" else len(text.split())
    return (size <= FOLLOWUP_MAX[lang] or text.startswith(FOLLOWUP_START[lang])
            or text.endswith(FOLLOWUP_END[lang]))


def followup_context(question: str, history: Sequence[str], lang: str) -> str:
    """The earlier redacted question a follow-up is read with ('' when it stands alone)."""
    return history[-1] if history and is_followup(question, lang) else ""


def rewrite_query(question: str, context: str) -> str:
    """The dense retrieval query: the previous question, then this one."""
    return f"{context} {question}" if context else question


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def lexical_units(text: str) -> list[str]:
    """Content units of a text: Chinese characters (not function characters) and English word stems."""
    low = text.lower()
    units = [ch for run in CJK_RUN.findall(low) for ch in run if ch not in ZH_FUNCTION]
    units.extend(_stem(w) for w in LATIN_WORD.findall(low) if w not in EN_STOPWORDS)
    return units


def _overlaps(units: Sequence[str], docs: Sequence[frozenset[str]]) -> list[float]:
    """Rarity-weighted share of the units found in each document (rarity among these documents)."""
    if not units or not docs:
        return [0.0] * len(docs)
    n = len(docs)
    weight = {u: math.log((n + 1) / (sum(u in d for d in docs) + 0.5)) for u in set(units)}
    total = sum(weight[u] for u in units) or 1.0
    return [sum(weight[u] for u in units if u in d) / total for d in docs]


def rerank(question: str, context: str, hits: Sequence[Hit], lang: str, lexical_weight: float,
           same_lang_bonus: float = 0.02) -> list[Ranked]:
    """Candidates re-scored by dense + lexical_weight * overlap with the question (and half its context).

    Candidates whose text gives the assistant instructions ("ignore all rules…") are dropped.
    """
    hits = [h for h in hits if not INSTRUCTION.search(f"{h.title} {h.section} {h.text}")]
    docs = [frozenset(lexical_units(f"{h.title} {h.section} {h.text}")) for h in hits]
    mine = _overlaps(lexical_units(question), docs)
    theirs = _overlaps(lexical_units(context), docs) if context else [0.0] * len(docs)
    ranked = []
    for hit, own, ctx in zip(hits, mine, theirs):
        overlap = own + CONTEXT_WEIGHT * ctx
        bonus = same_lang_bonus if hit.lang == lang else 0.0
        ranked.append(Ranked(hit, hit.score, round(overlap, 4),
                             round(hit.score + bonus + lexical_weight * overlap, 4)))
    ranked.sort(key=lambda r: r.score, reverse=True)
    return ranked


def quote_count(hits: Sequence[Hit], lang: str, margin: float) -> int:
    """Quote the best hit, and the runner-up too when it scores within margin and is another entry."""
    if not hits:
        return 0
    if len(hits) > 1:
        best, second = hits[0], hits[1]
        if (second.score >= best.score - margin and second.lang == lang
                and (second.doc_id, second.section) != (best.doc_id, best.section)):
            return 2
    return 1


def decide(ranked: Sequence[Ranked], lang: str, params: RerankParams, question: str = "",
           nearest: Nearest | None = None) -> Decision:
    """Decline below the evidence minimum or out of scope; else keep top_k sources and say how many to quote.

    Out of scope (only when ``params.scope_margin`` is set): the question names another institution that the
    best evidence does not, or its nearest out-of-scope intent is at least scope_margin closer than the evidence.
    """
    if not ranked:
        return Decision(False, (), 0, 0.0, "no_candidates")
    evidence = ranked[0].score
    if evidence < params.min_evidence:
        return Decision(False, (), 0, evidence, "low_evidence")
    if params.scope_margin is not None:
        best = ranked[0].hit
        other = scope.named_institution(question, f"{best.title} {best.section} {best.text}")
        if other:
            return Decision(False, (), 0, evidence, "other_institution", other)
        if nearest is not None and nearest.intent and nearest.similarity - evidence >= params.scope_margin:
            return Decision(False, (), 0, evidence, "out_of_scope", nearest.intent)
    sources = tuple(ranked[: params.top_k])
    hits = [replace(r.hit, score=r.score) for r in sources]
    return Decision(True, sources, quote_count(hits, lang, params.second_margin), ranked[0].score, "supported")


def reranked_hits(decision: Decision) -> list[Hit]:
    """The decision's sources as hits whose score is the reranked score (what the client sees)."""
    return [replace(r.hit, score=r.score) for r in decision.sources]
