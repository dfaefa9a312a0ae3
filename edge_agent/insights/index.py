"""The insights index (``data_dir/insights.sqlite3``): each distinct redacted question once, its e5 vector
and cluster, and which turn asked which question. Incremental: ``refresh`` embeds only questions it has not
seen, clusters them (cluster.py) and remembers the last turn it read, so a page view never re-embeds history.

Derived data goes with its source: when the conversation store has purged turns (retention), ``refresh``
deletes their rows here and every question no remaining turn asked (``prune``); the store's purge hook
calls it at once in the serving process. Reports join this index to the live ``turns`` table, so a purged
turn is never counted even before that.
"""
from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from edge_agent.insights import text as qtext
from edge_agent.insights.cluster import Clusters
from edge_agent.sqlite_db import open_db

FILE_NAME = "insights.sqlite3"
SKIPPED_KINDS = ("agent", "smalltalk")  # a person's reply; hello/thanks: not a demand
BATCH = 2000

MIGRATIONS: tuple[str, ...] = (
    """CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        digest TEXT NOT NULL UNIQUE,     -- sha256 of the canonical text
        text TEXT NOT NULL,              -- canonical redacted question (insights/text.py)
        vector BLOB NOT NULL,            -- float32 e5 query vector
        cluster INTEGER NOT NULL
    )""",
    "CREATE INDEX questions_cluster ON questions(cluster)",
    "CREATE TABLE turn_question (turn_id INTEGER PRIMARY KEY, question_id INTEGER NOT NULL)",
    "CREATE TABLE clusters (id INTEGER PRIMARY KEY, sum BLOB NOT NULL, size INTEGER NOT NULL)",
    "CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)

EmbedMany = Callable[[Sequence[str]], "np.ndarray"]


@dataclass(frozen=True)
class RefreshResult:
    """What one refresh did."""

    turns: int       # new turns read
    questions: int   # new distinct questions embedded
    pruned: int      # turn rows dropped because their turns were purged


def index_path(data_dir: Path) -> Path:
    """Where a data directory keeps its insights index."""
    return data_dir / FILE_NAME


def embed_many(embedder: object) -> EmbedMany:
    """Unit query vectors for many texts with the knowledge base's embedder (``embed_query`` per text)."""
    def run(texts: Sequence[str]) -> np.ndarray:
        vectors = np.asarray([embedder.embed_query(t) for t in texts], dtype=np.float32)  # type: ignore[attr-defined]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True) if len(vectors) else vectors
        return vectors / np.where(norms == 0, 1.0, norms) if len(vectors) else vectors.reshape(0, 0)

    return run


class InsightsIndex:
    """The index file; one connection behind a lock (refresh may run from a page view, the CLI or cron)."""

    def __init__(self, path: Path, conversations_db: Path, threshold: float) -> None:
        self.path = path
        self.conversations_db = conversations_db
        self.threshold = threshold
        self._conn, _ = open_db(path, MIGRATIONS)
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the index file."""
        with self._lock:
            self._conn.close()

    # --- state --------------------------------------------------------------------------------------
    def _state(self, key: str, default: str = "0") -> str:
        row = self._conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def _set_state(self, key: str, value: object) -> None:
        self._conn.execute("INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                           "value = excluded.value", (key, str(value)))

    def _clusters(self) -> Clusters:
        rows = self._conn.execute("SELECT sum, size FROM clusters ORDER BY id").fetchall()
        clusters = Clusters(self.threshold)
        if rows:
            sums = np.vstack([np.frombuffer(r[0], dtype=np.float32) for r in rows])
            clusters.sums = sums.copy()
            clusters.centroids = sums / np.linalg.norm(sums, axis=1, keepdims=True)
            clusters.sizes = [int(r[1]) for r in rows]
        return clusters

    def _attach(self) -> None:
        if not any(r[1] == "conv" for r in self._conn.execute("PRAGMA database_list")):
            self._conn.execute("ATTACH DATABASE ? AS conv", (str(self.conversations_db),))

    # --- refresh ------------------------------------------------------------------------------------
    def refresh(self, embed: EmbedMany, *, max_turns: int | None = None) -> RefreshResult:
        """Read turns stored since the last refresh, embed and cluster their new questions, prune purged ones."""
        if not self.conversations_db.is_file():
            return RefreshResult(0, 0, 0)
        with self._lock:
            uri = sqlite3.connect(f"file:{self.conversations_db}?mode=ro", uri=True)
            try:
                pruned = self._prune_locked(uri)
                turns, questions = self._read_new(uri, embed, max_turns)
            finally:
                uri.close()
        return RefreshResult(turns, questions, pruned)

    def _read_new(self, conv: sqlite3.Connection, embed: EmbedMany, max_turns: int | None) -> tuple[int, int]:
        last = int(self._state("last_turn_id"))
        clusters = self._clusters()
        known = dict(self._conn.execute("SELECT digest, id FROM questions"))
        read = added = 0
        while max_turns is None or read < max_turns:
            limit = BATCH if max_turns is None else min(BATCH, max_turns - read)
            rows = conv.execute("SELECT id, question, answer_kind FROM turns WHERE id > ? ORDER BY id LIMIT ?",
                                (last, limit)).fetchall()
            if not rows:
                break
            pairs: list[tuple[int, str]] = []
            new: dict[str, str] = {}
            for turn_id, question, kind in rows:
                text = qtext.canonical(question or "") if kind not in SKIPPED_KINDS else ""
                if text:
                    key = qtext.digest(text)
                    pairs.append((int(turn_id), key))
                    if key not in known:
                        new.setdefault(key, text)
            added += self._add_questions(new, embed, clusters, known)
            last = int(rows[-1][0])
            read += len(rows)
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany("INSERT OR REPLACE INTO turn_question (turn_id, question_id) VALUES (?, ?)",
                                       [(t, known[k]) for t, k in pairs])
                self._set_state("last_turn_id", last)
                self._save_clusters(clusters)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        return read, added

    def _add_questions(self, new: dict[str, str], embed: EmbedMany, clusters: Clusters,
                       known: dict[str, int]) -> int:
        if not new:
            return 0
        keys = list(new)
        vectors = embed([new[k] for k in keys])
        assigned = clusters.assign(vectors)
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            for key, vector, cluster in zip(keys, vectors, assigned):
                cur = self._conn.execute("INSERT INTO questions (digest, text, vector, cluster) VALUES (?,?,?,?)",
                                         (key, new[key], np.asarray(vector, dtype=np.float32).tobytes(), cluster))
                known[key] = int(cur.lastrowid)
            self._save_clusters(clusters)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        return len(keys)

    def _save_clusters(self, clusters: Clusters) -> None:
        self._conn.executemany("INSERT OR REPLACE INTO clusters (id, sum, size) VALUES (?, ?, ?)",
                               [(i, clusters.sums[i].astype(np.float32).tobytes(), size)
                                for i, size in enumerate(clusters.sizes)])

    # --- retention ------------------------------------------------------------------------------------
    def prune(self) -> int:
        """Drop rows of turns the conversation store no longer holds, and questions nobody asks any more."""
        if not self.conversations_db.is_file():
            return 0
        with self._lock:
            conv = sqlite3.connect(f"file:{self.conversations_db}?mode=ro", uri=True)
            try:
                return self._prune_locked(conv, force=True)
            finally:
                conv.close()

    def _prune_locked(self, conv: sqlite3.Connection, *, force: bool = False) -> int:
        purges = str(conv.execute("SELECT COUNT(*) FROM audit_log WHERE kind = 'purge'").fetchone()[0]) \
            if _has_table(conv, "audit_log") else "0"
        if not force and purges == self._state("purges"):
            return 0
        oldest = conv.execute("SELECT MIN(id) FROM turns").fetchone()[0]
        self._attach()
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            if oldest is None:
                dropped = self._conn.execute("DELETE FROM turn_question").rowcount
            else:
                dropped = self._conn.execute(
                    "DELETE FROM turn_question WHERE turn_id < ? OR NOT EXISTS "
                    "(SELECT 1 FROM conv.turns t WHERE t.id = turn_question.turn_id)", (oldest,)).rowcount
            self._conn.execute("DELETE FROM questions WHERE NOT EXISTS "
                               "(SELECT 1 FROM turn_question m WHERE m.question_id = questions.id)")
            self._set_state("purges", purges)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        self._conn.execute("DETACH DATABASE conv")
        return dropped

    # --- reading --------------------------------------------------------------------------------------
    def vectors(self, question_ids: Sequence[int]) -> dict[int, np.ndarray]:
        """The stored vectors of some questions."""
        with self._lock:
            out: dict[int, np.ndarray] = {}
            for start in range(0, len(question_ids), 500):
                part = list(question_ids[start:start + 500])
                marks = ",".join("?" * len(part))
                for qid, blob in self._conn.execute(f"SELECT id, vector FROM questions WHERE id IN ({marks})", part):
                    out[int(qid)] = np.frombuffer(blob, dtype=np.float32)
            return out

    def centroid(self, cluster: int) -> np.ndarray | None:
        """A cluster's centroid (unit vector), or None."""
        with self._lock:
            row = self._conn.execute("SELECT sum FROM clusters WHERE id = ?", (cluster,)).fetchone()
        if row is None:
            return None
        vec = np.frombuffer(row[0], dtype=np.float32)
        return vec / (float(np.linalg.norm(vec)) or 1.0)


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None
