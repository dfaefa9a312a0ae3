"""`edge-agent kb add|remove|list` and the `ingest` alias, on fakes (fast)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from edge_agent import cli
from edge_agent.knowledge import kb_cli
from edge_agent.knowledge.store import KnowledgeStore
from guardrails.redactor import Redactor
from tests.fakes import FakeDetector, HashEmbedder


@pytest.fixture
def run(tmp_path: Path, monkeypatch, capsys):
    stores: dict[str, KnowledgeStore] = {}

    def store(settings):  # one store per data dir, as one process would hold it
        key = str(settings.chroma_dir)
        stores.setdefault(key, KnowledgeStore(settings.chroma_dir, HashEmbedder()))
        return stores[key]

    monkeypatch.setattr(kb_cli, "_store", store)
    monkeypatch.setattr(kb_cli, "build_ingest_redactor", lambda settings: Redactor(FakeDetector()))
    monkeypatch.delenv("EDGE_INGEST_MAX_BYTES", raising=False)

    def go(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--data-dir", str(tmp_path / "data"), *args])
        out = capsys.readouterr()
        return code, out.out, out.err
    return go


def test_add_list_remove_round_trip(run, kb: Path):
    (kb / "a.md").write_text("# A\n\n## One\nFirst.\n\n## Two\nSecond.\n", encoding="utf-8")
    (kb / "faq.csv").write_text("问题,答案\n卡丢了？,打电话13912345678。\n", encoding="utf-8")
    code, out, err = run("kb", "add", str(kb))
    assert code == 0 and err == ""
    assert "add     faq.csv: 1 chunks, redacted: PHONE_NUMBER×1" in out and "13912345678" not in out
    assert "ingested 2 documents, 3 chunks; store now holds 3 chunks" in out
    code, out, _ = run("kb", "list", "--json")
    listed = [json.loads(line) for line in out.splitlines()]
    assert [d["doc_id"] for d in listed] == ["a.md", "faq.csv"] and listed[0]["chunks"] == 2
    code, out, _ = run("kb", "remove", "a.md", "--json")
    assert code == 0 and json.loads(out)["action"] == "remove" and json.loads(out)["chunks"] == 2
    code, _, err = run("kb", "remove", "a.md")
    assert code == 1 and "a.md: no such document" in err
    assert run("kb", "list")[1].splitlines()[-1] == "1 documents"


def test_ingest_alias_replaces_and_reports_errors(run, kb: Path):
    doc = kb / "hours.md"
    doc.write_text("# Hours\n\n## Weekdays\nOpen 9 to 5.\n\n## Weekends\nOpen 10 to 2.\n", encoding="utf-8")
    assert "2 chunks; store now holds 2" in run("ingest", str(kb))[1]
    doc.write_text("# Hours\n\n## Every day\nOpen 8 to 8.\n", encoding="utf-8")
    (kb / "empty.txt").write_bytes(b"")
    code, out, err = run("ingest", str(kb))
    assert code == 1 and "replace hours.md: 1 chunks" in out and "store now holds 1" in out
    assert f"error   {kb / 'empty.txt'}: the file is empty" in err


def test_size_limit_setting_and_missing_path(run, kb: Path, monkeypatch):
    (kb / "big.md").write_text("x" * 2000, encoding="utf-8")
    monkeypatch.setenv("EDGE_INGEST_MAX_BYTES", "1000")
    code, _, err = run("kb", "add", str(kb / "big.md"))
    assert code == 1 and "big.md: 2,000 bytes is over the limit of 1,000" in err
    code, _, err = run("kb", "add", str(kb / "nope"))
    assert code == 1 and "no such file" in err
