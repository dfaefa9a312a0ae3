"""A demand report: volume, answer kinds, top entries with helpfulness, topics, rising topics and knowledge
gaps — every figure k-anonymous.

The rule, applied to every cell: a count, a cluster, a label or an example phrasing is shown only when at
least ``k`` distinct sessions contributed to it (``insights_min_sessions``). A hidden count is ``None``; a
hidden cluster or phrasing is simply absent. Texts are canonical redacted questions (text.py), shown with
placeholders as their types.
"""
from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from edge_agent.insights import text as qtext
from edge_agent.insights.index import InsightsIndex
from edge_agent.insights.queries import WEEK_S, Filter, Queries

MAX_TOPICS = 15
MAX_GAPS = 20
MAX_EXAMPLES = 8
MAX_LABEL_CHARS = 30


@dataclass(frozen=True)
class Cell:
    """One row of a simple table: a key, its count (None: fewer than k sessions) and sessions (same rule)."""

    key: str
    count: int | None
    sessions: int | None


@dataclass(frozen=True)
class EntryStat:
    """A knowledge entry that answered: how often, and what customers said about it."""

    id: str
    title: str
    answered: int
    sessions: int
    up: int | None
    down: int | None
    helpful_pct: int | None  # 👍 / (👍 + 👎), when at least k sessions voted
    reasons: dict[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Topic:
    """A cluster of similar questions."""

    id: int
    label: str
    count: int
    sessions: int
    examples: tuple[str, ...]
    this_week: int | None = None
    last_week: int | None = None
    change_pct: int | None = None  # week over week, when both weeks have at least k sessions


@dataclass(frozen=True)
class Alert:
    """A rising topic in plain language."""

    topic: int
    label: str
    change_pct: int
    text: str


@dataclass(frozen=True)
class Gap:
    """Questions the knowledge base could not answer (declined, or escalated for no answer)."""

    id: int
    label: str
    count: int
    sessions: int
    phrasings: tuple[str, ...]  # the cluster's questions asked by at least k sessions: a draft's phrasings


@dataclass(frozen=True)
class Report:
    """Everything /insights and `edge-agent insights` show."""

    since: str
    until: str
    collection: str
    kiosk: str
    k: int
    lang: str
    turns: int | None
    sessions: int | None
    by_day: tuple[Cell, ...]
    by_hour: tuple[Cell, ...]
    kinds: tuple[Cell, ...]
    escalations: tuple[Cell, ...]
    entries: tuple[EntryStat, ...]
    topics: tuple[Topic, ...]
    rising: tuple[Alert, ...]
    gaps: tuple[Gap, ...]
    collections: tuple[str, ...] = ()
    kiosks: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return asdict(self)

    def gap(self, gap_id: int) -> Gap | None:
        """One gap by its id."""
        return next((g for g in self.gaps if g.id == gap_id), None)


def _shown(count: int, sessions: int, k: int) -> int | None:
    return int(count) if sessions >= k else None


def _cells(rows: list, k: int, key=str) -> tuple[Cell, ...]:
    return tuple(Cell(key(r[0]), _shown(r[1], r[2], k), int(r[2]) if r[2] >= k else None) for r in rows)


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL_CHARS else text[:MAX_LABEL_CHARS - 1] + "…"


def alert_text(label: str, pct: int, lang: str) -> str:
    """「"数字人民币"相关咨询本周比上周增加 32%」, or its English."""
    if lang == "zh":
        return f"「\u201c{label}\u201d相关咨询本周比上周增加 {pct}%」"
    return f"Questions about \u201c{label}\u201d rose {pct}% this week compared with last week."


def percent_change(this_week: int, last_week: int) -> int:
    """Week-over-week change in whole percent (last_week > 0)."""
    return int(round((this_week - last_week) * 100.0 / last_week))


class ReportBuilder:
    """Builds reports from the conversation store and the insights index."""

    def __init__(self, index: InsightsIndex, k: int, rising_pct: int) -> None:
        self.index = index
        self.k = k
        self.rising_pct = rising_pct

    def build(self, flt: Filter, lang: str = "zh") -> Report:
        """The report for ``flt``, texts shown in ``lang``."""
        return self._build(Queries(self.index, flt), flt, lang)

    def _build(self, q: Queries, flt: Filter, lang: str) -> Report:
        k = self.k
        turns, sessions = q.totals()
        questions = q.questions()
        by_cluster: dict[int, list[tuple]] = {}
        for row in questions:
            by_cluster.setdefault(int(row[1]), []).append(row)
        ranked = self._ranked(by_cluster)
        weeks = {int(r[0]): r for r in q.weeks()}
        topics: list[Topic] = []
        clusters = q.clusters()
        for cluster, count, sess, _gap, _gap_sess in sorted(clusters, key=lambda r: -r[1]):
            if sess < k or len(topics) >= MAX_TOPICS:
                continue
            examples = [qtext.display(r[2], lang) for r in ranked.get(int(cluster), []) if r[4] >= k]
            tw, tws, lw, lws = (weeks[int(cluster)][1:] if int(cluster) in weeks else (0, 0, 0, 0))
            change = percent_change(tw, lw) if tws >= k and lws >= k and lw else None
            topics.append(Topic(int(cluster), self._label(examples, int(cluster), lang), int(count), int(sess),
                                tuple(examples[:MAX_EXAMPLES]), _shown(tw, tws, k), _shown(lw, lws, k), change))
        rising = tuple(Alert(t.id, _short(t.label), t.change_pct, alert_text(_short(t.label), t.change_pct, lang))
                       for t in sorted(topics, key=lambda t: -(t.change_pct or 0))
                       if t.change_pct is not None and t.change_pct >= self.rising_pct and t.examples)
        gaps: list[Gap] = []
        for cluster, _count, _sess, gap, gap_sess in sorted(clusters, key=lambda r: -(r[3] or 0)):
            if gap_sess < k or len(gaps) >= MAX_GAPS:
                continue
            phrasings = [qtext.display(r[2], lang) for r in ranked.get(int(cluster), []) if r[6] >= k]
            gaps.append(Gap(int(cluster), self._label(phrasings, int(cluster), lang), int(gap), int(gap_sess),
                            tuple(phrasings[:MAX_EXAMPLES])))
        collections, kiosks = q.options()
        return Report(
            since=_day(flt.since), until=_day(flt.until - 1), collection=flt.collection, kiosk=flt.kiosk, k=k,
            lang=lang, turns=_shown(turns, sessions, k), sessions=sessions if sessions >= k else None,
            by_day=self._days(q.by_day(), flt), by_hour=_cells(q.by_hour(), k, key=lambda h: f"{int(h):02d}"),
            kinds=_cells(q.kinds(), k), escalations=_cells(q.escalations(), k),
            entries=self._entries(q.entries()), topics=tuple(topics), rising=rising, gaps=tuple(gaps),
            collections=tuple(collections), kiosks=tuple(kiosks))

    def _ranked(self, by_cluster: dict[int, list[tuple]]) -> dict[int, list[tuple]]:
        """Each cluster's questions, most typical first (cosine to the centroid), ties by sessions."""
        ids = [int(r[0]) for rows in by_cluster.values() for r in rows if r[4] >= self.k]
        vectors = self.index.vectors(ids)
        out: dict[int, list[tuple]] = {}
        for cluster, rows in by_cluster.items():
            centroid = self.index.centroid(cluster) if any(int(r[0]) in vectors for r in rows) else None

            out[cluster] = sorted(rows, key=functools.partial(_typical_first, centroid=centroid, vectors=vectors))
        return out

    @staticmethod
    def _label(examples: list[str], cluster: int, lang: str) -> str:
        if examples:
            return examples[0]
        return f"主题 {cluster}（问法各不相同）" if lang == "zh" else f"Topic {cluster} (varied wording)"

    def _days(self, rows: list, flt: Filter) -> tuple[Cell, ...]:
        return tuple(Cell((date(1970, 1, 1) + timedelta(days=int(d))).isoformat(), _shown(c, s, self.k),
                          int(s) if s >= self.k else None) for d, c, s in rows)

    def _entries(self, rows: list) -> tuple[EntryStat, ...]:
        k = self.k
        out = []
        for (entry, title, answered, sess, up, down, voters, wrong, unclear, not_asked,
             wrong_s, unclear_s, not_asked_s) in rows:
            if sess < k:
                continue
            voted = voters >= k
            up, down = int(up or 0), int(down or 0)
            out.append(EntryStat(str(entry), str(title or entry), int(answered), int(sess),
                                 up if voted else None, down if voted else None,
                                 int(round(up * 100.0 / (up + down))) if voted and up + down else None,
                                 {"wrong": _shown(wrong or 0, wrong_s, k),
                                  "unclear": _shown(unclear or 0, unclear_s, k),
                                  "not_asked": _shown(not_asked or 0, not_asked_s, k)}))
        return tuple(sorted(out, key=lambda e: -e.answered))


def _typical_first(row: tuple, centroid: np.ndarray | None, vectors: dict[int, np.ndarray]) -> tuple[float, int]:
    vec = vectors.get(int(row[0]))
    typical = float(np.dot(centroid, vec)) if centroid is not None and vec is not None else -1.0
    return (-round(typical, 4), -int(row[4]))


def _day(ts: float) -> str:
    from datetime import datetime

    return datetime.fromtimestamp(ts).date().isoformat()


__all__ = ["WEEK_S", "Alert", "Cell", "EntryStat", "Filter", "Gap", "Report", "ReportBuilder", "Topic"]
