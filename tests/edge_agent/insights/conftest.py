"""Fixtures for insights tests: a real conversation store whose clock the test sets, and a topic embedder."""
from __future__ import annotations

import time as real_time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from edge_agent import conversations
from edge_agent.conversations import AuditOptions, ConversationStore, TurnRecord

DAY = 86_400.0


class Clock:
    """Stands in for the ``time`` module inside edge_agent.conversations: turns get the time the test sets."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return real_time.monotonic()


class TopicEmbedder:
    """A fake e5: each text's vector is its keyword's axis plus a little per-text noise (so paraphrases of one
    topic are ~0.99 similar and different topics ~0). Counts what it embedded."""

    name = "topic-fake"

    def __init__(self, topics: list[str]) -> None:
        self.topics = topics
        self.embedded: list[str] = []

    def embed_query(self, text: str) -> list[float]:
        self.embedded.append(text)
        v = np.zeros(384, dtype=np.float32)
        axis = next((i for i, t in enumerate(self.topics) if t in text), len(self.topics) + hash(text) % 300)
        v[axis] = 1.0
        rng = np.random.default_rng(abs(hash(text)) % (2 ** 32))
        v += rng.normal(0, 0.01, 384).astype(np.float32)
        return (v / np.linalg.norm(v)).tolist()


@dataclass
class StoreKit:
    store: ConversationStore
    clock: Clock
    db: Path
    data_dir: Path

    def ask(self, session: str, question: str, kind: str = "quoted", *, at: float | None = None,
            sources: list[dict] | None = None, escalation: str = "none", collection: str = "",
            kiosk: str = "kiosk-1") -> int:
        if at is not None:
            self.clock.now = at
        return self.store.append(TurnRecord(
            session_id=session, lang="zh", question=question, answer="答", answer_kind=kind, entities=[],
            output_entities=[], sources=sources if sources is not None else [], model_id="mock",
            guard_version="test", grounding="quoted", escalation=escalation, collection=collection, kiosk=kiosk))


@pytest.fixture
def kit(tmp_path: Path, monkeypatch) -> StoreKit:
    clock = Clock(real_time.time())
    monkeypatch.setattr(conversations, "time", clock)
    data = tmp_path / "data"
    data.mkdir()
    store = ConversationStore(data / "edge-agent.sqlite3", AuditOptions(key=b"k" * 32))
    yield StoreKit(store, clock, data / "edge-agent.sqlite3", data)
    store.close()
