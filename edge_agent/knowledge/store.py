"""The knowledge store: Chroma on disk (telemetry off, our own embeddings), add/replace/search."""
from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence

from edge_agent.knowledge.chunking import Chunk
from edge_agent.knowledge.embedder import Embedder, embed_queries
from edge_agent.knowledge.lexical import TOKENIZER_VERSION, LexicalIndex, LexicalMatch, tokens
from edge_agent.knowledge.views import decode_views, encode_views, entry_score, entry_views, question_views

if TYPE_CHECKING:
    from edge_agent.knowledge.ingest import IngestReport, RedactorLike

COLLECTION = "knowledge"
VIEWS = "knowledge_views"
DOC_META = ("sha256", "ingested", "doc_title")  # document-level facts every chunk of a document carries
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
    phrasings: tuple[str, ...] = ()
    collection: str = "default"


def chunk_from(chunk_id: str, text: str, meta: Mapping[str, Any]) -> Chunk:
    """A stored entry as a Chunk again (for re-tokenizing entries written by an older version)."""
    phrasings = tuple(p for p in str(meta.get("phrasings", "")).split("\n") if p)
    return Chunk(doc_id=str(meta["doc_id"]), index=int(meta.get("index", 0)), title=str(meta.get("title", "")),
                 section=str(meta.get("section", "")), text=text, lang=str(meta.get("lang", "")),
                 version=str(meta.get("version", "")), effective=str(meta.get("effective", "")),
                 source=str(meta.get("source", "")), phrasings=phrasings,
                 collection=str(meta.get("collection") or "default"))


def _hit(chunk_id: str, text: str, meta: Mapping[str, Any], score: float) -> Hit:
    return Hit(chunk_id=chunk_id, doc_id=str(meta["doc_id"]), title=str(meta["title"]), section=str(meta["section"]),
               text=text, lang=str(meta["lang"]), score=score,
               phrasings=tuple(p for p in str(meta.get("phrasings", "")).split("\n") if p),
               collection=str(meta.get("collection") or "default"))


@dataclass(frozen=True)
class Snapshot:
    """The store in memory: entries with passage vectors, question views with theirs, the lexical index."""

    ids: tuple[str, ...]
    hits: tuple[Hit, ...]
    passages: Any  # numpy (entries × dim), unit vectors
    view_entry: tuple[str, ...]
    view_n: tuple[int, ...]
    view_text: tuple[str, ...]
    views: Any  # numpy (views × dim)
    lexical: LexicalIndex


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
    """Chroma PersistentClient under the data directory. One writer process (Chroma is not multi-process safe).

    Every entry (chunk) is stored with its passage vector in ``knowledge``; its question views — the section
    heading or FAQ question and each alternative phrasing — are embedded as e5 questions in ``knowledge_views``
    (pointing back at the entry), and all of its views are in the in-memory BM25 index (built on first use from
    the token lists kept in each entry's metadata).
    """

    def __init__(self, path: Path, embedder: Embedder, *, client: Any = None) -> None:
        """``client``: a Chroma client to use instead of the embedded one under ``path`` (a Chroma server's
        ``HttpClient``, see edge_agent.knowledge.shared)."""
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        if client is None:
            path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(
                path=str(path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False))
        self._client = client
        # embedding_function=None: we always pass vectors, so Chroma never loads (or downloads) its default model
        self._col = self._client.get_or_create_collection(
            COLLECTION, embedding_function=None, metadata={"hnsw:space": "cosine"})
        self._views = self._client.get_or_create_collection(
            VIEWS, embedding_function=None, metadata={"hnsw:space": "cosine"})
        self._embedder = embedder
        self._write_lock = threading.Lock()
        self._lexical: LexicalIndex | None = None
        self._collections: dict[str, str] | None = None  # entry id -> collection
        self._by_collection: dict[str, frozenset[str]] | None = None  # derived from _collections

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
        questions = [(c, n, q) for c in chunks for n, q in enumerate(question_views(c), start=1)]
        q_vectors = embed_queries(self._embedder, [q for _, _, q in questions])
        extra = dict(doc_meta or {})
        ids = [c.chunk_id for c in chunks]
        metadatas = [{**extra, "doc_id": c.doc_id, "title": c.title, "section": c.section, "lang": c.lang,
                      "version": c.version, "effective": c.effective, "source": c.source, "index": c.index,
                      "phrasings": "\n".join(c.phrasings), "collection": c.collection or "default",
                      "lex": encode_views(entry_views(c)), "lex_v": TOKENIZER_VERSION}
                     for c in chunks]
        view_ids = [f"{c.chunk_id}~{n}" for c, n, _ in questions]
        view_meta = [{"entry": c.chunk_id, "doc_id": c.doc_id, "n": n, "lang": c.lang,
                      "collection": c.collection or "default"} for c, n, _ in questions]
        with self._write_lock:
            old = self._col.get(where={"doc_id": doc_id}, include=["embeddings", "documents", "metadatas"])
            old_views = self._views.get(where={"doc_id": doc_id}, include=[])["ids"]
            try:
                if chunks:
                    self._col.upsert(ids=ids, embeddings=vectors, documents=[c.text for c in chunks],
                                     metadatas=metadatas)
                if view_ids:
                    self._views.upsert(ids=view_ids, embeddings=q_vectors, documents=[q for _, _, q in questions],
                                       metadatas=view_meta)
                stale = [i for i in old["ids"] if i not in set(ids)]
                if stale:
                    self._col.delete(ids=stale)
                stale_views = [i for i in old_views if i not in set(view_ids)]
                if stale_views:
                    self._views.delete(ids=stale_views)
            except Exception:
                self._restore(ids, old)
                raise
            self._forget(old["ids"])
            self._learn(ids, metadatas)
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

    def set_phrasings(self, chunk_id: str, phrasings: Sequence[str]) -> int:
        """Give one entry these phrasings (its document is stored again, texts unchanged); returns its chunks.

        Raises KeyError for an unknown entry.
        """
        doc_id = chunk_id.rpartition("#")[0]
        res = self._col.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        if chunk_id not in res["ids"]:
            raise KeyError(chunk_id)
        chunks, doc_meta = [], {}
        for cid, text, meta in zip(res["ids"], res["documents"] or [], res["metadatas"] or []):
            chunk = chunk_from(cid, text, meta)
            chunks.append(replace(chunk, phrasings=tuple(dict.fromkeys(phrasings))) if cid == chunk_id else chunk)
            doc_meta = {k: str(meta[k]) for k in DOC_META if k in meta}
        chunks.sort(key=lambda c: c.index)
        return self.replace_document(doc_id, chunks, doc_meta)

    def remove_document(self, doc_id: str) -> int:
        """Delete every chunk of a document; returns how many there were."""
        with self._write_lock:
            ids = self._col.get(where={"doc_id": doc_id}, include=[])["ids"]
            if ids:
                self._col.delete(ids=ids)
            view_ids = self._views.get(where={"doc_id": doc_id}, include=[])["ids"]
            if view_ids:
                self._views.delete(ids=view_ids)
            self._forget(ids)
        return len(ids)

    # --- the in-memory lexical index and collection map ----------------------------------------
    def _forget(self, ids: Sequence[str]) -> None:
        self._by_collection = None
        if self._lexical is not None:
            self._lexical.remove_entries(ids)
        if self._collections is not None:
            for i in ids:
                self._collections.pop(i, None)

    def _learn(self, ids: Sequence[str], metadatas: Sequence[Mapping[str, Any]]) -> None:
        self._by_collection = None
        if self._lexical is not None:
            for i, meta in zip(ids, metadatas):
                self._lexical.set_entry(i, decode_views(str(meta["lex"])))
        if self._collections is not None:
            for i, meta in zip(ids, metadatas):
                self._collections[i] = str(meta.get("collection") or "default")

    def _load_maps(self) -> tuple[LexicalIndex, dict[str, str]]:
        """Build the lexical index and collection map from the stored entries (once per process)."""
        with self._write_lock:
            if self._lexical is None or self._collections is None:
                lexical, collections = LexicalIndex(), {}
                for ids, docs, metas in self._pages():
                    for i, doc, meta in zip(ids, docs, metas):
                        if meta.get("lex_v") == TOKENIZER_VERSION and "lex" in meta:
                            views = decode_views(str(meta["lex"]))
                        else:  # stored by an older version: tokenize now (not written back)
                            views = entry_views(chunk_from(i, doc, meta))
                        lexical.set_entry(i, views)
                        collections[i] = str(meta.get("collection") or "default")
                self._lexical, self._collections = lexical, collections
            return self._lexical, self._collections

    def _pages(self, page: int = 5000) -> Iterator[tuple[list[str], list[str], list[Mapping[str, Any]]]]:
        offset = 0
        while True:
            res = self._col.get(include=["documents", "metadatas"], limit=page, offset=offset)
            if not res["ids"]:
                return
            yield res["ids"], res["documents"] or [], res["metadatas"] or []
            offset += len(res["ids"])

    def _members(self) -> dict[str, frozenset[str]]:
        """Collection -> its entry ids, computed once after each change (the chat path asks every message)."""
        members = self._by_collection
        if members is None:
            grouped: dict[str, set[str]] = {}
            for entry, name in self._load_maps()[1].items():
                grouped.setdefault(name, set()).add(entry)
            members = self._by_collection = {n: frozenset(ids) for n, ids in sorted(grouped.items())}
        return members

    def collections(self) -> dict[str, int]:
        """Each collection (scope) and how many entries it holds."""
        return {name: len(ids) for name, ids in self._members().items()}

    def entries_in(self, collection: str | None) -> frozenset[str] | None:
        """Entry ids of a collection (None: no restriction)."""
        return self._members().get(collection, frozenset()) if collection else None

    def restore_pinyin(self, text: str) -> str:
        """Pinyin fragments of a Chinese question written as the knowledge base's Chinese words."""
        return self._load_maps()[0].restore_pinyin(text)

    def lexical(self, query: str, k: int, collection: str | None = None) -> list[LexicalMatch]:
        """The k entries that best match the query's words (BM25 over every view of each entry)."""
        index = self._load_maps()[0]
        return index.search(tokens(query), k, self.entries_in(collection))

    def snapshot(self) -> "Snapshot":
        """Every entry and question view with its vector, in memory (for `kb calibrate`)."""
        import numpy as np

        ids, hits, passages = [], [], []
        offset = 0
        while True:
            res = self._col.get(include=["documents", "metadatas", "embeddings"], limit=5000, offset=offset)
            if not res["ids"]:
                break
            for cid, doc, meta, vec in zip(res["ids"], res["documents"], res["metadatas"], res["embeddings"]):
                ids.append(cid)
                hits.append(_hit(cid, doc, meta, 0.0))
                passages.append(vec)
            offset += len(res["ids"])
        view_entry, view_n, view_text, view_vecs = [], [], [], []
        offset = 0
        while True:
            res = self._views.get(include=["documents", "metadatas", "embeddings"], limit=5000, offset=offset)
            if not res["ids"]:
                break
            for doc, meta, vec in zip(res["documents"], res["metadatas"], res["embeddings"]):
                view_entry.append(str(meta["entry"]))
                view_n.append(int(meta["n"]))
                view_text.append(doc)
                view_vecs.append(vec)
            offset += len(res["ids"])
        dim = len(passages[0]) if passages else 0
        return Snapshot(tuple(ids), tuple(hits), np.asarray(passages, dtype=np.float32).reshape(-1, dim),
                        tuple(view_entry), tuple(view_n), tuple(view_text),
                        np.asarray(view_vecs, dtype=np.float32).reshape(-1, dim), self._load_maps()[0])

    # --- reading ------------------------------------------------------------------------------
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

    def document_entries(self, doc_id: str) -> list[Hit]:
        """Every stored entry of one document (score 0)."""
        res = self._col.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        return [_hit(cid, doc, meta, 0.0) for cid, doc, meta in zip(res["ids"], res["documents"] or [],
                                                                    res["metadatas"] or [])]

    def get_entries(self, ids: Sequence[str]) -> dict[str, Hit]:
        """Stored entries by id (score 0); unknown ids are left out."""
        if not ids:
            return {}
        res = self._col.get(ids=list(ids), include=["documents", "metadatas"])
        return {cid: _hit(cid, doc, meta, 0.0) for cid, doc, meta in zip(res["ids"], res["documents"] or [],
                                                                          res["metadatas"] or [])}

    def dense(self, vector: Sequence[float], k: int, collection: str | None = None) -> list[tuple[str, float]]:
        """The k entries nearest a question vector: best of the passage and question views, best first."""
        total = self.count()
        if total == 0:
            return []
        where = {"collection": collection} if collection else None
        vec = [[float(x) for x in vector]]
        sims: dict[str, list[float]] = {}
        n_questions: dict[str, int] = {}
        res = self._col.query(query_embeddings=vec, n_results=min(total, k), where=where, include=["distances"])
        for cid, dist in zip(res["ids"][0], res["distances"][0]):
            sims.setdefault(cid, []).append(1.0 - dist)
        n_views = self._views.count()
        if n_views:
            res = self._views.query(query_embeddings=vec, n_results=min(n_views, 3 * k), where=where,
                                    include=["distances", "metadatas"])
            for meta, dist in zip(res["metadatas"][0], res["distances"][0]):
                entry = str(meta["entry"])
                sims.setdefault(entry, []).append(1.0 - dist)
                n_questions[entry] = n_questions.get(entry, 0) + 1
        scored = ((c, round(entry_score(v, n_questions.get(c, 0)), 4)) for c, v in sims.items())
        return sorted(scored, key=lambda x: -x[1])[: max(k, 1) * 2]

    def search(self, query: str, k: int, lang: str | None = None, *,
               vector: Sequence[float] | None = None, collection: str | None = None) -> list[Hit]:
        """The k entries closest to the query by meaning alone, best first (same language slightly preferred).

        ``vector``: the query already embedded (``embed_query``) by the caller; it is then not embedded again.
        """
        if not query.strip() or self.count() == 0:
            return []
        vector = [float(x) for x in vector] if vector is not None else self._embedder.embed_query(query)
        scored = self.dense(vector, k, collection)
        found = self.get_entries([c for c, _ in scored])
        hits = [replace(found[c], score=s) for c, s in scored if c in found]
        bonus = {True: SAME_LANG_BONUS, False: 0.0}
        hits.sort(key=lambda h: h.score + bonus[h.lang == lang], reverse=True)
        return hits[:k]

    def ingest(self, paths: Iterable[Path], max_chars: int,
               redactor: "RedactorLike | None" = None) -> "IngestReport":
        """Add/replace files (directories walked); see edge_agent.knowledge.ingest.add_paths."""
        from edge_agent.knowledge.ingest import IngestOptions, add_paths

        return add_paths(self, paths, IngestOptions(max_chars=max_chars), redactor)
