"""Similar questions staff added to entries from the admin page, kept apart from the documents.

A re-uploaded or re-added document replaces its chunks, so phrasings typed on /admin/kb would vanish with
them. They live here instead — ``data_dir/kb_phrasings.json``, keyed by document id and entry heading (its
section, or the FAQ question), which survive re-ingestion where chunk numbers may not — and ingestion adds
them to the entry's own phrasings every time. Texts here passed the document guard before they were saved.
"""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Iterable, Sequence

from edge_agent.knowledge.chunking import Chunk

FILE_NAME = "kb_phrasings.json"
SEP = "\u241f"  # between document id and heading in a key (never typed in either)
MAX_PER_ENTRY = 50
MAX_CHARS = 200


def entry_key(doc_id: str, heading: str) -> str:
    """The key of an entry: its document and heading."""
    return f"{doc_id}{SEP}{heading}"


def heading_of(chunk: Chunk) -> str:
    """The heading an entry is known by (its section, else its title)."""
    return chunk.section or chunk.title


class PhrasingOverlay:
    """The staff phrasings file: read on each use (small), written atomically with mode 0600."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _read(self) -> dict[str, list[str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {str(k): [str(p) for p in v] for k, v in data.items() if isinstance(v, list)}

    def get(self, doc_id: str, heading: str) -> tuple[str, ...]:
        """The staff phrasings of one entry."""
        return tuple(self._read().get(entry_key(doc_id, heading), ()))

    def add(self, doc_id: str, heading: str, phrasings: Iterable[str]) -> tuple[str, ...]:
        """Add phrasings to an entry (duplicates once, each at most MAX_CHARS); returns the entry's list."""
        with self._lock:
            data = self._read()
            key = entry_key(doc_id, heading)
            merged = list(dict.fromkeys([*data.get(key, []), *(p.strip()[:MAX_CHARS] for p in phrasings
                                                               if p.strip())]))
            if len(merged) > MAX_PER_ENTRY:
                raise ValueError(f"an entry holds at most {MAX_PER_ENTRY} added questions")
            data[key] = merged
            self._write(data)
            return tuple(merged)

    def apply(self, chunks: Sequence[Chunk]) -> list[Chunk]:
        """Chunks with staff phrasings added to the first chunk of each entry they name."""
        from dataclasses import replace

        data = self._read()
        if not data:
            return list(chunks)
        seen: set[str] = set()
        out = []
        for chunk in chunks:
            key = entry_key(chunk.doc_id, heading_of(chunk))
            if key in data and key not in seen:
                chunk = replace(chunk, phrasings=tuple(dict.fromkeys([*chunk.phrasings, *data[key]])))
            seen.add(key)
            out.append(chunk)
        return out

    def _write(self, data: dict[str, list[str]]) -> None:
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=0)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(self.path)
