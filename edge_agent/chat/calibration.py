"""`edge-agent kb calibrate`: fit the answer/clarify/decline model on the operator's own knowledge base.

Probes are made from the knowledge base itself, in memory, with the same fusion and features as serving:

* every question view of an entry (its heading or FAQ question, each alternative phrasing) is asked with
  that one view left out — the entry is still there, answered right when it comes first (positive when it
  does, negative when another entry wins);
* the same question with the whole entry (and its translations) left out — now nothing answers it, the
  near-miss case: negative;
* the out-of-domain probes below (diagnosis, investment tips, other services, chit-chat…), asked of the
  whole knowledge base: negative.

Probes written from the knowledge base's own words are easier than customers' questions (measured: a model
fitted on probes alone separated the sample KB's colloquial tune questions with AUC 0.69, one fitted on
labelled customer questions 0.83). So the fit also takes the shipped *reference rows* — features of labelled
customer questions against the sample knowledge base (``ranking.reference_rows``) — with the same total weight
as the probes: the operator's KB moves the model, real customer phrasing anchors it.

A class-balanced logistic regression is fitted on the features; the answer threshold maximises balanced
accuracy, and the clarify threshold sits below it where asking still usually offers the right entry. The
result is written to ``<data_dir>/calibration.json`` and read by `serve`.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from edge_agent.chat import ranking
from edge_agent.chat.ranking import DecisionModel
from edge_agent.chat.retrieval import ScopeIndex
from edge_agent.chat.retriever import same_content
from edge_agent.knowledge.lexical import tokens
from edge_agent.knowledge.store import KnowledgeStore, Snapshot

# Questions no bank or clinic FAQ answers, in both languages (kept apart from the scope intents' phrasings).
OUT_OF_DOMAIN = (
    "今天天气怎么样", "明天会下雨吗", "帮我写一首关于春天的诗", "推荐一部好看的电影", "红烧肉怎么做好吃",
    "世界杯冠军是哪个国家", "帮我写一段Python代码", "我头疼发烧吃什么药好", "我血糖有点高是不是糖尿病",
    "孩子咳嗽一直不好怎么回事", "哪只股票明天会涨", "比特币现在能买吗", "买哪个基金收益最高", "离婚财产怎么分割",
    "房东不退押金怎么起诉", "附近有什么好吃的餐馆", "火车票怎么退", "怎么减肥最快", "你是男的还是女的",
    "讲个笑话听听", "我家猫不吃东西怎么办", "高考志愿怎么填", "手机屏幕碎了去哪修", "怎么申请美国签证",
    "what's the weather like tomorrow", "write me a poem about the sea", "recommend a good movie",
    "how do i cook pasta carbonara", "who won the world cup", "write a python script to sort a list",
    "my chest hurts when i breathe is it serious", "should i take antibiotics for a sore throat",
    "which stock will go up next week", "is bitcoin a good investment now", "how do i file for divorce",
    "my landlord won't return my deposit", "best restaurants near me", "how do i lose weight fast",
    "tell me a joke", "my dog is vomiting what should i do", "how do i fix a cracked phone screen",
    "how do i apply for a us visa", "what is the capital of australia", "can you help with my homework",
)
MAX_PROBES = 4000


@dataclass(frozen=True)
class CalibrationReport:
    """What was fitted, on how many probes, and how well it separates them."""

    model: DecisionModel
    positives: int
    negatives: int
    balanced_accuracy: float


class _Memory:
    """Dense and lexical search over a snapshot with exclusions (leave-one-out), as the store would answer."""

    def __init__(self, snap: Snapshot, pool: int) -> None:
        self.snap = snap
        self.pool = pool
        self.index = {cid: i for i, cid in enumerate(snap.ids)}
        self.view_owner = np.asarray([self.index.get(e, -1) for e in snap.view_entry], dtype=np.int64)
        self.langs = {h.chunk_id: h.lang for h in snap.hits}
        self.view_at = {(e, n): i for i, (e, n) in enumerate(zip(snap.view_entry, snap.view_n))}

    def candidates(self, text: str, vector: Any, lang: str, drop_view: tuple[str, int] | None = None,
                   drop_entries: frozenset[str] = frozenset()) -> list[ranking.Candidate]:
        snap = self.snap
        best = snap.passages @ vector if len(snap.ids) else np.zeros(0)
        if len(snap.view_entry):
            views = snap.views @ vector
            if drop_view in self.view_at:
                views[self.view_at[drop_view]] = -1.0
            valid = self.view_owner >= 0
            np.maximum.at(best, self.view_owner[valid], views[valid])
        for e in drop_entries:
            best[self.index[e]] = -2.0
        order = np.argsort(-best)[: self.pool]
        dense = [(snap.ids[i], round(float(best[i]), 4)) for i in order if best[i] > -1.5]
        allowed = frozenset(snap.ids) - drop_entries if drop_entries else None
        lexical = snap.lexical.search(tokens(text), self.pool, allowed,
                                      frozenset({drop_view}) if drop_view else frozenset())
        return ranking.fuse(dense, [(m.entry_id, m.score, m.coverage, m.missing) for m in lexical], self.langs, lang)


def _twins(snap: Snapshot, i: int) -> frozenset[str]:
    hit = snap.hits[i]
    return frozenset({hit.chunk_id, *(h.chunk_id for h in snap.hits if same_content(hit, h))})


def probe_rows(store: KnowledgeStore, scope_index: ScopeIndex | None, pool: int = 20,
               seed: int = 7) -> tuple[list[list[float]], list[int], list[list[ranking.Candidate]], list[str]]:
    """Features and labels of every probe (and the candidates and expected entry, for clarify tuning)."""
    snap = store.snapshot()
    memory = _Memory(snap, pool)
    views = [(e, n, t, i) for i, (e, n, t) in enumerate(zip(snap.view_entry, snap.view_n, snap.view_text))
             if e in memory.index]
    random.Random(seed).shuffle(views)
    views = views[: MAX_PROBES // 2]
    xs, ys, cands, expected = [], [], [], []

    def add(text: str, vector: Any, lang: str, ranked: list[ranking.Candidate], label_entry: str | None) -> None:
        similarity = scope_index.nearest(vector).similarity if scope_index is not None else None
        xs.append(ranking.features(ranked, similarity, len(tokens(text))))
        top = ranked[0].entry_id if ranked else ""
        ok = label_entry is not None and bool(top) and (
            top == label_entry or same_content(snap.hits[memory.index[top]], snap.hits[memory.index[label_entry]]))
        ys.append(int(ok))
        cands.append(ranked)
        expected.append(label_entry or "")

    for entry, n, text, vi in views:
        vector = snap.views[vi]
        lang = memory.langs[entry]
        add(text, vector, lang, memory.candidates(text, vector, lang, drop_view=(entry, n)), entry)
        twins = _twins(snap, memory.index[entry])
        add(text, vector, lang, memory.candidates(text, vector, lang, drop_entries=twins), None)
    for text in OUT_OF_DOMAIN:
        vector = np.asarray(store.embedder.embed_query(text), dtype=np.float32)
        lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"
        add(text, vector, lang, memory.candidates(text, vector, lang), None)
    return xs, ys, cands, expected


def _balanced_accuracy(p: np.ndarray, y: np.ndarray, t: float) -> float:
    pos, neg = y == 1, y == 0
    tpr = float((p[pos] >= t).mean()) if pos.any() else 0.0
    tnr = float((p[neg] < t).mean()) if neg.any() else 0.0
    return (tpr + tnr) / 2


def fit(xs: Sequence[Sequence[float]], ys: Sequence[int], cands: Sequence[Sequence[ranking.Candidate]],
        expected: Sequence[str], fitted_on: str, choices: int = 3) -> CalibrationReport:
    """Fit the decision model and choose its thresholds."""
    if len(set(ys)) < 2:
        raise ValueError("calibration needs both answerable and unanswerable probes: add FAQ entries with "
                         "headings or alternative phrasings")
    ref_x, ref_y = ranking.reference_rows()
    all_x, all_y = [*xs, *ref_x], [*ys, *ref_y]
    sample = [1.0] * len(xs) + [len(xs) / max(len(ref_x), 1)] * len(ref_x)
    weights = ranking.fit_logistic(all_x, all_y, weights=sample)
    model = DecisionModel(weights)
    # thresholds: on the reference rows (customer phrasing) and the probes, each half of the say
    p = np.asarray([model.probability(x) for x in all_x])
    y = np.asarray(all_y)
    grid = np.linspace(0.05, 0.95, 91)
    n = len(xs)
    scores = [(_balanced_accuracy(p[:n], y[:n], t) + (_balanced_accuracy(p[n:], y[n:], t) if ref_x else
                                                      _balanced_accuracy(p[:n], y[:n], t))) / 2 for t in grid]
    answer_at = float(grid[int(np.argmax(scores))])
    # clarify band: below answer_at, as low as asking still offers the expected entry at least 60% of the time
    clarify_at = answer_at
    for t in sorted(grid[grid < answer_at], reverse=True):
        band = [i for i in range(n) if t <= p[i] < answer_at]
        offered = [i for i in band if expected[i] and expected[i] in {c.entry_id for c in cands[i][:choices]}]
        if band and len(offered) / len(band) < 0.6:
            break
        clarify_at = float(t)
    final = DecisionModel(weights, round(answer_at, 3), round(clarify_at, 3), fitted_on, len(ys))
    return CalibrationReport(final, int(sum(ys)), len(ys) - int(sum(ys)), round(max(scores), 4))


def calibrate(store: KnowledgeStore, scope_index: ScopeIndex | None, fitted_on: str, pool: int = 20,
              choices: int = 3) -> CalibrationReport:
    """Probe the store and fit the decision model for it."""
    xs, ys, cands, expected = probe_rows(store, scope_index, pool)
    return fit(xs, ys, cands, expected, fitted_on, choices)
