"""One loader per file format behind one interface: ``LOADERS[suffix](data, name) -> LoadedDocument``.

A loader gets the file's bytes (already size-checked by the caller) and a name for error messages. It
checks that the bytes are what the suffix promises, extracts headed text (``Block``s) or FAQ pairs
(``Entry``s) plus whatever the document says about itself (title, version, effective date, language),
and raises an ``IngestError`` subclass naming the file for anything it cannot read. Parsers are
imported inside the loaders, so importing this package does no work.

Modules: ``document`` (LoadedDocument, sniffing, decoding), ``ingest_errors`` (the refusals),
``markdown_loader``, ``html_loader``, ``pdf_loader``, ``docx_loader``, ``table_loader`` (CSV and XLSX FAQ
tables), ``office_zip`` (the package check .docx and .xlsx share). A new format is one module and one
row of ``LOADERS``.
"""
from __future__ import annotations

from edge_agent.knowledge.loaders.document import (
    MAGIC,
    TEXT_ENCODINGS,
    LoadedDocument,
    Loader,
    decode_text,
    sniff,
)
from edge_agent.knowledge.loaders.docx_loader import load_docx
from edge_agent.knowledge.loaders.html_loader import load_html
from edge_agent.knowledge.loaders.ingest_errors import (
    ContentMismatch,
    DocumentTooComplex,
    DocumentTooLarge,
    EmptyDocument,
    EncryptedDocument,
    IngestError,
    MissingColumns,
    UnreadableDocument,
    UnsafeDocument,
    UnsupportedFormat,
)
from edge_agent.knowledge.loaders.markdown_loader import load_markdown
from edge_agent.knowledge.loaders.office_zip import ZIP_EXPANSION_LIMIT
from edge_agent.knowledge.loaders.pdf_loader import load_pdf
from edge_agent.knowledge.loaders.table_loader import (
    ANSWER_HEADERS,
    PHRASING_HEADERS,
    PHRASING_SPLIT,
    QUESTION_HEADERS,
    SECTION_HEADERS,
    load_csv,
    load_xlsx,
)

LOADERS: dict[str, Loader] = {
    ".md": load_markdown, ".markdown": load_markdown, ".txt": load_markdown,
    ".html": load_html, ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".csv": load_csv, ".xlsx": load_xlsx,
}


def loader_for(name: str, suffix: str) -> Loader:
    """The loader registered for a file suffix, or UnsupportedFormat naming the file."""
    try:
        return LOADERS[suffix.lower()]
    except KeyError:
        raise UnsupportedFormat(f"{name}: unsupported file type '{suffix or '(none)'}'; supported: "
                                + ", ".join(sorted(LOADERS))) from None


__all__ = [
    "ANSWER_HEADERS", "LOADERS", "MAGIC", "PHRASING_HEADERS", "PHRASING_SPLIT", "QUESTION_HEADERS",
    "SECTION_HEADERS", "TEXT_ENCODINGS", "ZIP_EXPANSION_LIMIT", "ContentMismatch", "DocumentTooComplex",
    "DocumentTooLarge", "EmptyDocument", "EncryptedDocument", "IngestError", "LoadedDocument", "Loader",
    "MissingColumns", "UnreadableDocument", "UnsafeDocument", "UnsupportedFormat", "decode_text", "load_csv",
    "load_docx", "load_html", "load_markdown", "load_pdf", "load_xlsx", "loader_for", "sniff",
]
