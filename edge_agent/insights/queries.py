"""The SQL behind a report: aggregates over the conversation store joined to the insights index.

Every query returns a count together with the number of distinct sessions behind it, so report.py can
show a figure only when at least k sessions contributed. Queries read a snapshot through their own
read-only connection; nothing here writes.
"""
from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DAY_S = 86_400
WEEK_S = 7 * DAY_S
GAP = "(t.answer_kind = 'declined' OR (t.answer_kind = 'escalated' AND t.escalation = 'no_answer'))"
ANSWERED = "t.answer_kind IN ('quoted', 'generated')"
NO_SIDE_TABLE = ("CREATE TEMP TABLE turn_insights (turn_id INTEGER PRIMARY KEY, collection TEXT, kiosk TEXT, "
                 "vote TEXT, reason TEXT, vote_ts REAL)")


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


class Queries:
    """One read-only snapshot of the conversation store with the insights index attached as ``ix``."""

    def __init__(self, conversations_db: Path, index_db: Path, flt: Filter) -> None:
        self.flt = flt
        self.conn = sqlite3.connect(f"file:{conversations_db}?mode=ro", uri=True)
        self.conn.execute("PRAGMA busy_timeout=30000")
        if self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'turn_insights'").fetchone() is None:
            self.conn.execute(NO_SIDE_TABLE)  # a store not migrated yet: no collections, kiosks or votes
        self.conn.execute("ATTACH DATABASE ? AS ix", (f"file:{index_db}?mode=ro",))
        self.conn.execute("BEGIN")  # one snapshot for every query of the report

    def close(self) -> None:
        """End the snapshot."""
        with closing(self.conn):
            self.conn.execute("ROLLBACK")

    def _where(self, since: float | None = None, until: float | None = None) -> tuple[str, dict[str, Any]]:
        f = self.flt
        params = {"since": f.since if since is None else since, "until": f.until if until is None else until,
                  "collection": f.collection, "kiosk": f.kiosk}
        return ("t.ts >= :since AND t.ts < :until AND t.answer_kind != 'agent' "
                "AND (:collection = '' OR ti.collection = :collection) AND (:kiosk = '' OR ti.kiosk = :kiosk)",
                params)

    def _rows(self, select: str, group: str = "", *, join_index: bool = False, extra: str = "",
              since: float | None = None, until: float | None = None, params: dict[str, Any] | None = None) -> list:
        where, values = self._where(since, until)
        joins = "LEFT JOIN turn_insights ti ON ti.turn_id = t.id"
        if join_index:
            joins += " JOIN ix.turn_question m ON m.turn_id = t.id JOIN ix.questions q ON q.id = m.question_id"
        sql = f"SELECT {select} FROM turns t {joins} WHERE {where} {extra} {'GROUP BY ' + group if group else ''}"
        return self.conn.execute(sql, {**values, **(params or {})}).fetchall()

    # --- volume -------------------------------------------------------------------------------------
    def totals(self) -> tuple[int, int]:
        """(turns, distinct sessions) in range."""
        row = self._rows("COUNT(*), COUNT(DISTINCT t.session_id)")[0]
        return int(row[0]), int(row[1])

    def by_day(self) -> list[tuple[int, int, int]]:
        """(local day number since the epoch, turns, sessions)."""
        off = utc_offset_s(self.flt.until)
        return self._rows(f"CAST((t.ts + {off}) / {DAY_S} AS INTEGER) AS d, COUNT(*), COUNT(DISTINCT t.session_id)",
                          "d ORDER BY d")

    def by_hour(self) -> list[tuple[int, int, int]]:
        """(local hour 0-23, turns, sessions)."""
        off = utc_offset_s(self.flt.until)
        return self._rows(f"CAST((t.ts + {off}) / 3600 AS INTEGER) % 24 AS h, COUNT(*), COUNT(DISTINCT t.session_id)",
                          "h ORDER BY h")

    def kinds(self) -> list[tuple[str, int, int]]:
        """(answer kind, turns, sessions)."""
        return self._rows("t.answer_kind, COUNT(*), COUNT(DISTINCT t.session_id)", "t.answer_kind")

    def escalations(self) -> list[tuple[str, int, int]]:
        """(escalation reason, escalated turns, sessions)."""
        return self._rows("t.escalation, COUNT(*), COUNT(DISTINCT t.session_id)", "t.escalation",
                          extra="AND t.answer_kind = 'escalated'")

    # --- knowledge entries and feedback ---------------------------------------------------------------
    def entries(self) -> list[tuple]:
        """(entry id, title, answered, sessions, up, down, voting sessions, wrong, unclear, not_asked,
        wrong sessions, unclear sessions, not_asked sessions) for turns answered from the knowledge base."""
        return self._rows(
            "json_extract(t.sources, '$[0].id') AS e, MAX(json_extract(t.sources, '$[0].title')), COUNT(*), "
            "COUNT(DISTINCT t.session_id), SUM(ti.vote = 'up'), SUM(ti.vote = 'down'), "
            "COUNT(DISTINCT CASE WHEN ti.vote IN ('up', 'down') THEN t.session_id END), "
            "SUM(ti.reason = 'wrong'), SUM(ti.reason = 'unclear'), SUM(ti.reason = 'not_asked'), "
            "COUNT(DISTINCT CASE WHEN ti.reason = 'wrong' THEN t.session_id END), "
            "COUNT(DISTINCT CASE WHEN ti.reason = 'unclear' THEN t.session_id END), "
            "COUNT(DISTINCT CASE WHEN ti.reason = 'not_asked' THEN t.session_id END)",
            "e", extra=f"AND {ANSWERED} AND json_extract(t.sources, '$[0].id') IS NOT NULL")

    # --- questions and clusters -----------------------------------------------------------------------
    def questions(self) -> list[tuple[int, int, str, int, int, int, int]]:
        """(question id, cluster, canonical text, turns, sessions, gap turns, gap sessions) in range."""
        return self._rows(
            f"q.id, q.cluster, q.text, COUNT(*), COUNT(DISTINCT t.session_id), SUM({GAP}), "
            f"COUNT(DISTINCT CASE WHEN {GAP} THEN t.session_id END)", "q.id", join_index=True)

    def clusters(self) -> list[tuple[int, int, int, int, int]]:
        """(cluster, turns, sessions, gap turns, gap sessions) in range."""
        return self._rows(
            f"q.cluster, COUNT(*), COUNT(DISTINCT t.session_id), SUM({GAP}), "
            f"COUNT(DISTINCT CASE WHEN {GAP} THEN t.session_id END)", "q.cluster", join_index=True)

    def weeks(self) -> list[tuple[int, int, int, int, int]]:
        """(cluster, this week's turns, sessions, last week's turns, sessions): the 7 days before ``until``
        and the 7 days before those, whatever ``since`` says."""
        until = self.flt.until
        return self._rows(
            "q.cluster, SUM(t.ts >= :mid), COUNT(DISTINCT CASE WHEN t.ts >= :mid THEN t.session_id END), "
            "SUM(t.ts < :mid), COUNT(DISTINCT CASE WHEN t.ts < :mid THEN t.session_id END)", "q.cluster",
            join_index=True, since=until - 2 * WEEK_S, until=until, params={"mid": until - WEEK_S})

    def options(self) -> tuple[list[str], list[str]]:
        """The collections and kiosks any stored turn names (for the filter's choices)."""
        collections = [r[0] for r in self.conn.execute(
            "SELECT DISTINCT collection FROM turn_insights WHERE collection != '' ORDER BY 1")]
        kiosks = [r[0] for r in self.conn.execute(
            "SELECT DISTINCT kiosk FROM turn_insights WHERE kiosk != '' ORDER BY 1")]
        return collections, kiosks
