"""`kb add` of a large folder shows a progress bar (files, chunks) and ends with chunks/s: on fakes in-process,
and with the real embedder and detector through the installed command."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from edge_agent import cli
from edge_agent.knowledge import kb_cli
from edge_agent.knowledge.store import KnowledgeStore
from guardrails.redactor import Redactor
from tests.conftest import EDGE_AGENT
from tests.fakes import FakeDetector, HashEmbedder

THROUGHPUT = re.compile(r"^(\d+) chunks in (\d+\.\d) s: (\d+\.\d) chunks/s$", re.M)


def folder(root: Path, files: int) -> Path:
    """``files`` small FAQ-style Markdown documents, two sections each."""
    root.mkdir()
    for i in range(files):
        (root / f"topic-{i:03d}.md").write_text(
            f"# 业务 {i}\n\n## 怎么办理业务{i}？\n请携带身份证到柜台办理第{i}项业务。\n\n"
            f"## How do I apply for service {i}?\nBring your ID to the counter for service {i}.\n",
            encoding="utf-8")
    return root


@pytest.fixture
def run(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setattr(kb_cli, "_store", lambda settings: KnowledgeStore(settings.chroma_dir, HashEmbedder()))
    monkeypatch.setattr(kb_cli, "build_ingest_redactor", lambda settings: Redactor(FakeDetector()))

    def go(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--data-dir", str(tmp_path / "data"), *args])
        out = capsys.readouterr()
        return code, out.out, out.err
    return go


def test_progress_bar_and_chunks_per_second(run, tmp_path):
    docs = folder(tmp_path / "kb", 30)
    code, out, err = run("kb", "add", "--progress", str(docs))
    assert code == 0
    assert "kb add" in err and "30/30" in err and "chunks=" in err  # the bar, finished
    (match,) = THROUGHPUT.finditer(out)
    assert int(match.group(1)) == 60 and float(match.group(3)) > 0
    assert "ingested 30 documents, 60 chunks" in out


def test_no_bar_when_stderr_is_not_a_terminal(run, tmp_path):
    code, out, err = run("ingest", str(folder(tmp_path / "kb", 3)))
    assert code == 0 and err == "" and THROUGHPUT.search(out)


def test_json_output_stays_json(run, tmp_path):
    code, out, _ = run("kb", "add", "--json", str(folder(tmp_path / "kb", 2)))
    assert code == 0 and all(line.startswith("{") for line in out.splitlines())


@pytest.mark.slow
def test_real_ingest_of_a_large_folder_reports_progress(tmp_path):
    docs = folder(tmp_path / "kb", 12)
    proc = subprocess.run([EDGE_AGENT, "--data-dir", str(tmp_path / "data"), "ingest", "--progress", str(docs)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "12/12" in proc.stderr
    (match,) = THROUGHPUT.finditer(proc.stdout)
    assert int(match.group(1)) == 24 and float(match.group(3)) > 0
