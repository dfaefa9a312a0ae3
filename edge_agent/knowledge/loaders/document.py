"""What every loader returns (``LoadedDocument``) and what they share: sniffing, text decoding, metadata."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from edge_agent.knowledge.chunking import Block, DocMeta, Entry
from edge_agent.knowledge.loaders.ingest_errors import ContentMismatch


@dataclass(frozen=True)
class LoadedDocument:
    """What a loader extracted: headed text or FAQ pairs, and the document's own metadata."""

    blocks: tuple[Block, ...] = ()
    entries: tuple[Entry, ...] = ()
    meta: DocMeta = DocMeta()

    @property
    def is_empty(self) -> bool:
        """True when there is no text to index."""
        return not any(b.text.strip() for b in self.blocks if b.level == 0) and not any(
            e.question.strip() and e.answer.strip() for e in self.entries)


Loader = Callable[[bytes, str], LoadedDocument]

# Leading bytes of formats that are never text, so a mislabelled file gets a helpful message.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF"), (b"PK\x03\x04", "a ZIP/Office file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy or password-protected Office file"),
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"\x7fELF", "a program"), (b"MZ", "a program"), (b"\x1f\x8b", "a gzip archive"),
)
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 covers the GBK files Chinese Windows tools write


def sniff(data: bytes) -> str | None:
    """What the leading bytes say the file is ('a PDF', 'a PNG image'…), or None for no known binary."""
    return next((kind for magic, kind in MAGIC if data.startswith(magic)), None)


def decode_text(data: bytes, name: str) -> str:
    """Decode a text file (UTF-8, UTF-16 with BOM or GB18030); refuse binary content."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    kind = sniff(data)
    if kind or b"\x00" in data[:65536]:
        raise ContentMismatch(f"{name}: content is {kind or 'binary'}, not text as its extension says")
    for encoding in TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ContentMismatch(f"{name}: not UTF-8 or GB18030 text")


def iso_date(value: Any) -> str:
    """An ISO date from a datetime (or ''), for version/effective fallbacks."""
    return value.date().isoformat() if isinstance(value, datetime) else ""


def lang_tag(value: str) -> str:
    """'zh'/'en' from a language tag like zh-CN or en-GB, '' otherwise."""
    tag = value.strip().lower()[:2]
    return tag if tag in ("zh", "en") else ""
