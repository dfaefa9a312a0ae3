"""Markdown and plain text (.md, .markdown, .txt), with optional front matter."""
from __future__ import annotations

from edge_agent.knowledge.chunking import DocMeta, markdown_meta
from edge_agent.knowledge.loaders.document import LoadedDocument, decode_text, lang_tag


def load_markdown(data: bytes, name: str) -> LoadedDocument:
    """Markdown or plain text with optional `key: value` front matter (title, version, effective, lang)."""
    meta, blocks = markdown_meta(decode_text(data, name))
    return LoadedDocument(blocks=tuple(blocks), meta=DocMeta(
        title=meta.get("title", ""), version=meta.get("version", ""), effective=meta.get("effective", ""),
        lang=lang_tag(meta.get("lang", ""))))
