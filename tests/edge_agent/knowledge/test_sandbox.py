"""Issue 12, Medium 6: documents are parsed in a limited child process. Ordinary files come back exactly as the
in-process loaders read them; a small hostile file is killed at its time or memory limit and refused as
document_too_complex; page and entry caps refuse junk before it reaches the store."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from edge_agent.config import Settings
from edge_agent.knowledge.ingest import IngestOptions, add_paths
from edge_agent.knowledge.loaders import (
    ContentMismatch,
    DocumentTooComplex,
    DocumentTooLarge,
    EncryptedDocument,
    loader_for,
)
from edge_agent.knowledge.sandbox import ParseLimits, parse_isolated
from tests.edge_agent.knowledge.builders import pdf_bytes, write_docx, write_encrypted_pdf, write_xlsx
from tests.edge_agent.knowledge.hostile_files import pdf_bomb

LIMITS = ParseLimits(timeout_s=30, memory_mb=1024, max_pages=50)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "hours.md").write_text("# Hours\n\n## Weekdays\nOpen 9 to 5.\n", encoding="utf-8")
    (tmp_path / "fees.pdf").write_bytes(pdf_bytes([["挂失免费。", "Lost cards: no fee."], ["第二页"]], title="Fees"))
    write_docx(tmp_path / "open.docx", [("Heading 1", "开户"), ("Normal", "带身份证到柜台。")], title="Open")
    write_xlsx(tmp_path / "faq.xlsx", {"FAQ": [("问题", "答案"), ("怎么挂失？", "拨打95588。")]})
    (tmp_path / "faq.csv").write_text("question,answer\nOpen on Sunday?,No.\n", encoding="utf-8")
    return {p.name: p for p in tmp_path.iterdir()}


@pytest.mark.parametrize("name", ["hours.md", "fees.pdf", "open.docx", "faq.xlsx", "faq.csv"])
def test_the_child_reads_ordinary_files_exactly_as_in_process(files, name):
    path = files[name]
    data = path.read_bytes()
    assert parse_isolated(data, name, path.suffix, LIMITS) == loader_for(name, path.suffix)(data, name)


@pytest.mark.parametrize("build, suffix, error", [
    (lambda tmp: b"just text, not a PDF", ".pdf", ContentMismatch),                          # the loaders' refusals
    (lambda tmp: write_encrypted_pdf(tmp / "x.pdf", [["secret"]], "pw").read_bytes(), ".pdf", EncryptedDocument),
    (lambda tmp: pdf_bytes([["one"]] * 51), ".pdf", DocumentTooLarge),                       # over max_pages
])
def test_refusals_cross_the_process_boundary_as_the_same_errors(tmp_path, build, suffix, error):
    with pytest.raises(error) as err:
        parse_isolated(build(tmp_path), "doc" + suffix, suffix, LIMITS)
    assert err.value.message.startswith("doc" + suffix)


def test_a_pdf_bomb_is_killed_at_the_time_limit():
    with pytest.raises(DocumentTooComplex) as err:  # in-process this 60 KB file takes minutes
        parse_isolated(pdf_bomb(2_000_000), "bomb.pdf", ".pdf", dataclasses.replace(LIMITS, timeout_s=2))
    assert "ingest_timeout_s=2" in err.value.message and err.value.code == "document_too_complex"


def test_a_pdf_bomb_is_stopped_at_the_memory_limit():
    with pytest.raises(DocumentTooComplex):
        parse_isolated(pdf_bomb(2_000_000), "bomb.pdf", ".pdf", dataclasses.replace(LIMITS, memory_mb=200))


def test_settings_sandbox_every_file_and_a_bomb_leaves_the_batch_and_store_alone(store, redactor, tmp_path, kb):
    settings = Settings.from_mapping({"data_dir": tmp_path / "data", "ingest_timeout_s": 2})
    options = IngestOptions.from_settings(settings)
    assert options.limits is not None and options.limits.timeout_s == 2 and options.max_chunks == 2000
    (kb / "bomb.pdf").write_bytes(pdf_bomb(2_000_000))
    (kb / "hours.md").write_text("# Hours\n\n## Weekdays\nOpen 9 to 5.\n", encoding="utf-8")
    report = add_paths(store, [kb], options, redactor)
    by_name = {Path(f.path).name: f for f in report.files}
    assert by_name["bomb.pdf"].error_code == "document_too_complex" and by_name["hours.md"].ok
    assert [d.doc_id for d in store.list_documents()] == ["hours.md"]


def test_a_document_that_splits_into_too_many_entries_is_refused(store, redactor, options, kb):
    rows = [("问题", "答案")] + [(f"问题{i}？", f"答案{i}。") for i in range(30)]
    write_xlsx(kb / "many.xlsx", {"FAQ": rows})
    (result,) = add_paths(store, [kb], dataclasses.replace(options, max_chunks=20), redactor).files
    assert result.error_code == "document_too_large" and "30 entries" in result.error and "ingest_max_chunks" in \
        result.error
    assert store.list_documents() == ()
