"""Hybrid retrieval and the calibrated decision for one (redacted) question.

The question is embedded once (e5 ``query:``); that vector searches the entries' passage and question views
in Chroma and is compared with the out-of-scope intents; the same text searches the BM25 index. The two
rankings are fused and the decision model (``edge_agent.chat.ranking``) says how likely the best entry is
to answer: answer, ask which of two or three entries was meant, or decline.

A follow-up is read with the conversation's topic (the last question that was answered): both readings are
scored and the more confident one wins, so "and when does it expire" after a filler turn still finds the
card-limit entry, and a long new question is not glued to an old topic.
"""
from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass, field, replace

from edge_agent.chat import ranking, scope
from edge_agent.chat.head import IntentHead
from edge_agent.chat.ranking import Candidate, DecisionModel
from edge_agent.chat.retrieval import INSTRUCTION, ScopeIndex
from edge_agent.knowledge.lexical import tokens
from edge_agent.knowledge.store import Hit, KnowledgeStore
from edge_agent.knowledge.text import fold

ANSWER, CLARIFY, DECLINE = "answer", "clarify", "decline"
LANG_TAG = re.compile(r"\.(?:zh|en)(?=\.[a-z]+$)")
HEAD_WEIGHT = 0.1  # cosine + this × the intent head's log-probability orders the dense candidates
TOPIC_BONUS = 0.05  # fused-score lift for the topic document's entries (a rank-1 agreement is worth ~0.16)


@dataclass(frozen=True)
class RetrieverParams:
    """How many candidates to fetch, keep and offer (built from Settings)."""

    pool: int = 20
    top_k: int = 3
    choices: int = 3
    scope_check: bool = True
    scope_margin: float = 0.01  # decline when the nearest out-of-scope intent beats the best entry by this


@dataclass(frozen=True)
class Retrieval:
    """What retrieval decided for a question: the entries to answer from or offer, best first."""

    decision: str  # answer | clarify | decline
    reason: str  # supported | unsure | low_evidence | no_candidates | out_of_scope | other_institution
    hits: tuple[Hit, ...]
    probability: float
    query: str
    intent: str = ""
    features: tuple[float, ...] = field(default=(), compare=False)


def same_content(a: Hit, b: Hit) -> bool:
    """Two entries are translations of one another (``fees.zh.md`` / ``fees.en.md``, same position)."""
    return a.chunk_id != b.chunk_id and LANG_TAG.sub("", a.doc_id) == LANG_TAG.sub("", b.doc_id) and \
        a.chunk_id.rpartition("#")[2] == b.chunk_id.rpartition("#")[2]


def translation_id(chunk_id: str, lang: str) -> str | None:
    """The id the same entry has in another language (``fees.zh.md#2`` → ``fees.en.md#2``), if named so."""
    doc, sep, index = chunk_id.rpartition("#")
    swapped = LANG_TAG.sub(f".{lang}", doc)
    return f"{swapped}#{index}" if sep and swapped != doc else None


def reorder(head: IntentHead, vector: list[float], dense: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """The dense candidates ordered by cosine plus the head's log-probability (weighted by HEAD_WEIGHT);
    an entry added after the head was fitted gets the uninformed one, log(1/entries). Each keeps its
    cosine score (the decision features read it)."""
    if not dense:
        return dense
    logp = head.log_probabilities(vector)
    unknown = -math.log(len(head.entry_ids))
    return sorted(dense, key=lambda d: -(d[1] + HEAD_WEIGHT * (
        float(logp[head.index[d[0]]]) if d[0] in head.index else unknown)))


class Retriever:
    """Searches the knowledge store and decides; one per service, thread-safe (the store is)."""

    def __init__(self, store: KnowledgeStore, model: DecisionModel, scope_index: ScopeIndex | None,
                 params: RetrieverParams = RetrieverParams(), head: IntentHead | None = None) -> None:
        self.store = store
        self.model = model
        self.scope = scope_index
        self.params = params
        self.head = head  # the KB's own intent head (`kb calibrate`): orders the dense candidates
        self._cache = threading.local()  # per request thread: searches shared by one question's readings

    def retrieve(self, question: str, lang: str, collection: str | None = None, topic: str = "",
                 topic_doc: str = "") -> Retrieval:
        """Decide for a question: as typed, with pinyin and homophone typos written as the KB's words, read
        with the topic, and preferring the topic's document (when there is one); the most confident wins."""
        self._cache.__dict__.pop("entries", None)  # a new question: nothing cached can be stale
        readings = [self._run(question, question, lang, collection)]
        corrected = self.corrected(question, lang)
        if corrected != fold(question):
            readings.append(self._run(corrected, question, lang, collection))
        if topic and topic != question:
            readings.append(self._run(f"{topic} {question}", question, lang, collection))
        if topic_doc:
            readings.append(self._run(question, question, lang, collection, prefer_doc=topic_doc))
        return max(readings, key=lambda r: r.probability)  # ties: the first (the question as typed)

    def ranked(self, query: str, lang: str, collection: str | None, prefer_doc: str = ""
               ) -> tuple[list[Candidate], dict[str, Hit], float | None, str]:
        """Fused candidates, their entries, and the nearest out-of-scope intent (similarity, name).

        ``prefer_doc``: the document the conversation is about; its entries (and translations) rank first
        among near equals.
        """
        vector, dense, lexical, clean = self._search(query, collection)
        ranked = ranking.fuse([(e, s) for e, s in dense if e in clean],
                              [(m.entry_id, m.score, m.coverage, m.missing) for m in lexical if m.entry_id in clean],
                              {e: h.lang for e, h in clean.items()}, lang)
        if prefer_doc:
            home = LANG_TAG.sub("", prefer_doc)
            ranked = sorted(ranked, key=lambda c: -(c.fused + (TOPIC_BONUS if LANG_TAG.sub(
                "", clean[c.entry_id].doc_id) == home else 0.0)))
        similarity, intent = None, ""
        if self.scope is not None and self.params.scope_check:
            nearest = self.scope.nearest(vector)
            similarity, intent = nearest.similarity, nearest.intent
        return ranked, clean, similarity, intent

    def _search(self, query: str, collection: str | None) -> tuple[list[float], list, list, dict[str, Hit]]:
        """Embed, search and fetch the candidates once per query text (the readings of one question share
        them): the vector, the dense and lexical rankings, and the candidate entries that are not poisoned."""
        key = (query, collection)
        cache = self._cache.__dict__.setdefault("entries", {})
        if key not in cache:
            if len(cache) > 8:
                cache.clear()
            vector = self.store.embedder.embed_query(fold(query))
            dense = self.store.dense(vector, self.params.pool, collection)
            if self.head is not None:
                dense = reorder(self.head, vector, dense)
            lexical = self.store.lexical(query, self.params.pool, collection)
            hits = self.store.get_entries(list(dict.fromkeys([e for e, _ in dense] + [m.entry_id for m in lexical])))
            clean = {e: h for e, h in hits.items() if not INSTRUCTION.search(f"{h.title} {h.section} {h.text}")}
            cache[key] = (vector, dense, lexical, clean)
        return cache[key]

    def corrected(self, question: str, lang: str) -> str:
        """The question with pinyin fragments and homophone typos written as the knowledge base's words
        (Chinese questions only; e.g. ``xinyongka nianfei多少`` → ``信用卡 年费多少``, 信用咔 → 信用卡)."""
        text = fold(question)
        return self.store.restore_pinyin(text) if lang == "zh" else text

    def _run(self, query: str, question: str, lang: str, collection: str | None,
             prefer_doc: str = "") -> Retrieval:
        if not query.strip():
            return Retrieval(DECLINE, "no_candidates", (), 0.0, query)
        ranked, hits, similarity, intent = self.ranked(query, lang, collection, prefer_doc)
        if not ranked:
            return Retrieval(DECLINE, "no_candidates", (), 0.0, query)
        x = ranking.features(ranked, similarity, len(tokens(query)))
        p = round(self.model.probability(x), 4)
        best = hits[ranked[0].entry_id]
        if self.params.scope_check:
            other = scope.named_institution(question, f"{best.title} {best.section} {best.text}")
            if other:
                return Retrieval(DECLINE, "other_institution", (), p, query, other, tuple(x))
            if similarity is not None and similarity - ranked[0].dense >= self.params.scope_margin:
                return Retrieval(DECLINE, "out_of_scope", (), p, query, intent, tuple(x))
        ordered = self._in_language([hits[c.entry_id] for c in ranked], lang)
        fused = {c.entry_id: c.fused for c in ranked}
        top_score = round(ranked[0].fused, 4)
        scored = [replace(h, score=round(fused.get(h.chunk_id, top_score), 4)) for h in ordered]
        if p >= self.model.answer_at:
            return Retrieval(ANSWER, "supported", tuple(scored[: self.params.top_k]), p, query, "", tuple(x))
        choices = self._choices(scored, lang)
        if p >= self.model.clarify_at and len(choices) >= 2:
            return Retrieval(CLARIFY, "unsure", tuple(choices), p, query, "", tuple(x))
        out_of_scope = similarity is not None and similarity > ranked[0].dense
        return Retrieval(DECLINE, "out_of_scope" if out_of_scope else "low_evidence", (), p, query,
                         intent if out_of_scope else "", tuple(x))

    def _in_language(self, ordered: list[Hit], lang: str) -> list[Hit]:
        """A best entry in another language is replaced by its translation when the KB has one."""
        if not ordered or ordered[0].lang == lang:
            return ordered
        best = ordered[0]
        twin_id = translation_id(best.chunk_id, lang)
        if twin_id is None:
            return ordered
        twin = next((h for h in ordered if h.chunk_id == twin_id), None) or \
            self.store.get_entries([twin_id]).get(twin_id)
        if twin is None or twin.lang != lang:
            return ordered
        return [twin, *(h for h in ordered if h.chunk_id != twin_id)]

    def _choices(self, scored: list[Hit], lang: str) -> list[Hit]:
        """Up to `choices` distinct entries to offer, in the question's language where there is one."""
        picked: list[Hit] = []
        for hit in scored[: self.params.pool]:
            if any(hit.chunk_id == p.chunk_id or same_content(hit, p) for p in picked):
                continue
            if hit.lang != lang and any(h.lang == lang and same_content(h, hit) for h in scored):
                continue
            picked.append(hit)
            if len(picked) == self.params.choices:
                break
        return picked
