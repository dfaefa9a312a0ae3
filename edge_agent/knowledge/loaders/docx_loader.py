"""Word (.docx) through python-docx (imported when a document is loaded): heading styles, paragraphs, tables."""
from __future__ import annotations

import io
import re
from typing import Any

from edge_agent.knowledge.chunking import Block, DocMeta
from edge_agent.knowledge.loaders.document import LoadedDocument, iso_date, lang_tag
from edge_agent.knowledge.loaders.ingest_errors import UnreadableDocument
from edge_agent.knowledge.loaders.office_zip import check_office_zip


def _docx_level(paragraph: Any) -> int:
    """Heading level from the paragraph style (Title, Heading 1-6, 标题 1-6, or a style based on one)."""
    style = paragraph.style
    for _ in range(4):  # follow base styles a few steps
        if style is None:
            return 0
        label = (style.name or "").strip().lower()
        if label in ("title", "标题"):
            return 1
        match = re.fullmatch(r"(?:heading|标题)\s*([1-6])", label)
        if match:
            return int(match.group(1))
        style = style.base_style
    return 0


def load_docx(data: bytes, name: str) -> LoadedDocument:
    """Word .docx through python-docx: heading styles become headings; tables become rows of text."""
    check_office_zip(data, name, "word/document.xml", "a Word .docx document")
    from docx import Document
    from docx.table import Table

    try:
        doc = Document(io.BytesIO(data))
        blocks: list[Block] = []
        for item in doc.iter_inner_content():
            if isinstance(item, Table):
                for row in item.rows:
                    cells = list(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip()))
                    if cells:
                        blocks.append(Block(" | ".join(cells)))
            elif item.text.strip():
                level = _docx_level(item)
                blocks.append(Block(item.text.strip(), level))
        props = doc.core_properties
        modified = iso_date(props.modified)
        meta = DocMeta(title=(props.title or "").strip(), version=(props.version or "").strip() or modified,
                       effective=modified, lang=lang_tag(props.language or ""))
    except MemoryError:  # the sandbox's memory limit, not a damaged file
        raise
    except Exception as exc:
        raise UnreadableDocument(f"{name}: cannot read the Word document ({type(exc).__name__})") from None
    return LoadedDocument(blocks=tuple(blocks), meta=meta)
