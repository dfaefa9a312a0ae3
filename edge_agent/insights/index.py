"""The insights index (``data_dir/insights.sqlite3``): each distinct redacted question once with its e5 vector
and cluster, and one compact fact row per turn (time, session number, answer kind, escalation, entry,
collection, kiosk, question) kept as numpy batches, so a report over a million turns is array arithmetic.

Incremental: ``refresh`` reads only turns stored since the last refresh, embeds only questions it has never
seen and clusters them (cluster.py). Session ids are kept only as sha256 digests (they are the kiosk's secret).
Derived data goes with its source: when the conversation store has purged turns (retention), ``prune`` drops
their facts, the questions no remaining turn asked and the sessions no remaining turn belongs to; the store's
purge hook calls it at once in the serving process, and every refresh checks for purges made elsewhere.
"""
from __future__ import annotations

import hashlib
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
BATCH = 50_000
SKIPPED_KINDS = ("smalltalk",)  # hello / thanks: counted as volume, not as a question
FACT = np.dtype([("turn", "<i8"), ("ts", "<f8"), ("session", "<i4"), ("kind", "<i2"), ("escalation", "<i2"),
                 ("entry", "<i4"), ("collection", "<i2"), ("kiosk", "<i2"), ("question", "<i4")])
SPACES = ("kind", "escalation", "entry", "collection", "kiosk")

MIGRATIONS: tuple[str, ...] = (
    """CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        digest TEXT NOT NULL UNIQUE,     -- sha256 of the canonical text
        text TEXT NOT NULL,              -- canonical redacted question (insights/text.py)
        vector BLOB NOT NULL,            -- float32 e5 query vector
        cluster INTEGER NOT NULL
    )""",
    "CREATE TABLE facts (first_turn INTEGER PRIMARY KEY, last_turn INTEGER NOT NULL, data BLOB NOT NULL)",
    "CREATE TABLE clusters (id INTEGER PRIMARY KEY, sum BLOB NOT NULL, size INTEGER NOT NULL)",
    "CREATE TABLE sessions (id INTEGER PRIMARY KEY, digest TEXT NOT NULL UNIQUE)",
    """CREATE TABLE codes (space TEXT NOT NULL, value TEXT NOT NULL, id INTEGER NOT NULL,
        title TEXT NOT NULL DEFAULT '', PRIMARY KEY (space, value))""",
    "CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
SELECT_NEW = ("SELECT t.id, t.session_id, t.ts, t.answer_kind, t.escalation, json_extract(t.sources, '$[0].id'), "
              "json_extract(t.sources, '$[0].title'), COALESCE(ti.collection, ''), COALESCE(ti.kiosk, ''), t.question "
              "FROM turns t LEFT JOIN turn_insights ti ON ti.turn_id = t.id WHERE t.id > ? ORDER BY t.id LIMIT ?")
NO_SIDE_TABLE = ("CREATE TEMP TABLE IF NOT EXISTS turn_insights (turn_id INTEGER PRIMARY KEY, collection TEXT, "
                 "kiosk TEXT, vote TEXT, reason TEXT, vote_ts REAL)")

EmbedMany = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class RefreshResult:
    """What one refresh did."""

    turns: int       # new turns read
    questions: int   # new distinct questions embedded
    pruned: int      # facts dropped because their turns were purged


def index_path(data_dir: Path) -> Path:
    """Where a data directory keeps its insights index."""
    return data_dir / FILE_NAME


def embed_many(embedder: object) -> EmbedMany:
    """Unit query vectors for many texts with the knowledge base's embedder (``embed_query`` per text)."""
    def run(texts: Sequence[str]) -> np.ndarray:
        vectors = np.asarray([embedder.embed_query(t) for t in texts], dtype=np.float32)  # type: ignore[attr-defined]
        if not len(vectors):
            return vectors.reshape(0, 0)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)

    return run


def open_conversations(path: Path) -> sqlite3.Connection:
    """A read-only connection to the conversation store (a store not migrated yet gets an empty side table)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.execute("PRAGMA busy_timeout=30000")
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'turn_insights'").fetchone() is None:
        conn.execute(NO_SIDE_TABLE)
    return conn


class InsightsIndex:
    """The index file and its facts in memory; one lock (refresh may run from a page view, the CLI or cron)."""

    def __init__(self, path: Path, conversations_db: Path, threshold: float) -> None:
        self.path = path
        self.conversations_db = conversations_db
        self.threshold = threshold
        self._conn, _ = open_db(path, MIGRATIONS)
        self._lock = threading.Lock()
        self._facts: np.ndarray | None = None
        self._sessions: dict[str, int] | None = None
        self._codes: dict[tuple[str, str], int] | None = None

    def close(self) -> None:
        """Close the index file."""
        with self._lock:
            self._conn.close()

    # --- small helpers --------------------------------------------------------------------------------
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

    def _load_maps(self) -> None:
        if self._sessions is None:
            self._sessions = dict(self._conn.execute("SELECT digest, id FROM sessions"))
        if self._codes is None:
            self._codes = {(s, v): i for s, v, i in self._conn.execute("SELECT space, value, id FROM codes")}

    def _code(self, space: str, value: str, title: str = "") -> int:
        assert self._codes is not None
        key = (space, value)
        code = self._codes.get(key)
        if code is None:
            code = sum(1 for s, _ in self._codes if s == space)
            self._conn.execute("INSERT INTO codes (space, value, id, title) VALUES (?,?,?,?)",
                               (space, value, code, title))
            self._codes[key] = code
        return code

    def _session(self, session_id: str) -> int:
        assert self._sessions is not None
        digest = hashlib.sha256(session_id.encode("utf-8")).hexdigest()[:32]
        number = self._sessions.get(digest)
        if number is None:
            number = int(self._conn.execute("INSERT INTO sessions (digest) VALUES (?)", (digest,)).lastrowid or 0)
            self._sessions[digest] = number
        return number

    # --- refresh ------------------------------------------------------------------------------------
    def refresh(self, embed: EmbedMany) -> RefreshResult:
        """Read turns stored since the last refresh, embed and cluster their new questions, prune purged ones."""
        if not self.conversations_db.is_file():
            return RefreshResult(0, 0, 0)
        with self._lock:
            conv = open_conversations(self.conversations_db)
            try:
                pruned = self._prune_locked(conv)
                turns, questions = self._read_new(conv, embed)
            finally:
                conv.close()
        return RefreshResult(turns, questions, pruned)

    def _read_new(self, conv: sqlite3.Connection, embed: EmbedMany) -> tuple[int, int]:
        self._load_maps()
        last = int(self._state("last_turn_id"))
        clusters = self._clusters()
        known = dict(self._conn.execute("SELECT digest, id FROM questions"))
        memo: dict[str, str] = {}  # raw stored question -> digest ('' when no question); texts repeat a lot
        read = added = 0
        while True:
            rows = conv.execute(SELECT_NEW, (last, BATCH)).fetchall()
            if not rows:
                break
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                facts, keys, new = self._facts_of(rows, memo, known)
                added += self._add_questions(new, embed, clusters, known)
                facts["question"] = [known[k] if k else -1 for k in keys]
                self._conn.execute("INSERT INTO facts (first_turn, last_turn, data) VALUES (?,?,?)",
                                   (int(facts["turn"][0]), int(facts["turn"][-1]), facts.tobytes()))
                last = int(rows[-1][0])
                self._set_state("last_turn_id", last)
                self._save_clusters(clusters)
            except BaseException:
                self._conn.execute("ROLLBACK")
                self._sessions = self._codes = None  # the maps may hold rows that were rolled back
                raise
            self._conn.execute("COMMIT")
            if self._facts is not None:
                self._facts = np.concatenate([self._facts, facts])
            read += len(rows)
        return read, added

    def _facts_of(self, rows: list, memo: dict[str, str], known: dict[str, int]
                  ) -> tuple[np.ndarray, list[str], dict[str, str]]:
        facts = np.zeros(len(rows), dtype=FACT)
        keys: list[str] = []
        new: dict[str, str] = {}
        for n, (turn_id, sid, ts, kind, escalation, entry, title, collection, kiosk, question) in enumerate(rows):
            key = ""
            if kind not in SKIPPED_KINDS and kind != "agent" and question:
                key = memo.get(question, None) or ""
                if question not in memo:
                    text = qtext.canonical(question)
                    key = qtext.digest(text) if text else ""
                    if len(memo) < 200_000:
                        memo[question] = key
                    if key and key not in known:
                        new.setdefault(key, text)
            keys.append(key)
            facts[n] = (turn_id, ts, self._session(sid), self._code("kind", kind), self._code("escalation", escalation),
                        self._code("entry", entry, title or entry) if entry else -1,
                        self._code("collection", collection), self._code("kiosk", kiosk), -1)
        return facts, keys, new

    def _add_questions(self, new: dict[str, str], embed: EmbedMany, clusters: Clusters,
                       known: dict[str, int]) -> int:
        if not new:
            return 0
        keys = list(new)
        vectors = embed([new[k] for k in keys])
        for key, vector, cluster in zip(keys, vectors, clusters.assign(vectors)):
            cur = self._conn.execute("INSERT INTO questions (digest, text, vector, cluster) VALUES (?,?,?,?)",
                                     (key, new[key], np.asarray(vector, dtype=np.float32).tobytes(), cluster))
            known[key] = int(cur.lastrowid or 0)
        return len(keys)

    def _save_clusters(self, clusters: Clusters) -> None:
        self._conn.executemany("INSERT OR REPLACE INTO clusters (id, sum, size) VALUES (?, ?, ?)",
                               [(i, clusters.sums[i].astype(np.float32).tobytes(), size)
                                for i, size in enumerate(clusters.sizes)])

    # --- retention ------------------------------------------------------------------------------------
    def prune(self) -> int:
        """Drop facts of turns the conversation store no longer holds, and questions and sessions no remaining
        turn has."""
        if not self.conversations_db.is_file():
            return 0
        with self._lock:
            conv = open_conversations(self.conversations_db)
            try:
                return self._prune_locked(conv, force=True)
            finally:
                conv.close()

    def _prune_locked(self, conv: sqlite3.Connection, *, force: bool = False) -> int:
        has_log = conv.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_log'").fetchone() is not None
        purges = str(conv.execute("SELECT COUNT(*) FROM audit_log WHERE kind = 'purge'").fetchone()[0]) \
            if has_log else "0"
        if not force and purges == self._state("purges"):
            return 0
        facts = self._load_facts()
        alive = np.fromiter((r[0] for r in conv.execute("SELECT id FROM turns")), dtype=np.int64)
        keep = facts[np.isin(facts["turn"], alive)]
        dropped = len(facts) - len(keep)
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            if dropped:
                self._conn.execute("DELETE FROM facts")
                if len(keep):
                    self._conn.execute("INSERT INTO facts (first_turn, last_turn, data) VALUES (?,?,?)",
                                       (int(keep["turn"][0]), int(keep["turn"][-1]), keep.tobytes()))
                used = {int(q) for q in np.unique(keep["question"])}
                self._conn.executemany("DELETE FROM questions WHERE id = ?",
                                       [(q,) for (q,) in self._conn.execute("SELECT id FROM questions")
                                        if q not in used])
                sessions = {int(s) for s in np.unique(keep["session"])}
                self._conn.executemany("DELETE FROM sessions WHERE id = ?",
                                       [(s,) for (s,) in self._conn.execute("SELECT id FROM sessions")
                                        if s not in sessions])
            self._set_state("purges", purges)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        self._facts, self._sessions = keep, None
        return dropped

    # --- reading --------------------------------------------------------------------------------------
    def _load_facts(self) -> np.ndarray:
        if self._facts is None:
            blobs = [np.frombuffer(r[0], dtype=FACT) for r in
                     self._conn.execute("SELECT data FROM facts ORDER BY first_turn")]
            self._facts = np.concatenate(blobs) if blobs else np.zeros(0, dtype=FACT)
        return self._facts

    def snapshot(self) -> "Snapshot":
        """The facts and the small tables a report needs, read at one moment."""
        with self._lock:
            self._load_maps()
            assert self._codes is not None
            names: dict[str, list[str]] = {space: [] for space in SPACES}
            titles: dict[int, str] = {}
            codes = self._conn.execute("SELECT space, value, id, title FROM codes ORDER BY id")
            for space, value, code, title in codes:
                names[space].append(value)
                if space == "entry":
                    titles[int(code)] = str(title)
            rows = self._conn.execute("SELECT id, cluster, text FROM questions").fetchall()
            return Snapshot(self._load_facts(), names, titles, {int(r[0]): (int(r[1]), str(r[2])) for r in rows})

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


@dataclass(frozen=True)
class Snapshot:
    """Facts (one row per turn), code names per space, entry titles and question id -> (cluster, text)."""

    facts: np.ndarray
    names: dict[str, list[str]]
    titles: dict[int, str]
    questions: dict[int, tuple[int, str]]
