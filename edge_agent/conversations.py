"""The conversation store: SQLite (WAL, synchronous=FULL), redacted text only, migrations as a plain list."""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

MIGRATIONS: tuple[str, ...] = (
    """CREATE TABLE turns (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL,
        ts REAL NOT NULL,
        lang TEXT NOT NULL,
        question TEXT NOT NULL,          -- redacted
        answer TEXT NOT NULL,            -- redacted
        answer_kind TEXT NOT NULL,       -- generated | quoted | declined
        entities TEXT NOT NULL,          -- JSON [{"type","count"}] found in the question
        output_entities TEXT NOT NULL,   -- JSON [{"type","count"}] removed from the answer
        sources TEXT NOT NULL,           -- JSON [{"id","title","score"}]
        model_id TEXT NOT NULL,
        guard_version TEXT NOT NULL,
        grounding TEXT NOT NULL          -- reason the grounding check gave
    )""",
    "CREATE INDEX turns_session ON turns(session_id, id)",
)


@dataclass(frozen=True)
class TurnRecord:
    """One stored turn. Every text field is already redacted."""

    session_id: str
    lang: str
    question: str
    answer: str
    answer_kind: str
    entities: Sequence[dict]
    output_entities: Sequence[dict]
    sources: Sequence[dict]
    model_id: str
    guard_version: str
    grounding: str


class ConversationStore:
    """Append-only turn log in SQLite; one connection guarded by a lock (writes are short)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._migrate()

    def _migrate(self) -> None:
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        for number, statement in enumerate(MIGRATIONS[version:], start=version + 1):
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute(statement)
            self._conn.execute(f"PRAGMA user_version={number}")
            self._conn.execute("COMMIT")

    def append(self, turn: TurnRecord) -> int:
        """Store a turn durably; returns its row id."""
        row = (turn.session_id, time.time(), turn.lang, turn.question, turn.answer, turn.answer_kind,
               json.dumps(list(turn.entities), ensure_ascii=False),
               json.dumps(list(turn.output_entities), ensure_ascii=False),
               json.dumps(list(turn.sources), ensure_ascii=False), turn.model_id, turn.guard_version,
               turn.grounding)
        with self._lock:
            cur = self._conn.execute(
                "INSERT INTO turns (session_id, ts, lang, question, answer, answer_kind, entities, "
                "output_entities, sources, model_id, guard_version, grounding) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                row)
            return int(cur.lastrowid)

    def turns(self, session_id: str) -> list[dict]:
        """A session's turns, oldest first."""
        with self._lock:
            cur = self._conn.execute("SELECT * FROM turns WHERE session_id = ? ORDER BY id", (session_id,))
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]

    def count(self) -> int:
        """Turns stored."""
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM turns").fetchone()[0])

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()
