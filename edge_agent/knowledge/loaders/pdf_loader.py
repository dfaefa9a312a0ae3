"""PDF (.pdf): the text layer through pypdf (imported when a PDF is loaded), one section per page."""
from __future__ import annotations

import io
import re
from typing import Any

from edge_agent.knowledge.chunking import Block, DocMeta
from edge_agent.knowledge.loaders.document import LoadedDocument, iso_date, sniff
from edge_agent.knowledge.loaders.ingest_errors import (
    ContentMismatch,
    DocumentTooLarge,
    EncryptedDocument,
    IngestError,
    UnreadableDocument,
)


def _join_pdf_lines(text: str) -> str:
    """Undo the PDF's line wrapping: join lines inside a sentence, break after sentence ends and blank lines."""
    paragraphs: list[str] = []
    current = ""
    for line in (ln.strip() for ln in text.splitlines()):
        if current and (not line or re.search(r"[。！？；.!?;:：]$", current)):
            paragraphs.append(current)
            current = ""
        if line:
            cjk_joint = bool(re.match(r"[\u3400-\u9fff]", line) and re.search(r"[\u3400-\u9fff，、]$", current))
            current = current + line if (cjk_joint or not current) else current + " " + line
    return "\n\n".join(paragraphs + ([current] if current else []))


MAX_PAGES = 500  # pages read from one PDF (setting ingest_max_pages)


def load_pdf(data: bytes, name: str, max_pages: int = MAX_PAGES) -> LoadedDocument:
    """PDF text layer through pypdf, one section per page; encrypted files need an empty user password.
    More than ``max_pages`` pages is refused before any page's text is extracted."""
    if b"%PDF-" not in data[:1024]:
        raise ContentMismatch(f"{name}: content is {sniff(data) or 'not a PDF'}, not a PDF as its extension says")
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _decrypt_empty(reader):
            raise EncryptedDocument(f"{name}: the PDF is password-protected; remove the password and try again")
        if len(reader.pages) > max_pages:
            raise DocumentTooLarge(f"{name}: {len(reader.pages):,} pages, over the limit of {max_pages:,} "
                                   "(setting ingest_max_pages)")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except (IngestError, MemoryError):  # a MemoryError is the sandbox's limit, not a damaged file
        raise
    except Exception as exc:  # pypdf raises many types for damaged files
        raise UnreadableDocument(f"{name}: cannot read the PDF ({type(exc).__name__}); is it damaged?") from None
    blocks: list[Block] = []
    for number, page in enumerate(pages, 1):
        text = _join_pdf_lines(page)
        if text:
            blocks += [Block(f"p. {number}", 2), Block(text)]
    title = modified = ""
    if info is not None:
        title = str(info.title or "").strip()
        try:
            modified = iso_date(info.modification_date or info.creation_date)
        except Exception:  # a malformed date string in the info dictionary
            modified = ""
    return LoadedDocument(blocks=tuple(blocks), meta=DocMeta(title=title, effective=modified, version=modified))


def _decrypt_empty(reader: Any) -> bool:
    """Open a PDF that is encrypted with an empty user password (permissions-only protection)."""
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False
