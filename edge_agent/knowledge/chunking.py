"""Split Markdown and text documents into retrievable chunks that keep title, section, version, date."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.M)
SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|(?<=[.!?])\s+|\n{2,}")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Chunk:
    """One retrievable passage and where it came from."""

    doc_id: str
    index: int
    title: str
    section: str
    text: str
    lang: str
    version: str = ""
    effective: str = ""

    @property
    def chunk_id(self) -> str:
        """Stable id: document id and position."""
        return f"{self.doc_id}#{self.index}"


def detect_lang(text: str) -> str:
    """'zh' when the text has Chinese characters, else 'en'."""
    return "zh" if CJK.search(text) else "en"


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Read a simple `key: value` front-matter block; return it and the rest of the text."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip().lower()] = value.strip().strip("'\"")
    return meta, text[match.end():]


def split_sentences(text: str, max_chars: int) -> list[str]:
    """Pack sentences (Chinese and English punctuation) into pieces of at most max_chars."""
    pieces: list[str] = []
    current = ""
    for sentence in (s for s in SENTENCE_END.split(text) if s and s.strip()):
        while len(sentence) > max_chars:  # one enormous sentence: hard split
            pieces.append(sentence[:max_chars])
            sentence = sentence[max_chars:]
        if current and len(current) + len(sentence) > max_chars:
            pieces.append(current.strip())
            current = ""
        current += sentence if not current or CJK.search(sentence[:1]) else " " + sentence.lstrip()
    if current.strip():
        pieces.append(current.strip())
    return pieces


def chunk_document(doc_id: str, text: str, max_chars: int = 600) -> list[Chunk]:
    """Chunk a Markdown/text document: one chunk per `##` section (split further when long)."""
    meta, body = parse_front_matter(text.replace("\r\n", "\n"))
    headings = list(HEADING.finditer(body))
    title = meta.get("title") or next((m.group(2) for m in headings if len(m.group(1)) == 1),
                                      Path(doc_id).stem)
    sections: list[tuple[str, str]] = []
    cursor, section = 0, ""
    for m in headings:
        sections.append((section, body[cursor:m.start()]))
        cursor, section = m.end(), (m.group(2) if len(m.group(1)) > 1 else section)
    sections.append((section, body[cursor:]))
    lang = meta.get("lang") or detect_lang(body)
    chunks: list[Chunk] = []
    for section_name, section_text in sections:
        clean = section_text.strip()
        if not clean:
            continue
        for piece in split_sentences(clean, max_chars):
            chunks.append(Chunk(doc_id=doc_id, index=len(chunks), title=title, section=section_name,
                                text=piece, lang=lang, version=meta.get("version", ""),
                                effective=meta.get("effective", "")))
    return chunks
