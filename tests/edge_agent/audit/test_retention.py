"""Retention purges are chained events that re-anchor the chain: verify passes after them, and a deletion
that pretends to be a purge does not."""
from __future__ import annotations

import json
import time

from edge_agent.audit.chain import KIND_PURGE, append_event
from edge_agent.conversations import ConversationStore
from tests.edge_agent.audit.helpers import connect, open_store, turn, verify_dir


def ts_of(store: ConversationStore, seq: int) -> float:
    return next(r.ts for r in store.records() if r.seq == seq)


def test_purge_re_anchors_and_verifies(tmp_path):
    store = open_store(tmp_path, checkpoint_every_records=3)
    for i in range(10):
        store.append(turn(i))
    result = store.purge(ts_of(store, 5))  # records 1..4 are older
    assert (result.through_seq, result.records, result.turns, result.event.seq) == (4, 4, 4, 11)
    data = json.loads(result.event.data)
    assert data["through_seq"] == 4 and data["through_hash"] == next(store.records()).prev_hash
    assert store.count() == 6
    store.append(turn(11))
    store.close()
    report = verify_dir(tmp_path)
    assert report.ok, report.summary()
    assert (report.first_seq, report.head_seq, report.purges, report.purged_through) == (5, 12, 1, 4)
    assert "(5..12, 1..4 purged by retention; 7 turns, 1 purge)" in report.summary()


def test_repeated_purges_and_purging_everything(tmp_path):
    store = open_store(tmp_path)
    for i in range(6):
        store.append(turn(i))
    store.purge(ts_of(store, 3))                  # 1..2
    for i in range(6, 9):
        store.append(turn(i))
    store.purge(ts_of(store, 8))                  # 3..7, including the first purge event (seq 7)
    assert verify_dir(tmp_path).ok
    assert store.purge(0.0) is None               # nothing older: no event
    everything = store.purge(time.time() + 1)     # the whole chain, the last purge event included
    assert store.count() == 0 and [r.seq for r in store.records()] == [everything.event.seq]
    store.append(turn(20))
    store.close()
    report = verify_dir(tmp_path)
    assert report.ok and report.turns == 1, report.summary()


def test_retention_days_applies_on_open_and_on_request(tmp_path):
    store = open_store(tmp_path, retention_days=30)
    for i in range(3):
        store.append(turn(i))
    assert store.apply_retention() is None                       # nothing is 30 days old yet
    month_later = time.time() + 31 * 86_400
    assert store.apply_retention(now=month_later).turns == 3
    store.close()
    assert verify_dir(tmp_path).ok


def test_deleting_old_records_without_a_purge_is_detected(tmp_path):
    store = open_store(tmp_path)
    for i in range(8):
        store.append(turn(i))
    store.close()
    conn = connect(tmp_path / "store.sqlite3")
    conn.execute("DELETE FROM turns WHERE id IN (SELECT ref_id FROM audit_log WHERE seq <= 3)")
    conn.execute("DELETE FROM audit_log WHERE seq <= 3")
    conn.close()
    report = verify_dir(tmp_path)
    assert not report.ok and report.problem.seq == 1 and "records 1..3 are missing" in report.problem.reason


def test_a_purge_event_forged_without_the_key_is_detected(tmp_path):
    store = open_store(tmp_path)
    for i in range(8):
        store.append(turn(i))
    store.close()
    conn = connect(tmp_path / "store.sqlite3")
    through_hash = conn.execute("SELECT hash FROM audit_log WHERE seq = 3").fetchone()[0]
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("DELETE FROM turns WHERE id IN (SELECT ref_id FROM audit_log WHERE seq <= 3)")
    conn.execute("DELETE FROM audit_log WHERE seq <= 3")
    append_event(conn, b"z" * 32, kind=KIND_PURGE, ts=time.time(),
                 data={"through_seq": 3, "through_hash": through_hash, "before_ts": 0, "records": 3, "turns": 3})
    conn.execute("COMMIT")
    conn.close()
    report = verify_dir(tmp_path)
    assert not report.ok and report.problem.seq == 9 and "signature" in report.problem.reason


def test_a_checkpoint_inside_the_purged_range_still_verifies(tmp_path):
    store = open_store(tmp_path, checkpoint_every_records=2)
    for i in range(7):
        store.append(turn(i))
    store.purge(ts_of(store, 5))  # through 4: the checkpoints at 2 and 4 now point into the purged range
    store.close()
    report = verify_dir(tmp_path)
    assert report.ok and report.checkpoints >= 4, report.summary()
