"""1,000 random tamperings of each kind against a chain that has been purged twice and checkpointed, with
knowledge-base change events among the turns: every one must be detected. Each trial tampers with an
in-memory copy of the same database."""
from __future__ import annotations

import hashlib
import random
import re
import sqlite3
import string
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pytest

from edge_agent.audit import chain
from edge_agent.audit.checkpoints import read_checkpoints
from edge_agent.audit.verify import Problem, verify_chain
from edge_agent.knowledge.ingest import KbChange
from tests.edge_agent.audit.helpers import KEY, connect, open_store, turn

TRIALS = 1000
TURN_TEXT = [c for c in chain.TURN_FIELDS if c not in ("id", "ts")]
LOG_TEXT = ["kind", "data", "prev_hash", "hash"]
LOG_COLUMNS = ["ts", "kind", "ref_id", "data", "prev_hash", "hash"]
TURN_COLUMNS = [c for c in chain.TURN_FIELDS if c != "id"]
ALPHABET = string.ascii_letters + string.digits + "{}[]\":,<>_ 的卡号"
KB_EVERY = 6  # after the second purge, every 6th event is a knowledge-base change instead of a turn


def kb_change(i: int) -> KbChange:
    """A knowledge-base change whose facts differ with ``i``."""
    return KbChange(("add", "replace", "remove")[i % 3], f"bank/挂失-{i}.md", i % 7 + 1,
                    hashlib.sha256(str(i).encode()).hexdigest(), datetime.now(timezone.utc))


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[sqlite3.Connection, list]:
    """80 records ever written; 1..15 purged in two purges; signed checkpoints every 10 and at the head."""
    tmp: Path = tmp_path_factory.mktemp("tamper")
    store = open_store(tmp, checkpoint_every_records=10)
    for i in range(30):
        store.append(turn(i, session=f"tamper-session-{i % 4}"))
    store.purge(next(r.ts for r in store.records() if r.seq == 11))   # purge event at seq 31, through 10
    for i in range(30, 60):
        if i == 45:
            store.record_kb_change("admin1", kb_change(i))
        else:
            store.append(turn(i))
    store.purge(next(r.ts for r in store.records() if r.seq == 16))   # seq 62, through 15
    for i in range(60, 78):
        if i % KB_EVERY == 0:
            store.record_kb_change("cli:operator" if i % 2 else "admin1", kb_change(i))
        else:
            store.append(turn(i))
    store.close()
    conn = connect(tmp / "store.sqlite3")
    checkpoints = [cp for _, cp in read_checkpoints(tmp / "checkpoints.jsonl").checkpoints]
    assert max(cp.seq for cp in checkpoints) == 80
    report = verify_chain(conn, KEY, checkpoints)
    assert report.ok and (report.first_seq, report.head_seq, report.purges) == (16, 80, 2), report.summary()
    assert report.kb_changes == 4, report.summary()
    return conn, checkpoints


def copy_of(conn: sqlite3.Connection) -> sqlite3.Connection:
    mem = sqlite3.connect(":memory:", isolation_level=None)
    conn.backup(mem)
    return mem


def ids(db: sqlite3.Connection, table: str) -> list[int]:
    key = "seq" if table == "audit_log" else "id"
    return [r[0] for r in db.execute(f"SELECT {key} FROM {table} ORDER BY {key}")]


# --- the tamperings: each changes the database and returns where the break must be named (or None) ------
def edit_text(db: sqlite3.Connection, rng: random.Random) -> int | None:
    """Change one character of one text value in a turn or an audit record."""
    table = rng.choice(["turns", "audit_log"])
    key, columns = ("id", TURN_TEXT) if table == "turns" else ("seq", LOG_TEXT)
    while True:
        row, column = rng.choice(ids(db, table)), rng.choice(columns)
        text = db.execute(f"SELECT {column} FROM {table} WHERE {key} = ?", (row,)).fetchone()[0]
        if text:
            break
    at = rng.randrange(len(text))
    char = rng.choice([c for c in ALPHABET if c != text[at]])
    db.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", (text[:at] + char + text[at + 1:], row))
    return None


def delete_row(db: sqlite3.Connection, rng: random.Random) -> int | None:
    """Delete one turn or one audit record."""
    table = rng.choice(["turns", "audit_log"])
    row = rng.choice(ids(db, table))
    db.execute(f"DELETE FROM {table} WHERE {'seq' if table == 'audit_log' else 'id'} = ?", (row,))
    return None


def insert_row(db: sqlite3.Connection, rng: random.Random) -> int | None:
    """Insert a made-up turn, or a record forged with a guessed key (appended, in the middle, or in the
    purged range)."""
    if rng.random() < 0.5:
        existing = ids(db, "turns")
        new_id = rng.choice([max(existing) + 1, rng.randrange(1, min(existing))])
        source = rng.choice(existing)
        cols = ", ".join(TURN_COLUMNS)
        db.execute(f"INSERT INTO turns (id, {cols}) SELECT ?, {cols} FROM turns WHERE id = ?", (new_id, source))
        db.execute("UPDATE turns SET question = question || ' (added)' WHERE id = ?", (new_id,))
        return None
    seqs = ids(db, "audit_log")
    where = rng.choice(["end", "middle", "purged"])
    if where == "end":
        seq, prev = seqs[-1] + 1, db.execute("SELECT hash FROM audit_log WHERE seq = ?", (seqs[-1],)).fetchone()[0]
    elif where == "middle":
        seq = rng.choice(seqs[1:])
        prev = db.execute("SELECT prev_hash FROM audit_log WHERE seq = ?", (seq,)).fetchone()[0]
        db.execute("UPDATE audit_log SET seq = -(seq + 1) WHERE seq >= ?", (seq,))  # make room, keep order
        db.execute("UPDATE audit_log SET seq = -seq WHERE seq < 0")
    else:
        seq, prev = rng.randrange(1, seqs[0]), chain.GENESIS
    ts = 1.7e9 + rng.random()
    if rng.random() < 0.5:  # a forged turn record
        kind, ref = "turn", 10_000
        data = chain.canonical({"row": hashlib.sha256(str(rng.random()).encode()).hexdigest()}).decode()
    else:  # a forged knowledge-base change
        kind, ref = "kb", None
        data = chain.canonical({"actor": "admin1", **kb_change(rng.randrange(100)).to_json()}).decode()
    forged = chain.record_hash(rng.randbytes(32), seq, ts, kind, ref, prev, data)
    db.execute("INSERT INTO audit_log VALUES (?,?,?,?,?,?,?)", (seq, ts, kind, ref, data, prev, forged))
    return seq if where != "purged" else None


def swap_rows(db: sqlite3.Connection, rng: random.Random) -> int | None:
    """Swap the contents of two turns, or of two audit records (each keeps its id / seq)."""
    table = rng.choice(["turns", "audit_log"])
    key, columns = ("id", TURN_COLUMNS) if table == "turns" else ("seq", LOG_COLUMNS)
    a, b = rng.sample(ids(db, table), 2)
    cols = ", ".join(columns)
    row_a = db.execute(f"SELECT {cols} FROM {table} WHERE {key} = ?", (a,)).fetchone()
    row_b = db.execute(f"SELECT {cols} FROM {table} WHERE {key} = ?", (b,)).fetchone()
    assignments = ", ".join(f"{c} = ?" for c in columns)
    db.execute(f"UPDATE {table} SET {assignments} WHERE {key} = ?", (*row_b, a))
    db.execute(f"UPDATE {table} SET {assignments} WHERE {key} = ?", (*row_a, b))
    return min(a, b) if table == "audit_log" else None


def recompute_without_key(db: sqlite3.Connection, rng: random.Random) -> int | None:
    """Edit a turn, then re-hash the chain from its record to the head with a guessed key or plain sha256."""
    records = [chain.ChainRecord(*r) for r in db.execute(f"{chain.SELECT_RECORDS} ORDER BY seq")]
    start = rng.randrange(len(records))
    turns = [r for r in records[start:] if r.kind == "turn"]
    if turns:
        db.execute("UPDATE turns SET answer = 'Nothing to see here.' WHERE id = ?", (rng.choice(turns).ref_id,))
    guess = rng.randbytes(32)
    plain = rng.random() < 0.3
    prev = records[start].prev_hash
    for r in records[start:]:
        data = r.data
        if r.kind == "turn":
            data = chain.canonical({"row": chain.turn_digest(chain.select_turn_row(db, r.ref_id))}).decode()
        if plain:
            digest = hashlib.sha256(chain.canonical([r.seq, r.ts, r.kind, r.ref_id, prev, data])).hexdigest()
        else:
            digest = chain.record_hash(guess, r.seq, r.ts, r.kind, r.ref_id, prev, data)
        db.execute("UPDATE audit_log SET data = ?, prev_hash = ?, hash = ? WHERE seq = ?", (data, prev, digest, r.seq))
        prev = digest
    return records[start].seq


def truncate_tail(db: sqlite3.Connection, rng: random.Random) -> int | None:
    """Delete the newest 1-10 records and their turns."""
    seqs = ids(db, "audit_log")
    first_gone = seqs[-rng.randint(1, 10)]
    db.execute("DELETE FROM turns WHERE id IN (SELECT ref_id FROM audit_log WHERE kind = 'turn' AND seq >= ?)",
               (first_gone,))
    db.execute("DELETE FROM audit_log WHERE seq >= ?", (first_gone,))
    return first_gone


TAMPERINGS: dict[str, Callable[[sqlite3.Connection, random.Random], int | None]] = {
    "edit_text": edit_text, "delete_row": delete_row, "insert_row": insert_row, "swap_rows": swap_rows,
    "recompute_without_key": recompute_without_key, "truncate_tail": truncate_tail,
}


@pytest.mark.parametrize("kind", list(TAMPERINGS))
def test_every_tampering_is_detected(base, kind):
    conn, checkpoints = base
    rng = random.Random(f"audit-{kind}")
    missed: list[int] = []
    misplaced: list[tuple[int, int, Problem]] = []
    reasons: Counter[str] = Counter()
    for trial in range(TRIALS):
        db = copy_of(conn)
        expected_seq = TAMPERINGS[kind](db, rng)
        report = verify_chain(db, KEY, checkpoints)
        db.close()
        if report.ok:
            missed.append(trial)
            continue
        reasons[re.sub(r"\d+", "N", report.problem.reason.split(" (")[0].split(":")[0])] += 1
        if expected_seq is not None and report.problem.seq != expected_seq:
            misplaced.append((trial, expected_seq, report.problem))
    print(f"\n{kind}: detected {TRIALS - len(missed)}/{TRIALS}; reasons {dict(reasons)}")
    assert missed == [], f"{kind}: {len(missed)} of {TRIALS} tamperings went unnoticed (trials {missed[:10]})"
    assert misplaced == [], f"{kind}: the first broken record was misnamed: {misplaced[:3]}"


def test_the_untouched_copy_verifies(base):
    conn, checkpoints = base
    assert verify_chain(copy_of(conn), KEY, checkpoints).ok
