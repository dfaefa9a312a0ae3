"""The audit chain's record format: canonical bytes, HMAC-SHA256 links, and appending inside a transaction.

Every event (a stored turn, a purge, a knowledge-base change) is one row of ``audit_log``. A row carries
the previous row's hash and its own hash, which is HMAC-SHA256(key, canonical(version, seq, ts, kind, ref,
prev, data)). Without the key nobody can produce a valid hash, so editing, inserting, deleting, reordering
or re-hashing rows breaks the chain at the first touched row. A turn event's ``data`` holds the sha256 of
the turn row (every column in ``TURN_FIELDS``), so the turn text itself is covered too. A ``kb`` event
holds all its facts in ``data`` (actor, action, document id, chunks, document sha256, time), so the HMAC
covers them directly.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

GENESIS = "0" * 64  # the "previous hash" of the first record ever written
RECORD_DOMAIN = "edge-agent/audit/record/v1"
TURN_DOMAIN = "edge-agent/audit/turn/v1"

# The turn columns a turn event covers, in digest order. A new column must be added here (and every
# existing row stays verifiable only if the new column is appended with a constant default: see
# ``turn_digest``, which reads the row by name).
TURN_FIELDS: tuple[str, ...] = (
    "id", "session_id", "ts", "lang", "question", "answer", "answer_kind", "entities", "output_entities",
    "sources", "model_id", "model_sha256", "guard_version", "grounding", "escalation",
)

KIND_TURN = "turn"
KIND_PURGE = "purge"
KIND_KB = "kb"  # a knowledge-base change: who added, replaced or removed which document
KIND_STAFF = "staff"  # what staff did with their rights: sign-ins, account and role changes, claims, exports
KINDS: tuple[str, ...] = (KIND_TURN, KIND_PURGE, KIND_KB, KIND_STAFF)
KB_ACTIONS: tuple[str, ...] = ("add", "replace", "remove", "phrasings")  # phrasings: staff added questions
KB_FIELDS: tuple[str, ...] = ("actor", "action", "doc_id", "chunks", "sha256", "time")  # a kb event's data
STAFF_FIELDS: tuple[str, ...] = ("actor", "action", "subject", "detail", "time")  # a staff event's data
STAFF_ACTIONS: tuple[str, ...] = ("sign_in", "user_add", "user_remove", "role_change", "password_change",
                                  "ticket_claim", "export")
KB_CHUNKS = "chunk_sha256"  # and, for add/replace since issue 12 (Medium 9): entry id -> sha256 of each entry

SCHEMA: tuple[str, ...] = (
    """CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,         -- 1, 2, 3… never reused; purges delete a prefix
        ts REAL NOT NULL,
        kind TEXT NOT NULL,              -- turn | purge
        ref_id INTEGER,                  -- turns.id for a turn event
        data TEXT NOT NULL,              -- canonical JSON: {"row": sha256} or the purge's facts
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL               -- HMAC-SHA256 over (prev_hash, record)
    )""",
    "CREATE INDEX audit_log_ref ON audit_log(kind, ref_id)",
    "CREATE INDEX audit_log_ts ON audit_log(ts)",
)

SELECT_RECORDS = "SELECT seq, ts, kind, ref_id, data, prev_hash, hash FROM audit_log"


@dataclass(frozen=True)
class ChainRecord:
    """One row of the audit log."""

    seq: int
    ts: float
    kind: str
    ref_id: int | None
    data: str
    prev_hash: str
    hash: str

    def payload(self) -> dict[str, Any]:
        """``data`` parsed (raises ValueError when it is not a JSON object)."""
        value = json.loads(self.data)
        if not isinstance(value, dict):
            raise ValueError("audit record data is not a JSON object")
        return value


@dataclass(frozen=True)
class Head:
    """The newest record's sequence number and hash (seq 0 and GENESIS for an empty chain)."""

    seq: int
    hash: str


def canonical(value: Any) -> bytes:
    """Deterministic JSON bytes: sorted keys, no spaces, ASCII only (so every string encodes)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False).encode("ascii")


def record_hash(key: bytes, seq: int, ts: float, kind: str, ref_id: int | None, prev_hash: str, data: str) -> str:
    """HMAC-SHA256 (hex) of one record, its predecessor's hash included."""
    message = canonical([RECORD_DOMAIN, seq, ts, kind, ref_id, prev_hash, data])
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def same_digest(expected: str, stored: object) -> bool:
    """Constant-time equality of a computed hex digest and a stored value (False for non-text values)."""
    if not isinstance(stored, str):
        return False
    return hmac.compare_digest(expected.encode("utf-8"), stored.encode("utf-8", "surrogatepass"))


def record_is_authentic(key: bytes, record: ChainRecord) -> bool:
    """Whether the record's stored hash is the HMAC of its contents (constant-time comparison)."""
    try:
        expected = record_hash(key, record.seq, record.ts, record.kind, record.ref_id, record.prev_hash,
                               record.data)
    except (TypeError, ValueError):  # a column holds something that cannot be encoded (e.g. NaN)
        return False
    return same_digest(expected, record.hash)


def turn_digest(row: Mapping[str, Any] | Sequence[Any]) -> str:
    """sha256 (hex) of a turn row's TURN_FIELDS, given as a mapping or a sequence in that order."""
    values = [row[name] for name in TURN_FIELDS] if isinstance(row, Mapping) else list(row)
    return hashlib.sha256(canonical([TURN_DOMAIN, *values])).hexdigest()


def select_turn_row(conn: sqlite3.Connection, turn_id: int) -> tuple | None:
    """A turn row's TURN_FIELDS values, or None when there is no such row."""
    return conn.execute(f"SELECT {', '.join(TURN_FIELDS)} FROM turns WHERE id = ?", (turn_id,)).fetchone()


def head(conn: sqlite3.Connection) -> Head:
    """The newest record (call inside the write transaction when appending)."""
    row = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return Head(int(row[0]), str(row[1])) if row else Head(0, GENESIS)


def append_event(conn: sqlite3.Connection, key: bytes, *, kind: str, ts: float, data: Mapping[str, Any],
                 ref_id: int | None = None, after: Head | None = None) -> ChainRecord:
    """Append one signed record after ``after`` (default: the current head). The caller holds a write txn."""
    if kind not in KINDS:
        raise ValueError(f"unknown audit event kind: {kind}")
    last = after or head(conn)
    text = canonical(dict(data)).decode("ascii")
    seq = last.seq + 1
    digest = record_hash(key, seq, ts, kind, ref_id, last.hash, text)
    conn.execute("INSERT INTO audit_log (seq, ts, kind, ref_id, data, prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
                 (seq, ts, kind, ref_id, text, last.hash, digest))
    return ChainRecord(seq, ts, kind, ref_id, text, last.hash, digest)


def append_turn_event(conn: sqlite3.Connection, key: bytes, turn_id: int) -> ChainRecord:
    """Chain the (just inserted) turn row ``turn_id``. The caller holds a write transaction."""
    row = select_turn_row(conn, turn_id)
    if row is None:
        raise LookupError(f"turn {turn_id} does not exist")
    ts = float(row[TURN_FIELDS.index("ts")])
    return append_event(conn, key, kind=KIND_TURN, ts=ts, ref_id=turn_id, data={"row": turn_digest(row)})


def append_kb_event(conn: sqlite3.Connection, key: bytes, *, ts: float, facts: Mapping[str, Any]) -> ChainRecord:
    """Chain one knowledge-base change (``facts`` holds KB_FIELDS, and KB_CHUNKS for stored entries). The caller
    holds a write transaction."""
    if set(facts) - {KB_CHUNKS} != set(KB_FIELDS) or facts["action"] not in KB_ACTIONS:
        raise ValueError("a kb event needs exactly the fields " + ", ".join(KB_FIELDS) + f" (and {KB_CHUNKS})")
    return append_event(conn, key, kind=KIND_KB, ts=ts, data=facts)


def append_staff_event(conn: sqlite3.Connection, key: bytes, *, ts: float, facts: Mapping[str, Any]) -> ChainRecord:
    """Chain one staff action (``facts`` holds exactly STAFF_FIELDS, all strings). The caller holds a write
    transaction."""
    if (set(facts) != set(STAFF_FIELDS) or facts["action"] not in STAFF_ACTIONS
            or not all(isinstance(facts[f], str) for f in STAFF_FIELDS) or not facts["actor"]):
        raise ValueError("a staff event needs exactly the string fields " + ", ".join(STAFF_FIELDS))
    return append_event(conn, key, kind=KIND_STAFF, ts=ts, data=facts)
