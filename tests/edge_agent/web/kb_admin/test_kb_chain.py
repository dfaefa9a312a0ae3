"""The kb event kind of the audit chain: signed, counted and checked by the verifier."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from edge_agent.audit import chain
from edge_agent.knowledge.ingest import KbChange
from tests.edge_agent.audit.helpers import KEY, connect, open_store, turn, verify_dir

SHA = "ab" * 32


def change(action: str = "add", doc_id: str = "bank/fees.md") -> KbChange:
    return KbChange(action, doc_id, 3, SHA, datetime.now(timezone.utc))


def test_kb_changes_are_chained_between_turns_and_verify(tmp_path: Path):
    store = open_store(tmp_path)
    store.append(turn(0))
    record = store.record_kb_change("admin1", change())
    store.append(turn(1))
    store.record_kb_change("cli:root", change("remove"))
    store.close()
    assert record.kind == "kb" and record.ref_id is None and record.seq == 2
    assert record.payload() == {"actor": "admin1", **change().to_json(), "time": record.payload()["time"]}
    report = verify_dir(tmp_path)
    assert report.ok and (report.records, report.turns, report.kb_changes) == (4, 2, 2), report.summary()
    assert "(1..4; 2 turns, 0 purges, 2 knowledge-base changes)" in report.summary()


def test_a_signed_but_malformed_kb_event_is_reported(tmp_path: Path):
    store = open_store(tmp_path, checkpoint_file=None)
    store.record_kb_change("admin1", change())
    store.close()
    conn = connect(tmp_path / "store.sqlite3")
    conn.execute("BEGIN IMMEDIATE")
    chain.append_event(conn, KEY, kind="kb", ts=1.7e9, data={"actor": "admin1", "doc_id": "x.md"})
    conn.execute("COMMIT")
    conn.close()
    report = verify_dir(tmp_path)
    assert not report.ok and report.problem.seq == 2 and "malformed" in report.problem.reason


def test_kb_events_need_an_actor_and_exactly_their_fields(tmp_path: Path):
    store = open_store(tmp_path, checkpoint_file=None)
    with pytest.raises(ValueError):
        store.record_kb_change("", change())
    with pytest.raises(ValueError):
        store.record_kb_change("admin1", change("rename"))
    assert store.head().seq == 0
    store.close()
