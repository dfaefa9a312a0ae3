"""The insights side of a stored turn: its collection, kiosk and the customer's 👍/👎, in the conversation store.

One row per turn in ``turn_insights`` (same database, written in the turn's own transaction; turns stored
before this table existed simply have no row). It is not part of the audit chain: feedback is given after
the turn and may be changed. A retention purge deletes the rows of the turns it purges in the same
transaction (``after_purge``).
"""
from __future__ import annotations

import sqlite3
from typing import TypeVar

SCHEMA: tuple[str, ...] = (
    """CREATE TABLE turn_insights (
        turn_id INTEGER PRIMARY KEY,     -- turns.id
        collection TEXT NOT NULL DEFAULT '',
        kiosk TEXT NOT NULL DEFAULT '',
        vote TEXT NOT NULL DEFAULT '',   -- '' | up | down
        reason TEXT NOT NULL DEFAULT '', -- '' | wrong | unclear | not_asked (a 👎's optional reason)
        vote_ts REAL
    )""",
    "CREATE INDEX turns_ts ON turns(ts)",
)
VOTES: tuple[str, ...] = ("up", "down")
REASONS: tuple[str, ...] = ("wrong", "unclear", "not_asked")
T = TypeVar("T")


def insert_turn(conn: sqlite3.Connection, turn_id: int, collection: str, kiosk: str) -> None:
    """Record where a new turn was asked (caller holds the turn's write transaction)."""
    conn.execute("INSERT INTO turn_insights (turn_id, collection, kiosk) VALUES (?,?,?)",
                 (turn_id, collection or "", kiosk or ""))


def set_feedback(conn: sqlite3.Connection, session_id: str, turn_id: int, vote: str, reason: str,
                 now: float) -> bool:
    """Set the vote on ``turn_id`` if that turn belongs to ``session_id`` (caller holds a write transaction)."""
    if vote not in VOTES or (reason and (vote != "down" or reason not in REASONS)):
        raise ValueError("vote must be up or down; a reason only with down, one of " + ", ".join(REASONS))
    row = conn.execute("SELECT answer_kind FROM turns WHERE id = ? AND session_id = ?",
                       (turn_id, session_id)).fetchone()
    if row is None or row[0] == "agent":
        return False
    conn.execute("INSERT INTO turn_insights (turn_id, vote, reason, vote_ts) VALUES (?,?,?,?) "
                 "ON CONFLICT(turn_id) DO UPDATE SET vote = excluded.vote, reason = excluded.reason, "
                 "vote_ts = excluded.vote_ts", (turn_id, vote, reason, now))
    return True


def after_purge(conn: sqlite3.Connection, result: T) -> T:
    """Delete the insights rows whose turns a purge just deleted (same transaction); returns ``result``."""
    if result is not None:
        conn.execute("DELETE FROM turn_insights WHERE NOT EXISTS "
                     "(SELECT 1 FROM turns WHERE turns.id = turn_insights.turn_id)")
    return result
