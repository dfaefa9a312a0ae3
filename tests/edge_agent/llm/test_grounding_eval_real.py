"""`edge-agent models evaluate` with the real SmolLM2-135M-Instruct (its GGUF's own chat template) on a real
knowledge base (e5, Chroma), in process and on a real llama_cpp.server; `models list` then shows the measured
figure with its date and count."""
from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess

import pytest

from edge_agent.llm.manifest import read_manifest
from tests.conftest import EDGE_AGENT, ROOT, SAMPLE_KB
from tests.edge_agent.llm.llama_servers import start_llama_server

pytestmark = pytest.mark.slow
QUESTIONS = 6
MODEL = "smollm2-135m"


def edge_agent(data, *args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("EDGE_")}
    return subprocess.run([EDGE_AGENT, "--data-dir", str(data), "--models-dir", str(ROOT / "models"), *args],
                          capture_output=True, text=True, timeout=900, env={**base, "EDGE_N_THREADS": "1", **env})


DOCS = ("bank/lost-card.en.md", "bank/branch-hours.en.md", "clinic/test-results.en.md")


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory):
    """Three English documents ingested by the real CLI (e5, Chroma), once for the module."""
    data = tmp_path_factory.mktemp("grounding") / "data"
    result = edge_agent(data, "ingest", *(str(SAMPLE_KB / d) for d in DOCS))
    assert result.returncode == 0, result.stderr[-2000:]
    return data


@pytest.fixture
def data(kb_dir, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(kb_dir, copy)
    return copy


def measured(data) -> dict:
    return json.loads((data / "model_grounding.json").read_text(encoding="utf-8"))[MODEL]


def listed_figure(data) -> str:
    listing = edge_agent(data, "models", "list")
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    return lines[next(i for i, ln in enumerate(lines) if f" {MODEL} " in ln) + 1]


def check(data, result) -> None:
    assert result.returncode == 0, result.stderr[-3000:]
    row = measured(data)
    assert row["questions"] == QUESTIONS and row["question_set"] == "kb-entries, en"
    assert 0 < row["drafts"] <= QUESTIONS and 0 <= row["passed"] <= row["drafts"]
    assert sum(row["reasons"].values()) == row["drafts"]
    assert row["sha256"] == read_manifest(ROOT / "models")[MODEL].sha256
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    figure = listed_figure(data)
    assert re.search(rf"grounding {row['passed']}/{row['drafts']} drafts passed \(\d+%\), {QUESTIONS} questions "
                     rf"\(kb-entries, en\), {today}", figure), figure


def test_evaluate_in_process(data):
    assert "not measured" in listed_figure(data)
    check(data, edge_agent(data, "models", "evaluate", MODEL, "--lang", "en", "--limit", str(QUESTIONS)))


def test_evaluate_on_a_model_server(data, tmp_path):
    server = start_llama_server(tmp_path, read_manifest(ROOT / "models")[MODEL].path, timeout_s=600)
    try:
        check(data, edge_agent(data, "models", "evaluate", MODEL, "--lang", "en",
                               "--limit", str(QUESTIONS), EDGE_LLM_URL=server.url))
        assert re.search(r"POST /v1/(chat/)?completions", server.log_text())  # the drafts came from the server
    finally:
        server.stop()
