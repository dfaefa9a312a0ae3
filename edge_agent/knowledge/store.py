"""The knowledge store: Chroma on disk (telemetry off, our own embeddings), add/replace/search."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from edge_agent.knowledge.chunking import Chunk
from edge_agent.knowledge.embedder import Embedder

if TYPE_CHECKING:
    from edge_agent.knowledge.ingest import IngestReport, RedactorLike

COLLECTION = "knowledge"
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
class DocumentInfo:
    """One stored document as `kb list` shows it."""

    doc_id: str
    title: str
    chunks: int
    version: str
    effective: str
    source: str
    sha256: str
    ingested: str


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

    @property
    def embedder(self) -> Embedder:
        """The embedder behind the store (questions must be embedded with the same one)."""
        return self._embedder

    def count(self) -> int:
        """Chunks in the store."""
        return self._col.count()

    def replace_document(self, doc_id: str, chunks: Sequence[Chunk],
                         doc_meta: Mapping[str, str] | None = None) -> int:
        """Swap in a document's chunks: embed first, then write; if writing fails the old chunks stay."""
        vectors = self._embedder.embed_passages([f"{c.title} — {c.section}\n{c.text}" for c in chunks])
        if len(vectors) != len(chunks):
            raise RuntimeError("the embedder returned the wrong number of vectors")
        extra = dict(doc_meta or {})
        ids = [c.chunk_id for c in chunks]
        metadatas = [{**extra, "doc_id": c.doc_id, "title": c.title, "section": c.section, "lang": c.lang,
                      "version": c.version, "effective": c.effective, "source": c.source, "index": c.index}
                     for c in chunks]
        with self._write_lock:
            old = self._col.get(where={"doc_id": doc_id}, include=["embeddings", "documents", "metadatas"])
            try:
                if chunks:
                    self._col.upsert(ids=ids, embeddings=vectors, documents=[c.text for c in chunks],
                                     metadatas=metadatas)
                stale = [i for i in old["ids"] if i not in set(ids)]
                if stale:
                    self._col.delete(ids=stale)
            except Exception:
                self._restore(ids, old)
                raise
        return len(chunks)

    def _restore(self, new_ids: list[str], old: Mapping[str, Any]) -> None:
        """Best-effort rollback of a failed swap: drop the new chunks, put the old ones back."""
        try:
            if new_ids:
                self._col.delete(ids=new_ids)
            if old["ids"]:
                self._col.upsert(ids=old["ids"], embeddings=old["embeddings"], documents=old["documents"],
                                 metadatas=old["metadatas"])
        except Exception:  # the original error is the one worth raising
            pass

    def remove_document(self, doc_id: str) -> int:
        """Delete every chunk of a document; returns how many there were."""
        with self._write_lock:
            ids = self._col.get(where={"doc_id": doc_id}, include=[])["ids"]
            if ids:
                self._col.delete(ids=ids)
        return len(ids)

    def list_documents(self, doc_id: str | None = None) -> tuple[DocumentInfo, ...]:
        """Stored documents (or just one, by id), sorted by id."""
        res = self._col.get(where={"doc_id": doc_id} if doc_id else None, include=["metadatas"])
        docs: dict[str, list[Mapping[str, Any]]] = {}
        for meta in res["metadatas"] or []:
            docs.setdefault(str(meta["doc_id"]), []).append(meta)
        firsts = {d: min(m, key=lambda x: int(x.get("index", 0))) for d, m in docs.items()}
        return tuple(DocumentInfo(doc_id=d, title=str(f.get("doc_title") or f.get("title", "")), chunks=len(docs[d]),
                                  version=str(f.get("version", "")), effective=str(f.get("effective", "")),
                                  source=str(f.get("source", "")), sha256=str(f.get("sha256", "")),
                                  ingested=str(f.get("ingested", "")))
                     for d, f in sorted(firsts.items()))

    def search(self, query: str, k: int, lang: str | None = None, *,
               vector: Sequence[float] | None = None) -> list[Hit]:
        """The k passages closest to the query, best first (same-language passages slightly preferred).

        ``vector``: the query already embedded (``embed_query``) by the caller, who reuses it (the scope check);
        the query is then not embedded again.
        """
        if not query.strip() or self.count() == 0:
            return []
        vector = [float(x) for x in vector] if vector is not None else self._embedder.embed_query(query)
        res = self._col.query(query_embeddings=[vector], n_results=min(self.count(), k * 2),
                              include=["documents", "metadatas", "distances"])
        hits = [Hit(chunk_id=cid, doc_id=meta["doc_id"], title=meta["title"], section=meta["section"],
                    text=doc, lang=meta["lang"], score=round(1.0 - dist, 4))
                for cid, doc, meta, dist in zip(res["ids"][0], res["documents"][0], res["metadatas"][0],
                                                res["distances"][0])]
        bonus = {True: SAME_LANG_BONUS, False: 0.0}
        hits.sort(key=lambda h: h.score + bonus[h.lang == lang], reverse=True)
        return hits[:k]

    def ingest(self, paths: Iterable[Path], max_chars: int,
               redactor: "RedactorLike | None" = None) -> "IngestReport":
        """Add/replace files (directories walked); see edge_agent.knowledge.ingest.add_paths."""
        from edge_agent.knowledge.ingest import IngestOptions, add_paths

        return add_paths(self, paths, IngestOptions(max_chars=max_chars), redactor)
