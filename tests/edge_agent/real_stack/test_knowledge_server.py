"""`kb add` while `serve` runs, as the README promises: with a real `chroma run` server the running service
answers from the new document at once; with the embedded store the CLI refuses and says why."""
from __future__ import annotations

import json
import os
import subprocess
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.conftest import EDGE_AGENT, SAMPLE_KB, start_server
from tests.edge_agent.knowledge.chroma_server import start_chroma

pytestmark = pytest.mark.slow
DOCS = ("bank/lost-card.en.md", "bank/branch-hours.en.md")
QUESTION = "How do I borrow a telescope from the branch?"
NEW_DOC = """---
title: Telescope lending
---
# Telescope lending

## How do I borrow a telescope from the branch?
Similar questions:
- Can I borrow a telescope
- Where do I get a telescope for the night

Harbourview Bank lends telescopes to account holders: ask at the counter with your bank card and show the
lending code 7731. A telescope is lent for three nights and returned to any branch.
"""


def cli(data: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("EDGE_")}
    return subprocess.run([EDGE_AGENT, "--data-dir", str(data), *args], capture_output=True, text=True,
                          timeout=900, env={**base, **env})


def ask(url: str, question: str) -> dict:
    body = json.dumps({"session_id": f"kbserver-{uuid.uuid4().hex[:12]}", "message": question}).encode()
    request = urllib.request.Request(url + "/api/chat", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as resp:
        return json.loads(resp.read())


def new_doc(tmp_path: Path) -> Path:
    path = tmp_path / "new" / "telescope.en.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(NEW_DOC, encoding="utf-8")
    return path


def cites_new_doc(reply: dict) -> bool:
    return any(s["id"].startswith("telescope.en.md") for s in reply["sources"]) and "7731" in reply["answer"]


def test_kb_add_reaches_the_running_service_through_the_chroma_server(tmp_path):
    chroma = start_chroma(tmp_path)
    data, env = tmp_path / "data", {"EDGE_CHROMA_URL": chroma.url}
    server = None
    try:
        added = cli(data, "ingest", *(str(SAMPLE_KB / d) for d in DOCS), **env)
        assert added.returncode == 0, added.stderr[-2000:]
        assert not (data / "chroma").exists()  # the entries live on the Chroma server, not in the data directory
        server = start_server(data, ready_s=900, EDGE_ANSWER_MODE="quote", EDGE_CHAT_RATE_PER_MIN="0", **env)
        assert not cites_new_doc(ask(server.url, QUESTION))
        added = cli(data, "kb", "add", str(new_doc(tmp_path)), **env)
        assert added.returncode == 0, added.stderr[-2000:]
        reply = ask(server.url, QUESTION)  # the same running process, no restart
        assert cites_new_doc(reply), reply
        assert reply["answer_kind"] == "quoted"
        removed = cli(data, "kb", "remove", "telescope.en.md", **env)
        assert removed.returncode == 0, removed.stderr[-2000:]
        assert not cites_new_doc(ask(server.url, QUESTION))
    finally:
        if server is not None:
            server.stop()
        chroma.stop()


def test_kb_add_refuses_while_serve_holds_the_embedded_store(tmp_path):
    data = tmp_path / "data"
    added = cli(data, "ingest", *(str(SAMPLE_KB / d) for d in DOCS))
    assert added.returncode == 0, added.stderr[-2000:]
    server = start_server(data, ready_s=900, EDGE_ANSWER_MODE="quote", EDGE_CHAT_RATE_PER_MIN="0")
    try:
        refused = cli(data, "kb", "add", str(new_doc(tmp_path)))
        assert refused.returncode == 1
        assert "`edge-agent serve` is running" in refused.stderr and "/admin/kb" in refused.stderr
        assert "telescope" not in cli(data, "kb", "list").stdout  # nothing was written behind its back
        second = cli(data, "serve", "--port", "1")
        assert second.returncode == 1 and "in use by another edge-agent process" in second.stderr
    finally:
        server.stop()
    added = cli(data, "kb", "add", str(new_doc(tmp_path)))  # the service stopped: the CLI writes directly
    assert added.returncode == 0, added.stderr[-2000:]
