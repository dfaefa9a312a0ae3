"""Fast fixtures for knowledge tests: real Chroma in tmp, HashEmbedder, FakeDetector-backed redactor."""
from __future__ import annotations

from pathlib import Path

import pytest

from edge_agent.knowledge.ingest import IngestOptions
from edge_agent.knowledge.store import KnowledgeStore
from guardrails.redactor import Redactor
from tests.fakes import FakeDetector, HashEmbedder


@pytest.fixture
def store(tmp_path: Path) -> KnowledgeStore:
    return KnowledgeStore(tmp_path / "chroma", HashEmbedder())


@pytest.fixture
def redactor() -> Redactor:
    return Redactor(FakeDetector())


@pytest.fixture
def options() -> IngestOptions:
    return IngestOptions(max_chars=200, max_bytes=1_000_000)


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir()
    return folder
