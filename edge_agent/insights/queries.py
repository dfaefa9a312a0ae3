"""The arithmetic behind a report: counts over the index's per-turn facts (numpy), each with the number of
distinct sessions behind it, so report.py can show a figure only when at least k sessions contributed.

Votes are read live from the conversation store (a customer may vote after the last refresh); everything
else comes from one snapshot of the index.
"""
from __future__ import annotations

import time
from contextlib import closing
from dataclasses import dataclass

import numpy as np

from edge_agent.insights.index import InsightsIndex, open_conversations

DAY_S = 86_400
WEEK_S = 7 * DAY_S
ANSWERED = ("quoted", "generated")
REASONS = ("wrong", "unclear", "not_asked")


@dataclass(frozen=True)
class Filter:
    """What a report covers: [since, until) in epoch seconds, and optionally one collection and one kiosk."""

    since: float
    until: float
    collection: str = ""
    kiosk: str = ""


def utc_offset_s(at: float | None = None) -> int:
    """This machine's offset from UTC (days and hours are local time, as staff read them)."""
    return int(time.localtime(at).tm_gmtoff)


BITMAP_CELLS = 64_000_000  # keys × sessions up to which distinct sessions are counted with a bitmap


def grouped(keys: np.ndarray, sessions: np.ndarray) -> list[tuple[int, int, int]]:
    """(key, rows, distinct sessions) for every key present (keys and sessions are small non-negative ints)."""
    if not len(keys):
        return []
    keys = keys.astype(np.int64)
    low = int(keys.min())
    shifted = keys - low
    width = int(shifted.max()) + 1
    counts = np.bincount(shifted, minlength=width)
    present = np.flatnonzero(counts)
    sessions = sessions.astype(np.int64)
    span = int(sessions.max()) + 1
    if width * span > min(BITMAP_CELLS, 16 * len(keys)):  # many keys: sorting the pairs is cheaper
        pairs = np.unique(shifted * span + sessions)
        distinct = np.bincount(pairs // span, minlength=width)
    else:  # few keys (days, hours, kinds, entries): no sort, mark (key, session) cells and count per key
        seen = np.zeros(width * span, dtype=bool)
        seen[shifted * span + sessions] = True
        distinct = np.count_nonzero(seen.reshape(width, span), axis=1)
    return [(int(k) + low, int(counts[k]), int(distinct[k])) for k in present]


def distinct_count(values: np.ndarray) -> int:
    """How many different small non-negative ints ``values`` holds."""
    if not len(values):
        return 0
    seen = np.zeros(int(values.max()) + 1, dtype=bool)
    seen[values] = True
    return int(seen.sum())


class Queries:
    """The figures of one filter over one snapshot of the index."""

    def __init__(self, index: InsightsIndex, flt: Filter) -> None:
        self.flt = flt
        snap = index.snapshot()
        self.snap = snap
        facts = snap.facts
        names = snap.names
        self._kind = {name: code for code, name in enumerate(names["kind"])}
        agent = self._kind.get("agent", -99)
        mask = (facts["ts"] >= flt.since) & (facts["ts"] < flt.until) & (facts["kind"] != agent)
        self._all = facts[facts["kind"] != agent]
        for space in ("collection", "kiosk"):
            wanted = getattr(flt, space)
            if wanted:
                code = names[space].index(wanted) if wanted in names[space] else -99
                mask &= facts[space] == code
                self._all = self._all[self._all[space] == code]
        self.f = facts[mask]
        self._qcluster = np.full(max(snap.questions, default=-1) + 2, -1, dtype=np.int64)
        for qid, (cluster, _) in snap.questions.items():
            self._qcluster[qid] = cluster
        self._votes = self._read_votes(index)

    def _read_votes(self, index: InsightsIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(turn ids, vote codes 1 = up / 2 = down, reason codes 1-3) of every vote, sorted by turn."""
        empty = np.zeros(0, dtype=np.int64)
        if not index.conversations_db.is_file():
            return empty, empty, empty
        with closing(open_conversations(index.conversations_db)) as conn:
            rows = conn.execute("SELECT turn_id, vote, reason FROM turn_insights WHERE vote != '' ORDER BY turn_id"
                                ).fetchall()
        turns = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        votes = np.fromiter((1 if r[1] == "up" else 2 for r in rows), dtype=np.int64, count=len(rows))
        reasons = np.fromiter((REASONS.index(r[2]) + 1 if r[2] in REASONS else 0 for r in rows), dtype=np.int64,
                              count=len(rows))
        return turns, votes, reasons

    def _votes_of(self, f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The vote and reason codes of each row of ``f`` (0: none)."""
        turns, votes, reasons = self._votes
        vote, reason = np.zeros(len(f), dtype=np.int64), np.zeros(len(f), dtype=np.int64)
        if len(turns) and len(f):
            at = np.searchsorted(turns, f["turn"])
            at_ok = at < len(turns)
            hit = np.zeros(len(f), dtype=bool)
            hit[at_ok] = turns[at[at_ok]] == f["turn"][at_ok]
            vote[hit], reason[hit] = votes[at[hit]], reasons[at[hit]]
        return vote, reason

    def _is(self, *kinds: str) -> np.ndarray:
        codes = [self._kind[k] for k in kinds if k in self._kind]
        return np.isin(self.f["kind"], codes)

    def _named(self, space: str, rows: list[tuple[int, int, int]]) -> list[tuple[str, int, int]]:
        names = self.snap.names[space]
        return [(names[k], c, s) for k, c, s in rows]

    # --- volume -------------------------------------------------------------------------------------
    def totals(self) -> tuple[int, int]:
        """(turns, distinct sessions) in range."""
        return len(self.f), distinct_count(self.f["session"])

    def by_day(self) -> list[tuple[int, int, int]]:
        """(local day number since the epoch, turns, sessions)."""
        days = ((self.f["ts"] + utc_offset_s(self.flt.until)) // DAY_S).astype(np.int64)
        return grouped(days, self.f["session"])

    def by_hour(self) -> list[tuple[int, int, int]]:
        """(local hour 0-23, turns, sessions)."""
        hours = (((self.f["ts"] + utc_offset_s(self.flt.until)) // 3600) % 24).astype(np.int64)
        return grouped(hours, self.f["session"])

    def kinds(self) -> list[tuple[str, int, int]]:
        """(answer kind, turns, sessions)."""
        return self._named("kind", grouped(self.f["kind"], self.f["session"]))

    def escalations(self) -> list[tuple[str, int, int]]:
        """(escalation reason, escalated turns, sessions)."""
        f = self.f[self._is("escalated")]
        return self._named("escalation", grouped(f["escalation"], f["session"]))

    # --- knowledge entries and feedback ---------------------------------------------------------------
    def entries(self) -> list[tuple]:
        """(entry id, title, answered, sessions, up, down, voting sessions, wrong, unclear, not_asked,
        wrong sessions, unclear sessions, not_asked sessions) for turns answered from the knowledge base."""
        f = self.f[self._is(*ANSWERED) & (self.f["entry"] >= 0)]
        vote, reason = self._votes_of(f)
        entry, session = f["entry"], f["session"]

        def part(rows: np.ndarray) -> dict[int, tuple[int, int]]:
            return {k: (c, s) for k, c, s in grouped(entry[rows], session[rows])}

        up, down, voted = part(vote == 1), part(vote == 2), part(vote > 0)
        by_reason = [part(reason == n + 1) for n in range(len(REASONS))]
        names = self.snap.names["entry"]
        out = []
        for e, answered, sessions in grouped(entry, session):
            counts = [r.get(e, (0, 0)) for r in by_reason]
            out.append((names[e], self.snap.titles.get(e, names[e]), answered, sessions, up.get(e, (0, 0))[0],
                        down.get(e, (0, 0))[0], voted.get(e, (0, 0))[1], *(c for c, _ in counts),
                        *(s for _, s in counts)))
        return out

    # --- questions and clusters -----------------------------------------------------------------------
    def _gap(self, f: np.ndarray) -> np.ndarray:
        declined = np.isin(f["kind"], [self._kind.get("declined", -99)])
        no_answer = self.snap.names["escalation"].index("no_answer") if "no_answer" in self.snap.names["escalation"] \
            else -99
        escalated = (f["kind"] == self._kind.get("escalated", -99)) & (f["escalation"] == no_answer)
        return declined | escalated

    def questions(self) -> list[tuple[int, int, str, int, int, int, int]]:
        """(question id, cluster, canonical text, turns, sessions, gap turns, gap sessions) in range."""
        f = self.f[self.f["question"] >= 0]
        gap = f[self._gap(f)]
        gaps = {k: (c, s) for k, c, s in grouped(gap["question"], gap["session"])}
        out = []
        for q, count, sessions in grouped(f["question"], f["session"]):
            cluster, text = self.snap.questions[q]
            out.append((q, cluster, text, count, sessions, *gaps.get(q, (0, 0))))
        return out

    def clusters(self) -> list[tuple[int, int, int, int, int]]:
        """(cluster, turns, sessions, gap turns, gap sessions) in range."""
        f = self.f[self.f["question"] >= 0]
        cluster = self._qcluster[f["question"]]
        gap = self._gap(f)
        gaps = {k: (c, s) for k, c, s in grouped(cluster[gap], f["session"][gap])}
        return [(k, c, s, *gaps.get(k, (0, 0))) for k, c, s in grouped(cluster, f["session"])]

    def weeks(self) -> list[tuple[int, int, int, int, int]]:
        """(cluster, this week's turns, sessions, last week's turns, sessions): the 7 days before ``until``
        and the 7 days before those, whatever ``since`` says."""
        a = self._all[self._all["question"] >= 0]
        until, mid = self.flt.until, self.flt.until - WEEK_S
        this = a[(a["ts"] >= mid) & (a["ts"] < until)]
        last = a[(a["ts"] >= mid - WEEK_S) & (a["ts"] < mid)]
        now = {k: (c, s) for k, c, s in grouped(self._qcluster[this["question"]], this["session"])}
        before = {k: (c, s) for k, c, s in grouped(self._qcluster[last["question"]], last["session"])}
        return [(k, *now.get(k, (0, 0)), *before.get(k, (0, 0))) for k in sorted(set(now) | set(before))]

    def options(self) -> tuple[list[str], list[str]]:
        """The collections and kiosks any stored turn names (for the filter's choices)."""
        return ([c for c in self.snap.names["collection"] if c], [k for k in self.snap.names["kiosk"] if k])
