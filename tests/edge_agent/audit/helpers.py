"""Shared helpers for the audit tests: a keyed store, sample turns, database copies."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from edge_agent.audit.checkpoints import read_checkpoints
from edge_agent.audit.verify import VerifyReport, verify_chain
from edge_agent.conversations import AuditOptions, ConversationStore, TurnRecord

KEY = bytes(range(32))
MODEL_SHA = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"


def turn(i: int, session: str = "audit-session-01") -> TurnRecord:
    """A redacted turn whose texts differ with ``i`` (Chinese and English, placeholders, JSON fields)."""
    zh = i % 2 == 0
    return TurnRecord(
        session_id=session, lang="zh" if zh else "en",
        question=f"我的卡号<CREDIT_CARD_1>丢了，怎么挂失？#{i}" if zh
        else f"How do I book the sleep clinic? #{i}",
        answer=f"请拨打客服热线挂失。[{i}]" if zh else f"Call the front desk to book. [{i}]",
        answer_kind=("quoted", "generated", "declined")[i % 3],
        entities=[{"type": "CREDIT_CARD", "count": 1}] if zh else [],
        output_entities=[{"type": "PHONE_NUMBER", "count": i % 2}] if i % 4 == 0 else [],
        sources=[{"id": f"lost-card.zh#{i % 5}", "title": "挂失", "score": 0.9}],
        model_id="mock", guard_version="guard-0.1", grounding="quote_mode", model_sha256=MODEL_SHA)


def open_store(tmp: Path, **options) -> ConversationStore:
    """A store under ``tmp`` keyed with KEY, checkpointing to tmp/checkpoints.jsonl by default."""
    options.setdefault("checkpoint_file", tmp / "checkpoints.jsonl")
    return ConversationStore(tmp / "store.sqlite3", AuditOptions(KEY, **options), model_sha256=MODEL_SHA)


def connect(db: Path) -> sqlite3.Connection:
    """A plain connection for reading or tampering (autocommit)."""
    return sqlite3.connect(str(db), isolation_level=None)


def verify_dir(tmp: Path, key: bytes = KEY) -> VerifyReport:
    """Verify tmp/store.sqlite3 against tmp/checkpoints.jsonl."""
    checkpoints = read_checkpoints(tmp / "checkpoints.jsonl")
    conn = connect(tmp / "store.sqlite3")
    try:
        return verify_chain(conn, key, checkpoints)
    finally:
        conn.close()
