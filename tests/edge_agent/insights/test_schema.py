"""The insights side table in the conversation store: feedback ownership, and migrating an existing store."""
from __future__ import annotations

import sqlite3

import pytest

from edge_agent import conversations
from edge_agent.conversations import AuditOptions, ConversationStore, TurnRecord
from edge_agent.insights import schema


def turn(session: str, kind: str = "quoted") -> TurnRecord:
    return TurnRecord(session_id=session, lang="zh", question="问", answer="答", answer_kind=kind, entities=[],
                      output_entities=[], sources=[], model_id="mock", guard_version="t", grounding="quoted",
                      collection="bank", kiosk="branch-7")


def test_feedback_only_on_the_sessions_own_answer(kit) -> None:
    mine = kit.store.append(turn("s-mine"))
    agent = kit.store.append(turn("s-mine", "agent"))
    assert kit.store.record_feedback("s-mine", mine, "down", "wrong")
    assert kit.store.record_feedback("s-mine", mine, "up")                  # changing one's mind replaces it
    assert not kit.store.record_feedback("s-other", mine, "up")             # another session's turn
    assert not kit.store.record_feedback("s-mine", agent, "up")             # a person's reply is not rated
    assert not kit.store.record_feedback("s-mine", 9999, "up")
    row = sqlite3.connect(kit.db).execute(
        "SELECT collection, kiosk, vote, reason FROM turn_insights WHERE turn_id = ?", (mine,)).fetchone()
    assert row == ("bank", "branch-7", "up", "")


@pytest.mark.parametrize("vote, reason", [("meh", ""), ("up", "wrong"), ("down", "free text from a customer")])
def test_bad_feedback_is_refused(kit, vote: str, reason: str) -> None:
    mine = kit.store.append(turn("s1"))
    with pytest.raises(ValueError):
        kit.store.record_feedback("s1", mine, vote, reason)


def test_an_existing_store_migrates_and_keeps_its_chain(tmp_path, monkeypatch) -> None:
    db = tmp_path / "edge-agent.sqlite3"
    old = tuple(m for m in conversations.MIGRATIONS if m not in schema.SCHEMA)
    monkeypatch.setattr(conversations, "MIGRATIONS", old)
    monkeypatch.setattr(schema, "insert_turn", lambda *a: None)  # the code before this table existed
    store = ConversationStore(db, AuditOptions(key=b"k" * 32))
    old_turn = store.append(turn("before"))
    store.close()
    monkeypatch.undo()
    store = ConversationStore(db, AuditOptions(key=b"k" * 32))  # refuses to open if the chain broke
    try:
        assert store.record_feedback("before", old_turn, "up")     # a turn from before the table existed
        new_turn = store.append(turn("after"))
        conn = sqlite3.connect(db)
        assert conn.execute("SELECT turn_id, collection FROM turn_insights ORDER BY turn_id").fetchall() == [
            (old_turn, ""), (new_turn, "bank")]
    finally:
        store.close()
    from edge_agent.audit.verify import verify_chain
    assert verify_chain(sqlite3.connect(db), b"k" * 32).ok
