"""Signed checkpoints: when they are written, how a crash-torn line is handled, and what they catch."""
from __future__ import annotations

import time

from edge_agent.audit.chain import Head
from edge_agent.audit.checkpoints import Checkpointer, append_checkpoint, last_checkpoint, read_checkpoints, sign
from tests.edge_agent.audit.helpers import KEY, connect, open_store, turn, verify_dir


def seqs(path) -> list[int]:
    return [cp.seq for _, cp in read_checkpoints(path).checkpoints]


def test_every_n_records_and_at_close(tmp_path):
    store = open_store(tmp_path, checkpoint_every_records=10)
    for i in range(25):
        store.append(turn(i))
    assert seqs(tmp_path / "checkpoints.jsonl") == [10, 20]
    store.close()
    assert seqs(tmp_path / "checkpoints.jsonl") == [10, 20, 25]
    assert verify_dir(tmp_path).ok


def test_every_m_seconds_while_records_arrive(tmp_path):
    store = open_store(tmp_path, checkpoint_every_records=1000, checkpoint_every_s=0.1)
    store.append(turn(1))
    deadline = time.monotonic() + 5
    while not seqs(tmp_path / "checkpoints.jsonl") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert seqs(tmp_path / "checkpoints.jsonl") == [1]  # written by the background thread
    time.sleep(0.3)
    assert seqs(tmp_path / "checkpoints.jsonl") == [1]  # nothing new: no new checkpoint
    store.close()


def test_a_restarted_store_continues_from_the_last_checkpoint(tmp_path):
    path = tmp_path / "cp.jsonl"
    first = Checkpointer(path, KEY, every_records=5, every_s=1e9)
    first.write(Head(12, "a" * 64))
    again = Checkpointer(path, KEY, every_records=5, every_s=1e9)
    assert again.last_seq == 12 and not again.due(Head(16, "b" * 64)) and again.due(Head(17, "b" * 64))


def test_a_torn_last_line_is_noted_then_cut_before_the_next_write(tmp_path):
    store = open_store(tmp_path, checkpoint_every_records=2)
    for i in range(4):
        store.append(turn(i))
    path = tmp_path / "checkpoints.jsonl"
    with path.open("a") as fh:
        fh.write('{"head":"ab12')  # the box lost power mid-write
    found = read_checkpoints(path)
    assert found.torn_tail and found.malformed == () and [cp.seq for _, cp in found.checkpoints] == [2, 4]
    report = verify_dir(tmp_path)
    assert report.ok and report.notes and "incomplete" in report.notes[0]
    store.append(turn(5))
    store.append(turn(6))
    store.close()
    assert path.read_text().count("\n") == 3 and not read_checkpoints(path).torn_tail
    assert last_checkpoint(path).seq == 6 and verify_dir(tmp_path).ok


def test_truncated_tail_is_detected_and_named(tmp_path):
    store = open_store(tmp_path, checkpoint_every_records=5)
    for i in range(10):
        store.append(turn(i))
    store.close()
    conn = connect(tmp_path / "store.sqlite3")
    conn.execute("DELETE FROM turns WHERE id IN (SELECT ref_id FROM audit_log WHERE seq > 7)")
    conn.execute("DELETE FROM audit_log WHERE seq > 7")
    conn.close()
    report = verify_dir(tmp_path)
    assert not report.ok and report.problem.seq == 8
    assert "records 8..10 are missing" in report.summary() and "newest records deleted" in report.summary()


def test_a_garbled_line_or_a_forged_signature_fails(tmp_path):
    store = open_store(tmp_path, checkpoint_every_records=2)
    for i in range(4):
        store.append(turn(i))
    store.close()
    path = tmp_path / "checkpoints.jsonl"
    good = path.read_text()
    path.write_text(good + "garbage\n")
    assert "line 3 is not a checkpoint" in verify_dir(tmp_path).summary()
    forged = sign(b"y" * 32, Head(4, "0" * 64), time.time())
    path.write_text(good + forged.to_line())
    assert "invalid signature" in verify_dir(tmp_path).summary()


def test_a_checkpoint_disagreeing_with_the_chain_fails(tmp_path):
    store = open_store(tmp_path, checkpoint_file=None)
    for i in range(4):
        store.append(turn(i))
    store.close()
    append_checkpoint(tmp_path / "checkpoints.jsonl", sign(KEY, Head(3, "f" * 64), time.time()))
    report = verify_dir(tmp_path)
    assert not report.ok and report.problem.seq == 3 and "checkpoint" in report.problem.reason


def test_no_checkpoints_is_said_in_the_summary(tmp_path):
    store = open_store(tmp_path, checkpoint_file=None)
    store.append(turn(1))
    store.close()
    report = verify_dir(tmp_path)
    assert report.ok and "no checkpoints" in report.summary()
