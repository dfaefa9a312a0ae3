"""The real Flask app and SQLite store, with MockModel, FakeDetector and HashEmbedder, served by waitress.

For the kill -9 tests: ``python -m tests.edge_agent.audit.fake_server DATA_DIR PORT`` prints READY once listening.
The audit key must already exist (the test runs the equivalent of `edge-agent init`).
"""
from __future__ import annotations

import sys
from pathlib import Path

from edge_agent.config import Settings
from edge_agent.knowledge.store import KnowledgeStore
from edge_agent.llm.backend import MockModel
from edge_agent.services import build_services
from edge_agent.web import create_app
from guardrails.redactor import Redactor
from tests.fakes import FakeDetector, HashEmbedder

ROOT = Path(__file__).resolve().parents[3]


def settings_for(data_dir: Path) -> Settings:
    """Settings of the fake server (checkpoints often, so kills land between and during them)."""
    return Settings.from_mapping({"data_dir": data_dir, "models_dir": ROOT / "models", "threads": 6,
                                  "queue_size": 16, "checkpoint_every_records": 5,
                                  "chat_rate_per_min": 0})  # a load test from one address: no rate limit


def prepare(settings: Settings) -> None:
    """What `edge-agent init` does for a fresh data directory: the audit key (and the staff secret)."""
    from edge_agent.auth.secret import create_secret_key, secret_key_path
    from edge_agent.conversations import audit_options

    audit_options(settings, create_key=True)
    create_secret_key(secret_key_path(settings))


def main(argv: list[str]) -> None:
    """Serve until killed."""
    from waitress import create_server

    settings = settings_for(Path(argv[1]))
    services = build_services(settings, model=MockModel(), redactor=Redactor(FakeDetector()),
                              knowledge=KnowledgeStore(settings.chroma_dir, HashEmbedder()),
                              create_audit_key=False)
    server = create_server(create_app(settings, services), host="127.0.0.1", port=int(argv[2]),
                           threads=settings.threads)
    print("READY", flush=True)
    server.run()


if __name__ == "__main__":
    main(sys.argv)
