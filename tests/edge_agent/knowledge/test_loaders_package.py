"""The loaders package: one module per format, the old flat module's names still importable from it."""
from __future__ import annotations

from pathlib import Path

import pytest

from edge_agent.knowledge import loaders

# Every public name of the former edge_agent/knowledge/loaders.py, which importers may use.
FORMER_NAMES = (
    "ANSWER_HEADERS", "LOADERS", "MAGIC", "PHRASING_HEADERS", "PHRASING_SPLIT", "QUESTION_HEADERS",
    "SECTION_HEADERS", "TEXT_ENCODINGS", "ZIP_EXPANSION_LIMIT", "ContentMismatch", "DocumentTooLarge",
    "EmptyDocument", "EncryptedDocument", "IngestError", "LoadedDocument", "Loader", "MissingColumns",
    "UnreadableDocument", "UnsupportedFormat", "decode_text", "load_csv", "load_docx", "load_html",
    "load_markdown", "load_pdf", "load_xlsx", "loader_for", "sniff",
)


@pytest.mark.parametrize("name", FORMER_NAMES)
def test_former_names_still_importable(name):
    assert hasattr(loaders, name) and name in loaders.__all__


@pytest.mark.parametrize("suffix, module", [
    (".md", "markdown_loader"), (".markdown", "markdown_loader"), (".txt", "markdown_loader"),
    (".html", "html_loader"), (".htm", "html_loader"), (".pdf", "pdf_loader"), (".docx", "docx_loader"),
    (".csv", "table_loader"), (".xlsx", "table_loader"),
])
def test_each_format_has_its_own_module(suffix, module):
    assert loaders.LOADERS[suffix].__module__ == f"edge_agent.knowledge.loaders.{module}"


def test_every_loader_module_is_small():
    folder = Path(loaders.__file__).parent
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in folder.glob("*.py")}
    assert sizes and max(sizes.values()) < 400, sizes


def test_phrasing_column_still_read():
    doc = loaders.load_csv("问题,答案,相似问题\n怎么挂失,拨打客服电话。,卡丢了怎么办|丢卡了\n".encode(), "faq.csv")
    assert doc.entries[0].phrasings == ("卡丢了怎么办", "丢卡了")
    assert "相似问题" in loaders.PHRASING_HEADERS and loaders.PHRASING_SPLIT.split("a；b｜c") == ["a", "b", "c"]
