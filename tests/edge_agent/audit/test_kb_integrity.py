"""Issue 12, Medium 9: kb events sign each entry's hash; `audit verify` finds an entry edited, inserted or
deleted inside the knowledge store (named by id, never quoted)."""
from __future__ import annotations

from pathlib import Path

import pytest

from edge_agent import cli
from edge_agent.audit.kb_integrity import compare
from edge_agent.knowledge import kb_cli
from edge_agent.knowledge.store import KnowledgeStore
from guardrails.redactor import Redactor
from tests.fakes import FakeDetector, HashEmbedder

HOTLINE = "# Hotline\n\n## Lost card\nCall 95588 at once to freeze a lost card.\n\n## Fees\nNo fee.\n"
HOURS = "# Hours\n\n## Weekdays\nOpen 9 to 5.\n"
SIGNED = {"a.md": {"a.md#0": "h0", "a.md#1": "h1"}}


@pytest.mark.parametrize("signed, stored, purged, problem", [
    (SIGNED, {"a.md": {"a.md#0": "h0", "a.md#1": "h1"}}, False, ""),                         # intact
    (SIGNED, {"a.md": {"a.md#0": "h0", "a.md#1": "XX"}}, False, "a.md#1 was edited"),       # text edited
    (SIGNED, {"a.md": {"a.md#0": "h0"}}, False, "a.md#1 of a.md is missing"),               # entry deleted
    (SIGNED, {"a.md": {"a.md#0": "h0", "a.md#1": "h1", "a.md#2": "h2"}}, False, "a.md#2 is in the knowledge"),
    (SIGNED, {}, False, "document a.md is missing"),                                        # document deleted
    (SIGNED, {**SIGNED, "b.md": {"b.md#0": "h"}}, False, "b.md is in the knowledge store but no kb event"),
    (SIGNED, {**SIGNED, "b.md": {"b.md#0": "h"}}, True, ""),   # its event may have gone with retention: a note
    ({"a.md": None}, {"a.md": {"a.md#0": "h0"}}, False, ""),   # ingested before hashes were signed: a note
    ({}, {}, False, ""),                                                                     # empty
])
def test_compare_table(signed, stored, purged, problem):
    report = compare(signed, stored, purged=purged)
    assert (problem in report.problem and bool(problem)) if problem else report.ok, report
    if not problem and set(stored) - {d for d, h in signed.items() if h}:
        assert report.notes


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
    go.stores = stores  # type: ignore[attr-defined]
    return go


@pytest.fixture
def ingested(run, tmp_path: Path) -> KnowledgeStore:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "hotline.md").write_text(HOTLINE, encoding="utf-8")
    (kb / "hours.md").write_text(HOURS, encoding="utf-8")
    assert run("kb", "add", str(kb))[0] == 0
    code, out, err = run("audit", "verify")
    assert code == 0 and "knowledge base matches the audit trail: 2 documents, 3 entries" in out, out + err
    return next(iter(run.stores.values()))


def test_an_entry_edited_inside_chroma_fails_verify_by_id(run, ingested):
    old = ingested._col.get(ids=["hotline.md#0"], include=["embeddings"])["embeddings"]
    ingested._col.update(ids=["hotline.md#0"], embeddings=old,  # what an editor of Chroma's files would leave
                         documents=["Call 4008123123 at once to freeze a lost card."])
    code, out, _ = run("audit", "verify")
    assert code == 1 and "audit chain intact" in out
    assert "entry hotline.md#0 was edited in the knowledge store" in out and "4008123123" not in out


def test_a_title_edited_inside_chroma_fails_verify(run, ingested):
    meta = ingested._col.get(ids=["hours.md#0"], include=["metadatas"])["metadatas"][0]
    ingested._col.update(ids=["hours.md#0"], metadatas=[{**meta, "title": "Call 4008123123"}])
    code, out, _ = run("audit", "verify")
    assert code == 1 and "entry hours.md#0 was edited" in out


def test_an_entry_deleted_or_a_document_inserted_inside_chroma_fails_verify(run, ingested, tmp_path):
    ingested._col.delete(ids=["hotline.md#1"])
    code, out, _ = run("audit", "verify")
    assert code == 1 and "entry hotline.md#1 of hotline.md is missing" in out


def test_changes_through_kb_keep_verify_intact(run, ingested, tmp_path):
    (tmp_path / "kb" / "hours.md").write_text(HOURS + "\n## Weekends\nClosed.\n", encoding="utf-8")
    assert run("kb", "add", str(tmp_path / "kb" / "hours.md"))[0] == 0  # replace: new hashes signed
    assert run("kb", "remove", "hotline.md")[0] == 0
    code, out, err = run("audit", "verify")
    assert code == 0 and "1 documents, 2 entries" in out, out + err
