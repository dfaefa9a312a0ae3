"""Start-up checks: the store refuses to open an audit trail that does not match its turns or checkpoints.

edge-agent never signs existing history on its own: a key holder who starts the service must not be
tricked into laundering an edit (drop the audit table, set the schema version back, and let a migration
re-sign everything). So before migrating, and again once open, the store looks for turns without a chain,
audit tables a lower schema version says cannot exist, checkpoints the chain no longer reaches or
contradicts, and a checkpoint file that lost checkpoints the database recorded. Any of these stops
`serve` and `init` with the reason; `edge-agent audit verify` names the first broken record.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Iterable, Sequence

from edge_agent.audit.chain import KIND_PURGE, KIND_TURN, Head, head, same_digest
from edge_agent.audit.checkpoints import Checkpoint, is_authentic, read_checkpoints
from edge_agent.errors import EdgeError

RECORDED_TABLE = "audit_checkpoints"
RECORDED_SCHEMA = (f"CREATE TABLE {RECORDED_TABLE} (seq INTEGER NOT NULL, head TEXT NOT NULL, ts REAL NOT NULL, "
                   "mac TEXT NOT NULL)")
ADVICE = ("edge-agent never re-signs history: run `edge-agent audit verify` (with the auditor's off-box copy: "
          "--checkpoint FILE) and restore the data directory from a backup")


class AuditIntegrityError(EdgeError):
    """The audit trail on disk does not match its turns or checkpoints: the service will not start on it."""

    code = "audit_integrity"
    default_message = "The audit trail does not match its checkpoints."


def _when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


def tables(conn: sqlite3.Connection) -> set[str]:
    """Names of the tables in a database."""
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def schema_problem(conn: sqlite3.Connection, audit_version: int) -> str | None:
    """Before migrating: turns without an audit table, or a schema version set back below the audit tables."""
    found = tables(conn)
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    turns = int(conn.execute("SELECT COUNT(*) FROM turns").fetchone()[0]) if "turns" in found else 0
    if turns and "audit_log" not in found:
        return (f"{turns} turns are stored without their audit table (dropped, or the schema version set back "
                f"to {version}); they will not be signed now")
    if version < audit_version and found & {"audit_log", RECORDED_TABLE}:
        return f"the schema version was set back to {version} although the audit tables exist"
    if version >= audit_version and "audit_log" not in found:
        return "the audit table is missing (dropped)"
    return None


def recorded_checkpoints(conn: sqlite3.Connection) -> list[Checkpoint]:
    """The checkpoints the database recorded as they were written (none before that table existed)."""
    if RECORDED_TABLE not in tables(conn):
        return []
    rows = conn.execute(f"SELECT seq, head, ts, mac FROM {RECORDED_TABLE} ORDER BY rowid").fetchall()
    return [Checkpoint(int(s), str(h), float(t), str(m)) for s, h, t, m in rows]


def record_checkpoint(conn: sqlite3.Connection, cp: Checkpoint) -> None:
    """Remember a checkpoint in the database (autocommit), so a shrunken checkpoint file shows."""
    conn.execute(f"INSERT INTO {RECORDED_TABLE} (seq, head, ts, mac) VALUES (?,?,?,?)",
                 (cp.seq, cp.head, cp.ts, cp.mac))


def missing_from_file(path: Path, recorded: Sequence[Checkpoint]) -> str | None:
    """Whether the checkpoint file lacks any checkpoint the database recorded (read after the database)."""
    if not recorded:
        return None
    found = read_checkpoints(path)
    if not found.exists:
        return (f"the checkpoint file {path} is missing, but the database recorded {len(recorded)} "
                "checkpoints (deleted?)")
    have = {(cp.seq, cp.mac) for _, cp in found.checkpoints}
    lost = [cp for cp in recorded if (cp.seq, cp.mac) not in have]
    if lost:
        return (f"the checkpoint file {path} holds {len(found.checkpoints)} checkpoints but lacks {len(lost)} "
                f"the database recorded (the newest lost: record {lost[-1].seq} at {_when(lost[-1].ts)}; "
                "file shrunk or replaced)")
    return None


def purged_through(conn: sqlite3.Connection) -> int:
    """The newest purge's ``through_seq`` (0 when nothing was purged or it cannot be read)."""
    row = conn.execute("SELECT data FROM audit_log WHERE kind = ? ORDER BY seq DESC LIMIT 1",
                       (KIND_PURGE,)).fetchone()
    try:
        through = json.loads(row[0])["through_seq"] if row else 0
    except (ValueError, KeyError, TypeError):
        return 0
    return through if type(through) is int else 0


def checkpoint_problem(conn: sqlite3.Connection, checkpoints: Iterable[Checkpoint],
                       last: Head | None = None) -> str | None:
    """The first (authentic) checkpoint the chain no longer reaches or contradicts."""
    last = last or head(conn)
    through = purged_through(conn)
    for cp in sorted(checkpoints, key=lambda c: c.seq, reverse=True):
        if cp.seq > last.seq:
            return (f"the checkpoint of {_when(cp.ts)} saw the chain reach record {cp.seq}, but it ends at record "
                    f"{last.seq} (newest records deleted)")
        if cp.seq == 0:
            continue
        row = conn.execute("SELECT hash FROM audit_log WHERE seq = ?", (cp.seq,)).fetchone()
        if row is None and cp.seq > through:
            return f"record {cp.seq}, seen by the checkpoint of {_when(cp.ts)}, is missing (deleted)"
        if row is not None and not same_digest(cp.head, row[0]):
            return f"record {cp.seq} differs from the checkpoint of {_when(cp.ts)} (chain rewritten)"
    return None


def orphan_problem(conn: sqlite3.Connection) -> str | None:
    """Turns that no audit record covers."""
    row = conn.execute("SELECT MIN(id), COUNT(*) FROM turns WHERE id NOT IN (SELECT ref_id FROM audit_log "
                       "WHERE kind = ? AND ref_id IS NOT NULL)", (KIND_TURN,)).fetchone()
    if not row or not row[1]:
        return None
    return f"{row[1]} turns have no audit record (the first: turn {row[0]})"


def open_problem(conn: sqlite3.Connection, key: bytes, checkpoint_files: Sequence[Path],
                 own_file: Path | None) -> str | None:
    """Once open: orphan turns, checkpoints (files and recorded) the chain does not match, a shrunken file."""
    files = [read_checkpoints(p) for p in checkpoint_files]  # before the database: files only grow
    problem = orphan_problem(conn)
    if problem:
        return problem
    recorded = recorded_checkpoints(conn)
    every = [cp for f in files for _, cp in f.checkpoints] + recorded
    problem = checkpoint_problem(conn, [cp for cp in every if is_authentic(key, cp)])
    if problem:
        return problem
    return missing_from_file(own_file, recorded) if own_file is not None else None


def refuse(problem: str) -> AuditIntegrityError:
    """The error that stops `serve` and `init`."""
    return AuditIntegrityError(f"refusing to open the audit trail: {problem}. {ADVICE}.")
