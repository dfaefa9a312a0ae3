"""`edge-agent kb add/remove` chain each change as a kb audit event by cli:<OS user>; the audit key is
obtained as `edge-agent init` does (created on an empty chain, so `make serve`'s ingest-then-init works)."""
from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

import pytest

from edge_agent import cli
from edge_agent.audit.keys import key_path
from edge_agent.config import Settings
from edge_agent.knowledge import kb_cli
from edge_agent.knowledge.store import KnowledgeStore
from guardrails.redactor import Redactor
from tests.fakes import FakeDetector, HashEmbedder

DOC = "# Hours\n\n## Weekdays\nOpen 9 to 5.\n"


@pytest.fixture
def run(tmp_path: Path, monkeypatch, capsys):
    stores: dict[str, KnowledgeStore] = {}

    def store(settings):
        return stores.setdefault(str(settings.chroma_dir), KnowledgeStore(settings.chroma_dir, HashEmbedder()))

    monkeypatch.setattr(kb_cli, "_store", store)
    monkeypatch.setattr(kb_cli, "build_ingest_redactor", lambda settings: Redactor(FakeDetector()))
    for name in ("EDGE_AUDIT_KEY_FILE", "EDGE_DATA_DIR", "EDGE_INGEST_MAX_BYTES"):
        monkeypatch.delenv(name, raising=False)

    def go(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--data-dir", str(tmp_path / "data"), *args])
        out = capsys.readouterr()
        return code, out.out, out.err
    return go


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir()
    return folder


@pytest.fixture
def data_settings(tmp_path: Path) -> Settings:
    return Settings.from_mapping({"data_dir": tmp_path / "data"})


def kb_events(settings: Settings) -> list[dict]:
    from edge_agent.conversations import open_store

    store = open_store(settings)
    try:
        return [r.payload() for r in store.records() if r.kind == "kb"]
    finally:
        store.close()


def test_add_and_remove_are_chained_with_the_os_user(run, kb: Path, data_settings):
    (kb / "hours.md").write_text(DOC, encoding="utf-8")
    code, out, err = run("ingest", str(kb))  # before `init`, as `make serve` runs it
    assert code == 0, err
    assert key_path(data_settings).is_file()  # created as init would: the chain was empty
    assert f"audit trail: 1 change(s) recorded as cli:{getpass.getuser()}" in out
    code, out, _ = run("kb", "remove", "hours.md", "--json")
    assert code == 0 and out.count("\n") == 1  # JSON output stays one object per line
    events = kb_events(data_settings)
    assert [(e["actor"], e["action"], e["doc_id"], e["chunks"]) for e in events] == [
        (f"cli:{getpass.getuser()}", "add", "hours.md", 1), (f"cli:{getpass.getuser()}", "remove", "hours.md", 1)]
    assert {e["sha256"] for e in events} == {hashlib.sha256(DOC.encode()).hexdigest()}
    assert run("init")[0] == 0  # `make serve`: init after ingest keeps the key
    code, out, _ = run("audit", "verify")
    assert code == 0 and "2 knowledge-base changes" in out, out


def test_refused_files_and_unknown_ids_record_nothing(run, kb: Path, data_settings):
    (kb / "empty.txt").write_bytes(b"")
    assert run("kb", "add", str(kb))[0] == 1
    assert run("kb", "remove", "nope.md")[0] == 1
    assert kb_events(data_settings) == []


def test_missing_key_with_a_chain_is_a_clear_error(run, kb: Path, data_settings):
    (kb / "hours.md").write_text(DOC, encoding="utf-8")
    assert run("kb", "add", str(kb))[0] == 0
    key_path(data_settings).unlink()
    code, _, err = run("kb", "remove", "hours.md")
    assert code == 1 and "audit key file" in err and "is missing" in err and "restore the key" in err
    assert run("kb", "list")[1].splitlines()[0].startswith("hours.md")  # nothing removed
