"""The knowledge store: Chroma on disk (telemetry off, our own embeddings), add/replace/search."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from edge_agent.knowledge.chunking import Chunk, chunk_document
from edge_agent.knowledge.embedder import Embedder

COLLECTION = "knowledge"
SUFFIXES = (".md", ".markdown", ".txt")
SAME_LANG_BONUS = 0.02  # prefer the customer's language when two passages say the same thing


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its cosine similarity to the question."""

    chunk_id: str
    doc_id: str
    title: str
    section: str
    text: str
    lang: str
    score: float


@dataclass(frozen=True)
class IngestReport:
    """What one ingest run did."""

    documents: int
    chunks: int
    skipped: tuple[str, ...]


class KnowledgeStore:
    """Chroma PersistentClient under the data directory. One writer process (Chroma is not multi-process safe)."""

    def __init__(self, path: Path, embedder: Embedder) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        path.mkdir(parents=True, exist_ok=True)
        self._client = chromadb.PersistentClient(
            path=str(path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False))
        # embedding_function=None: we always pass vectors, so Chroma never loads (or downloads) its default model
        self._col = self._client.get_or_create_collection(
            COLLECTION, embedding_function=None, metadata={"hnsw:space": "cosine"})
        self._embedder = embedder
        self._write_lock = threading.Lock()

    def count(self) -> int:
        """Chunks in the store."""
        return self._col.count()

    def replace_document(self, doc_id: str, chunks: Sequence[Chunk]) -> int:
        """Store a document's chunks, removing whatever that document had before."""
        vectors = self._embedder.embed_passages([f"{c.title} — {c.section}\n{c.text}" for c in chunks])
        with self._write_lock:
            self._col.delete(where={"doc_id": doc_id})
            if chunks:
                self._col.add(
                    ids=[c.chunk_id for c in chunks], embeddings=vectors, documents=[c.text for c in chunks],
                    metadatas=[{"doc_id": c.doc_id, "title": c.title, "section": c.section, "lang": c.lang,
                                "version": c.version, "effective": c.effective, "index": c.index}
                               for c in chunks])
        return len(chunks)

    def remove_document(self, doc_id: str) -> None:
        """Delete every chunk of a document."""
        with self._write_lock:
            self._col.delete(where={"doc_id": doc_id})

    def search(self, query: str, k: int, lang: str | None = None) -> list[Hit]:
        """The k passages closest to the query, best first (same-language passages slightly preferred)."""
        if not query.strip() or self.count() == 0:
            return []
        vector = self._embedder.embed_query(query)
        res = self._col.query(query_embeddings=[vector], n_results=min(self.count(), k * 2),
                              include=["documents", "metadatas", "distances"])
        hits = [Hit(chunk_id=cid, doc_id=meta["doc_id"], title=meta["title"], section=meta["section"],
                    text=doc, lang=meta["lang"], score=round(1.0 - dist, 4))
                for cid, doc, meta, dist in zip(res["ids"][0], res["documents"][0], res["metadatas"][0],
                                                res["distances"][0])]
        bonus = {True: SAME_LANG_BONUS, False: 0.0}
        hits.sort(key=lambda h: h.score + bonus[h.lang == lang], reverse=True)
        return hits[:k]

    def ingest(self, paths: Iterable[Path], max_chars: int) -> IngestReport:
        """Load .md/.txt files (directories walked); re-ingesting a file replaces its old chunks."""
        documents = chunks = 0
        skipped: list[str] = []
        for root in paths:
            for file, doc_id in _walk(root):
                if file.suffix.lower() not in SUFFIXES:
                    skipped.append(f"{file}: unsupported file type")
                    continue
                try:
                    text = file.read_text(encoding="utf-8")
                except (UnicodeDecodeError, OSError) as exc:
                    skipped.append(f"{file}: cannot read ({type(exc).__name__})")
                    continue
                parts = chunk_document(doc_id, text, max_chars)
                if not parts:
                    skipped.append(f"{file}: empty")
                    continue
                chunks += self.replace_document(doc_id, parts)
                documents += 1
        return IngestReport(documents, chunks, tuple(skipped))


def _walk(root: Path) -> Iterable[tuple[Path, str]]:
    """Files under root with their document ids (path relative to a directory argument, else the name)."""
    if root.is_dir():
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            yield file, file.relative_to(root).as_posix()
    elif root.is_file():
        yield root, root.name
    else:
        raise FileNotFoundError(f"no such file or directory: {root}")
