"""The chain on a real SQLite store: every turn chained in the same transaction, every column covered,
consistent under threads and processes; turns found without a chain are refused, never signed."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading

import pytest

from edge_agent.audit import chain
from edge_agent.audit.integrity import AuditIntegrityError
from edge_agent.conversations import MIGRATIONS
from tests.conftest import ROOT
from tests.edge_agent.audit.helpers import MODEL_SHA, connect, open_store, turn, verify_dir


def test_turns_are_chained_and_verify(tmp_path):
    store = open_store(tmp_path)
    ids = [store.append(turn(i)) for i in range(12)]
    assert store.head().seq == 12
    row = store.turns("audit-session-01")[0]
    assert (row["model_sha256"], row["escalation"]) == (MODEL_SHA, "none")
    records = list(store.records())
    assert [r.ref_id for r in records] == ids and records[0].prev_hash == chain.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(records, records[1:]))
    store.close()
    report = verify_dir(tmp_path)
    assert report.ok and (report.records, report.turns, report.head_seq) == (12, 12, 12)
    assert "\n" not in report.summary()
    assert report.summary().startswith("audit chain intact: 12 records (1..12; 12 turns, 0 purges)")


def test_schema_is_migrated_to_the_latest_version(tmp_path):
    open_store(tmp_path).close()
    conn = connect(tmp_path / "store.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    columns = [r[1] for r in conn.execute("PRAGMA table_info(turns)")]
    assert set(chain.TURN_FIELDS) == set(columns)  # the digest covers every column of a turn


def test_wrong_key_fails_at_the_first_record(tmp_path):
    store = open_store(tmp_path)
    for i in range(3):
        store.append(turn(i))
    store.close()
    report = verify_dir(tmp_path, key=b"x" * 32)
    assert not report.ok and report.problem.seq == 1 and "signature" in report.problem.reason


def test_a_failed_chain_write_stores_no_turn(tmp_path, monkeypatch):
    store = open_store(tmp_path)
    store.append(turn(0))

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(chain, "append_turn_event", broken)
    with pytest.raises(sqlite3.OperationalError):
        store.append(turn(1))
    monkeypatch.undo()
    assert store.count() == 1 and store.head().seq == 1  # the turn row was rolled back with its record
    store.append(turn(2))
    store.close()
    assert verify_dir(tmp_path).ok


@pytest.mark.parametrize("column, value", [(c, None) for c in chain.TURN_FIELDS if c != "id"] + [
    ("ts", "+1e-6"),  # a timestamp nudged by a microsecond
])
def test_every_turn_column_is_covered(tmp_path, column, value):
    store = open_store(tmp_path)
    ids = [store.append(turn(i)) for i in range(4)]
    store.close()
    conn = connect(tmp_path / "store.sqlite3")
    if value is None:
        conn.execute(f"UPDATE turns SET {column} = {column} || 'x' WHERE id = ?", (ids[2],))
    else:
        conn.execute(f"UPDATE turns SET ts = ts {value} WHERE id = ?", (ids[2],))
    conn.close()
    report = verify_dir(tmp_path)
    assert not report.ok and (report.problem.seq, report.problem.turn_id) == (3, ids[2]), report.summary()
    assert "edited" in report.problem.reason


def test_threads_keep_one_chain(tmp_path):
    store = open_store(tmp_path, checkpoint_every_records=7)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(40):
                store.append(turn(n * 100 + i, session=f"thread-session-{n}"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.close()
    assert errors == []
    report = verify_dir(tmp_path)
    assert report.ok and report.turns == 320 and report.head_seq == 320, report.summary()


WRITER = """
import sys
from pathlib import Path
from tests.edge_agent.audit.helpers import open_store, turn
store = open_store(Path(sys.argv[1]))
for i in range(60):
    store.append(turn(i, session="process-session-" + sys.argv[2]))
store.close()
"""


def test_processes_keep_one_chain(tmp_path):
    open_store(tmp_path).close()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(n)], cwd=ROOT) for n in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    report = verify_dir(tmp_path)
    assert report.ok and report.turns == 180, report.summary()


def test_turns_stored_before_the_chain_existed_are_never_signed_automatically(tmp_path):
    db = tmp_path / "store.sqlite3"
    conn = connect(db)
    for statement in MIGRATIONS[:2]:  # the schema as it was before the audit trail
        conn.execute(statement)
    conn.execute("PRAGMA user_version=2")
    for i in range(3):
        conn.execute("INSERT INTO turns (session_id, ts, lang, question, answer, answer_kind, entities, "
                     "output_entities, sources, model_id, guard_version, grounding) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                     ("old-session-001", 1000.0 + i, "en", f"q{i}", "a", "quoted", "[]", "[]", "[]", "m", "g", "r"))
    conn.close()
    with pytest.raises(AuditIntegrityError, match="3 turns are stored without their audit table"):
        open_store(tmp_path)
    conn = connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2  # not migrated, nothing signed
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'audit_log'").fetchone() is None


def test_an_emptied_audit_log_is_not_silently_rebuilt(tmp_path):
    store = open_store(tmp_path, checkpoint_file=None)
    for i in range(3):
        store.append(turn(i))
    store.close()
    connect(tmp_path / "store.sqlite3").execute("DELETE FROM audit_log")
    with pytest.raises(AuditIntegrityError, match="3 turns have no audit record"):
        open_store(tmp_path, checkpoint_file=None)  # a restart refuses what it finds instead of re-chaining
    report = verify_dir(tmp_path)
    assert not report.ok and report.problem.turn_id == 1 and "no audit record" in report.problem.reason
