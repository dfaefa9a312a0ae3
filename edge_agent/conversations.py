"""The conversation store: SQLite (WAL, synchronous=FULL), redacted text only, migrations as a plain list.

Every stored turn is also an event of the audit chain (edge_agent/audit): the turn row and its signed
chain record are written in one ``BEGIN IMMEDIATE`` transaction, so a turn is either stored and chained
or not stored at all, and writers in several threads or processes keep one consistent chain. Knowledge-base
changes (``record_kb_change``) are chained the same way, as ``kb`` events that hold their own facts.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence, TypeVar

from edge_agent.audit import chain, integrity
from edge_agent.audit.checkpoints import Checkpoint, Checkpointer, checkpoint_copy_path, checkpoint_path
from edge_agent.audit.keys import AuditKeyError, key_path, obtain_key
from edge_agent.audit.retention import PurgeResult, cutoff, purge_before
from edge_agent.config import Settings
from edge_agent.insights import schema as insights_schema
from edge_agent.sqlite_db import open_db
from guardrails.backstop import mask_unexplained

if TYPE_CHECKING:
    from edge_agent.knowledge.ingest import KbChange

log = logging.getLogger("edge_agent.audit")

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
    "ALTER TABLE turns ADD COLUMN model_sha256 TEXT NOT NULL DEFAULT ''",   # sha256 of the model file
    "ALTER TABLE turns ADD COLUMN escalation TEXT NOT NULL DEFAULT 'none'",  # none | … (escalation comes later)
    *chain.SCHEMA,
    integrity.RECORDED_SCHEMA,  # checkpoints as written, so a shrunken checkpoint file shows
    *insights_schema.SCHEMA,  # per-turn collection, kiosk and the customer's 👍/👎 (not chained: feedback changes)
)

AUDIT_SCHEMA_VERSION = MIGRATIONS.index(chain.SCHEMA[0]) + 1  # the migration that created audit_log
BUSY_TIMEOUT_MS = 30_000
RETENTION_EVERY_S = 3600.0
T = TypeVar("T")


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
    model_sha256: str = ""
    escalation: str = "none"
    collection: str = ""  # the knowledge collection the kiosk asked in ('' = all)
    kiosk: str = ""       # the location_id of the kiosk or site that answered


@dataclass(frozen=True)
class AuditOptions:
    """How the store keeps its audit trail: the HMAC key, checkpoints and retention."""

    key: bytes = field(repr=False)
    checkpoint_file: Path | None = None  # None: no checkpoints (tail deletion then goes unnoticed)
    checkpoint_copies: tuple[Path, ...] = ()  # off-box copies appended with every checkpoint
    checkpoint_every_records: int = 100
    checkpoint_every_s: float = 300.0
    retention_days: int = 0              # 0 keeps everything


class ConversationStore:
    """Append-only turn log in SQLite with its audit chain; one connection guarded by a lock."""

    def __init__(self, path: Path, audit: AuditOptions, *, model_sha256: str = "") -> None:
        self.path = path
        self.model_sha256 = model_sha256  # sha256 of the model file this process answers with
        self._audit = audit
        check_schema(path)  # before migrating: a migration must never chain (re-sign) turns it finds
        self._conn, _ = open_db(path, MIGRATIONS, busy_timeout_ms=BUSY_TIMEOUT_MS)
        self._lock = threading.Lock()
        self.purge_hooks: list[Callable[[], None]] = []  # called after every purge, outside the lock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._checkpointer = None if audit.checkpoint_file is None else Checkpointer(
            audit.checkpoint_file, audit.key, every_records=audit.checkpoint_every_records,
            every_s=audit.checkpoint_every_s, copies=audit.checkpoint_copies,
            record=lambda cp: integrity.record_checkpoint(self._conn, cp))
        files = [p for p in (audit.checkpoint_file, *audit.checkpoint_copies) if p is not None]
        problem = integrity.open_problem(self._conn, audit.key, files, audit.checkpoint_file)
        if problem:
            self._conn.close()
            raise integrity.refuse(problem)
        if audit.retention_days:
            self.apply_retention()
        if self._checkpointer is not None or audit.retention_days:
            self._thread = threading.Thread(target=self._maintain, name="audit-maintenance", daemon=True)
            self._thread.start()

    # --- schema -----------------------------------------------------------------------------------
    def _write(self, work: Callable[[], T]) -> T:
        """Run ``work`` in one BEGIN IMMEDIATE transaction (caller holds the lock); commit or roll back."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            result = work()
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        return result

    # --- writing ----------------------------------------------------------------------------------
    def append(self, turn: TurnRecord) -> int:
        """Store a turn and its chain record durably in one transaction; returns the turn's row id."""
        # The stored-text backstop: a long number no recognizer explained, in a message about cards, IDs or
        # passwords, is never written (the texts are already redacted; this catches what the recognizers missed).
        row = (turn.session_id, time.time(), turn.lang, mask_unexplained(turn.question), mask_unexplained(turn.answer),
               turn.answer_kind,
               json.dumps(list(turn.entities), ensure_ascii=False),
               json.dumps(list(turn.output_entities), ensure_ascii=False),
               json.dumps(list(turn.sources), ensure_ascii=False), turn.model_id, turn.guard_version,
               turn.grounding, turn.model_sha256, turn.escalation)

        def insert() -> tuple[int, chain.ChainRecord]:
            cur = self._conn.execute(
                "INSERT INTO turns (session_id, ts, lang, question, answer, answer_kind, entities, output_entities, "
                "sources, model_id, guard_version, grounding, model_sha256, escalation) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", row)
            turn_id = int(cur.lastrowid)
            insights_schema.insert_turn(self._conn, turn_id, turn.collection, turn.kiosk)
            return turn_id, chain.append_turn_event(self._conn, self._audit.key, turn_id)

        with self._lock:
            turn_id, record = self._write(insert)
            self._after_commit(chain.Head(record.seq, record.hash))
        return turn_id

    def record_kb_change(self, actor: str, change: "KbChange") -> chain.ChainRecord:
        """Chain one knowledge-base change (who, what, when, document sha256) durably; returns its record."""
        if not actor:
            raise ValueError("a knowledge-base change needs an actor")
        facts = {"actor": actor, **change.to_json()}

        with self._lock:
            record = self._write(lambda: chain.append_kb_event(self._conn, self._audit.key,
                                                               ts=change.time.timestamp(), facts=facts))
            self._after_commit(chain.Head(record.seq, record.hash))
        return record

    def record_staff_event(self, actor: str, action: str, subject: str, detail: str = "") -> chain.ChainRecord:
        """Chain one staff action (sign-in, account or role change, ticket claim, export) durably."""
        now = time.time()
        facts = {"actor": actor, "action": action, "subject": subject, "detail": detail,
                 "time": dt.datetime.fromtimestamp(now, dt.timezone.utc).isoformat()}
        with self._lock:
            record = self._write(lambda: chain.append_staff_event(self._conn, self._audit.key, ts=now, facts=facts))
            self._after_commit(chain.Head(record.seq, record.hash))
        return record

    def purge(self, before_ts: float) -> PurgeResult | None:
        """Delete turns and chain records older than ``before_ts``, as one signed purge event."""
        with self._lock:
            result = self._write(lambda: insights_schema.after_purge(
                self._conn, purge_before(self._conn, self._audit.key, before_ts, time.time())))
            if result is not None:
                self._after_commit(chain.Head(result.event.seq, result.event.hash), force=True)
        for hook in tuple(self.purge_hooks):  # e.g. the insights index drops what it derived from purged turns
            hook()
        if result is not None:
            log.info("audit purge: %d records (%d turns) through record %d", result.records, result.turns,
                     result.through_seq)
        return result

    def apply_retention(self, now: float | None = None) -> PurgeResult | None:
        """Purge what is older than ``retention_days`` (nothing when retention is off)."""
        if not self._audit.retention_days:
            return None
        return self.purge(cutoff(time.time() if now is None else now, self._audit.retention_days))

    def start_checkpoints(self) -> Checkpoint | None:
        """Write the genesis checkpoint (record 0) of an empty chain that has none, so the file exists from
        `edge-agent init` on and deleting it shows (None when there is nothing to start)."""
        if self._checkpointer is None:
            return None
        with self._lock:
            if chain.head(self._conn).seq or integrity.recorded_checkpoints(self._conn) \
                    or self._checkpointer.path.exists():
                return None
            return self._checkpointer.write(chain.Head(0, chain.GENESIS))

    def checkpoint(self) -> Checkpoint | None:
        """Write a checkpoint now if the chain moved since the last one (None without a checkpoint file)."""
        if self._checkpointer is None:
            return None
        with self._lock:
            return self._checkpointer.maybe_write(chain.head(self._conn), force=True)

    def _after_commit(self, head: chain.Head, *, force: bool = False) -> None:
        if self._checkpointer is None:
            return
        try:
            self._checkpointer.maybe_write(head, force=force)
        except (OSError, sqlite3.Error) as exc:  # the turn is committed; a late checkpoint is the lesser harm
            log.error("audit checkpoint not written: %s", type(exc).__name__)

    def _maintain(self) -> None:
        """Background: time-based checkpoints and hourly retention, until close()."""
        every = min(self._audit.checkpoint_every_s, RETENTION_EVERY_S)
        last_retention = time.monotonic()
        while not self._stop.wait(every):
            try:
                if self._checkpointer is not None:
                    with self._lock:
                        self._after_commit(chain.head(self._conn), force=True)
                if self._audit.retention_days and time.monotonic() - last_retention >= RETENTION_EVERY_S:
                    last_retention = time.monotonic()
                    self.apply_retention()
            except sqlite3.Error as exc:
                log.error("audit maintenance failed: %s", type(exc).__name__)

    def record_feedback(self, session_id: str, turn_id: int, vote: str, reason: str = "") -> bool:
        """Store (or change) the customer's 👍/👎 on one of their own session's turns; False if it is not theirs."""
        with self._lock:
            return self._write(lambda: insights_schema.set_feedback(self._conn, session_id, turn_id, vote, reason,
                                                                    time.time()))

    # --- reading ----------------------------------------------------------------------------------
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

    def head(self) -> chain.Head:
        """The newest chain record."""
        with self._lock:
            return chain.head(self._conn)

    def records(self) -> Iterator[chain.ChainRecord]:
        """Every chain record, oldest first (a snapshot)."""
        with self._lock:
            rows = self._conn.execute(f"{chain.SELECT_RECORDS} ORDER BY seq").fetchall()
        return (chain.ChainRecord(*r) for r in rows)

    def close(self) -> None:
        """Stop maintenance, write a final checkpoint, close the connection."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        with self._lock:
            if self._checkpointer is not None:
                try:
                    self._checkpointer.maybe_write(chain.head(self._conn), force=True)
                except (OSError, sqlite3.Error) as exc:
                    log.error("audit checkpoint not written at close: %s", type(exc).__name__)
            self._conn.close()


def _read_only(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(db_path), isolation_level=None)  # read only; any other error propagates
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def check_schema(db_path: Path) -> None:
    """Refuse (AuditIntegrityError) a database whose turns lack their audit table or whose schema version was
    set back below it: migrating it would sign whatever it holds."""
    if not db_path.is_file():
        return
    conn = _read_only(db_path)
    try:
        problem = integrity.schema_problem(conn, AUDIT_SCHEMA_VERSION)
    finally:
        conn.close()
    if problem:
        raise integrity.refuse(problem)


def precheck(db_path: Path, key: bytes, checkpoint_file: Path) -> None:
    """Read-only: the start-up checks of ConversationStore, without migrating (AuditIntegrityError)."""
    check_schema(db_path)
    if not db_path.is_file():
        return
    conn = _read_only(db_path)
    try:
        if "audit_log" not in integrity.tables(conn):
            return
        problem = integrity.open_problem(conn, key, [checkpoint_file], checkpoint_file)
    finally:
        conn.close()
    if problem:
        raise integrity.refuse(problem)


def chained_records(db_path: Path) -> int:
    """How many audit records and turns a database holds (0 when it or its tables do not exist)."""
    if not db_path.is_file():
        return 0
    conn = _read_only(db_path)
    try:
        found = integrity.tables(conn)
        return sum(int(conn.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0])
                   for name in ("audit_log", "turns") if name in found)
    finally:
        conn.close()


def audit_options(settings: Settings, *, create_key: bool) -> AuditOptions:
    """The audit options of ``settings``; creates the key only when asked and the chain is empty."""
    path = key_path(settings)
    if not path.exists():
        existing = chained_records(settings.db_path)
        if existing:
            raise AuditKeyError(f"audit key file {path} is missing but the conversation store holds {existing} "
                                "records and turns: restore the key that signed them (a new key cannot verify "
                                "them, and edge-agent never signs existing turns)")
        if checkpoint_path(settings).exists():
            raise AuditKeyError(f"audit key file {path} is missing but the checkpoint file "
                                f"{checkpoint_path(settings)} exists: restore the key that signed it")
        if not create_key:
            raise AuditKeyError(f"audit key file {path} is missing: run `edge-agent init` to create it "
                                "(or set EDGE_AUDIT_KEY_AUTOCREATE=true on a development machine)")
    key = obtain_key(path, create=create_key)
    precheck(settings.db_path, key.key, checkpoint_path(settings))  # fail fast, before any model loads
    if key.created:
        log.warning("created audit key %s (mode 0600); keep a copy where the auditor can reach it", path)
    copy = checkpoint_copy_path(settings)
    return AuditOptions(key=key.key, checkpoint_file=checkpoint_path(settings),
                        checkpoint_copies=(copy,) if copy is not None else (),
                        checkpoint_every_records=settings.checkpoint_every_records,
                        checkpoint_every_s=settings.checkpoint_every_s, retention_days=settings.retention_days)


def open_store(settings: Settings, *, create_key: bool = False, model_sha256: str = "") -> ConversationStore:
    """The conversation store of ``settings`` with its audit key, checkpoints and retention."""
    return ConversationStore(settings.db_path, audit_options(settings, create_key=create_key),
                             model_sha256=model_sha256)
