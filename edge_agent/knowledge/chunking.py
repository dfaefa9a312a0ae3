"""Split documents into retrievable chunks that keep source, title, section, version and date.

Every format comes here as a sequence of ``Block``s (a heading of level 1-6, or body text) or as
FAQ ``Entry``s (question/answer pairs); Markdown is parsed into blocks here. Level-1 headings name the
document (when nothing else does), deeper headings name sections; long sections are split on Chinese
and English sentence punctuation (。！？；!?;.).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from edge_agent.knowledge.text import CJK, detect_lang

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.M)
SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|(?<=[.!?])\s+|\n{2,}")
# "Similar questions" under a heading: a label line, then one phrasing per list item.
PHRASINGS_LABEL = re.compile(r"\A\s*(?:相似问题|相似问法|类似问题|其他问法|similar questions|also asked as|"
                             r"other phrasings)\s*[:：]\s*\n", re.I)
LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d+[.)、])\s+(.+?)\s*$")


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
    source: str = ""
    phrasings: tuple[str, ...] = ()  # other ways customers ask what this entry answers
    collection: str = ""  # the knowledge collection (scope) it belongs to, e.g. "bank"

    @property
    def chunk_id(self) -> str:
        """Stable id: document id and position."""
        return f"{self.doc_id}#{self.index}"


@dataclass(frozen=True)
class Block:
    """A heading (level 1-6) or a run of body text (level 0) of a loaded document."""

    text: str
    level: int = 0


@dataclass(frozen=True)
class Entry:
    """One FAQ pair: the question becomes the chunk's title, the answer its text."""

    question: str
    answer: str
    section: str = ""
    phrasings: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocMeta:
    """Document-level facts every chunk carries (empty strings when unknown)."""

    title: str = ""
    version: str = ""
    effective: str = ""
    lang: str = ""
    source: str = ""


def split_phrasings(text: str) -> tuple[tuple[str, ...], str]:
    """A section body's leading "similar questions" list, and the body without it."""
    label = PHRASINGS_LABEL.match(text)
    if not label:
        return (), text
    phrasings: list[str] = []
    lines = text[label.end():].split("\n")
    used = 0
    for line in lines:
        item = LIST_ITEM.match(line)
        if not item:
            break
        phrasings.append(item.group(1))
        used += 1
    return tuple(dict.fromkeys(phrasings)), "\n".join(lines[used:])


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


def markdown_blocks(body: str) -> list[Block]:
    """Markdown (front matter already removed) as heading and body blocks."""
    blocks: list[Block] = []
    cursor = 0
    for m in HEADING.finditer(body):
        blocks.append(Block(body[cursor:m.start()]))
        blocks.append(Block(m.group(2), len(m.group(1))))
        cursor = m.end()
    blocks.append(Block(body[cursor:]))
    return [b for b in blocks if b.level or b.text.strip()]


def chunk_blocks(doc_id: str, blocks: Sequence[Block], meta: DocMeta, max_chars: int = 600) -> list[Chunk]:
    """Chunk headed text: one chunk per section (split further when long); level-1 headings name the doc."""
    title = meta.title or next((b.text for b in blocks if b.level == 1), "") or Path(doc_id).stem
    sections: list[tuple[str, list[str]]] = [("", [])]
    for block in blocks:
        if block.level == 0:
            sections[-1][1].append(block.text.strip())
        elif block.level > 1:
            sections.append((block.text.strip(), []))
        else:  # a level-1 heading ends the section without naming a new one
            sections.append((sections[-1][0], []))
    lang = meta.lang or detect_lang(" ".join(b.text for b in blocks))
    chunks: list[Chunk] = []
    for section_name, texts in sections:
        phrasings, first = split_phrasings(texts[0]) if texts else ((), "")
        clean = "\n\n".join(t for t in [first, *texts[1:]] if t.strip()).strip()
        for n, piece in enumerate(split_sentences(clean, max_chars) if clean else ()):
            chunks.append(Chunk(doc_id=doc_id, index=len(chunks), title=title, section=section_name, text=piece,
                                lang=lang, version=meta.version, effective=meta.effective, source=meta.source,
                                phrasings=phrasings if n == 0 else ()))
    return chunks


def merge_entries(entries: Iterable[Entry]) -> list[Entry]:
    """FAQ rows with the same answer (and section) are one entry: later rows' questions become phrasings."""
    merged: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        question, answer = entry.question.strip(), entry.answer.strip()
        if not question or not answer:
            continue
        key = (answer, entry.section.strip())
        if key in merged:
            first = merged[key]
            extra = (question, *entry.phrasings)
            merged[key] = Entry(first.question, first.answer, first.section,
                                tuple(dict.fromkeys(p for p in (*first.phrasings, *extra) if p != first.question)))
        else:
            merged[key] = Entry(question, answer, entry.section.strip(),
                                tuple(dict.fromkeys(p.strip() for p in entry.phrasings if p.strip() != question)))
    return list(merged.values())


def chunk_entries(doc_id: str, entries: Iterable[Entry], meta: DocMeta, max_chars: int = 600) -> list[Chunk]:
    """Chunk FAQ pairs: each answer (split when long) under its question as title; language per entry.

    Rows repeating an earlier row's answer are merged into it as alternative phrasings (shown once).
    """
    chunks: list[Chunk] = []
    for entry in merge_entries(entries):
        lang = meta.lang or detect_lang(entry.question + entry.answer)
        for n, piece in enumerate(split_sentences(entry.answer, max_chars)):
            chunks.append(Chunk(doc_id=doc_id, index=len(chunks), title=entry.question, section=entry.section,
                                text=piece, lang=lang, version=meta.version, effective=meta.effective,
                                source=meta.source, phrasings=entry.phrasings if n == 0 else ()))
    return chunks


def markdown_meta(text: str) -> tuple[dict[str, str], list[Block]]:
    """Front matter and blocks of a Markdown/text document."""
    meta, body = parse_front_matter(text.replace("\r\n", "\n"))
    return meta, markdown_blocks(body)


def chunk_document(doc_id: str, text: str, max_chars: int = 600) -> list[Chunk]:
    """Chunk a Markdown/text document: one chunk per `##` section (split further when long)."""
    meta, blocks = markdown_meta(text)
    return chunk_blocks(doc_id, blocks, DocMeta(title=meta.get("title", ""), version=meta.get("version", ""),
                                                effective=meta.get("effective", ""), lang=meta.get("lang", "")),
                        max_chars)
