"""Issue 12, Medium 9 on the real CLI, embedder and Chroma: an edited hotline number inside Chroma's files makes
`audit verify` exit 1 naming the entry (it used to say intact)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EDGE_AGENT

pytestmark = pytest.mark.slow
DOC = "# 挂失\n\n## 银行卡丢失\n请立即拨打客服热线95588办理挂失。\n\n## 费用\n挂失免费。\n"


def cli(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDGE_")}
    return subprocess.run([EDGE_AGENT, "--data-dir", str(data), *args], capture_output=True, text=True,
                          timeout=600, env=env)


def test_a_hotline_edited_in_chroma_fails_audit_verify(tmp_path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "lost-card.zh.md").write_text(DOC, encoding="utf-8")
    data = tmp_path / "data"
    assert cli(data, "init").returncode == 0
    added = cli(data, "kb", "add", str(kb))
    assert added.returncode == 0, added.stderr
    intact = cli(data, "audit", "verify")
    assert intact.returncode == 0 and "knowledge base matches the audit trail: 1 documents, 2 entries" in intact.stdout
    client = chromadb.PersistentClient(path=str(data / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    col = client.get_collection("knowledge", embedding_function=None)
    (entry_id,) = [i for i, d in zip(*(lambda r: (r["ids"], r["documents"]))(col.get(include=["documents"])))
                   if "95588" in d]
    kept = col.get(ids=[entry_id], include=["embeddings", "documents"])
    col.update(ids=[entry_id], embeddings=kept["embeddings"],
               documents=[kept["documents"][0].replace("95588", "4008123123")])
    broken = cli(data, "audit", "verify")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert f"entry {entry_id} was edited in the knowledge store" in broken.stdout and "4008" not in broken.stdout
