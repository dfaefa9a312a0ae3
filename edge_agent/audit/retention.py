"""Retention: delete the oldest part of the chain (and its turns) and re-anchor the chain with a purge event.

A purge removes every record with ``seq <= through_seq`` (the newest record older than the cut-off, and
everything before it) together with their turn rows, then appends a signed ``purge`` event that records
``through_seq`` and ``through_hash`` (the hash of the last purged record). The first surviving record's
``prev_hash`` equals ``through_hash``, so the verifier starts the chain there: deleting anything without
a signed purge event still shows as a gap.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from edge_agent.audit.chain import KIND_PURGE, KIND_TURN, ChainRecord, append_event, head

DAY_S = 86_400.0


@dataclass(frozen=True)
class PurgeResult:
    """What one purge removed, and the event that records it."""

    through_seq: int
    records: int
    turns: int
    before_ts: float
    event: ChainRecord


def cutoff(now: float, retention_days: int) -> float:
    """The time before which records are purged."""
    return now - retention_days * DAY_S


def purge_before(conn: sqlite3.Connection, key: bytes, before_ts: float, now: float) -> PurgeResult | None:
    """Purge records older than ``before_ts``; None when there is nothing to purge. Caller holds a write txn."""
    row = conn.execute("SELECT seq, hash FROM audit_log WHERE ts < ? ORDER BY seq DESC LIMIT 1",
                       (before_ts,)).fetchone()
    if row is None:
        return None
    through_seq, through_hash = int(row[0]), str(row[1])
    last = head(conn)  # read before deleting: a purge of everything must still follow the old head
    turns = conn.execute("DELETE FROM turns WHERE id IN (SELECT ref_id FROM audit_log WHERE kind = ? AND seq <= ?)",
                         (KIND_TURN, through_seq)).rowcount
    records = conn.execute("DELETE FROM audit_log WHERE seq <= ?", (through_seq,)).rowcount
    event = append_event(conn, key, kind=KIND_PURGE, ts=now,
                         data={"through_seq": through_seq, "through_hash": through_hash,
                               "before_ts": before_ts, "records": records, "turns": turns}, after=last)
    return PurgeResult(through_seq, records, turns, before_ts, event)
