"""Public FAQ benchmarks (Banking77, AFQMC) in process: hybrid retrieval vs dense-only on the same run; JSON.

The KB table from ../shared/bench_external/ is ingested (real e5, real Chroma; rows with the same answer become
one entry with alternative phrasings, as `kb add` does) into a temporary data directory; every test question
then goes through the real hybrid retriever and decision, once with the shipped decision model and once after
`kb calibrate` fitted it and the KB's intent head on this KB (no hand tuning). Dense-only = the nearest
entry by e5 alone (best of the entry's passage and question vectors), no threshold. An entry's intent is
read from its answer's marker (`[B77:<intent>]`) or, for `zh_kb_nomarker.csv`, from the table's `intent` column.

    .venv/bin/python benchmarks/bench_faq_external.py banking77 [--limit N]
    .venv/bin/python benchmarks/bench_faq_external.py afqmc [--limit N]

Banking77's KB rows are from its train split; the test split is only scored here, never tuned on. AFQMC has
no licence for redistribution: it is read from ../shared at run time and never copied into the project.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edge_agent.chat import ranking  # noqa: E402
from edge_agent.chat.calibration import calibrate  # noqa: E402
from edge_agent.chat.head import head_for  # noqa: E402
from edge_agent.chat.retrieval import ScopeIndex  # noqa: E402
from edge_agent.chat.retriever import ANSWER, CLARIFY, Retriever  # noqa: E402
from edge_agent.knowledge.embedder import E5Embedder  # noqa: E402
from edge_agent.knowledge.store import KnowledgeStore  # noqa: E402
from edge_agent.knowledge.text import detect_lang  # noqa: E402

EXTERNAL = ROOT.parent / "shared" / "bench_external"
SETS = {"banking77": ("banking77_kb.csv", "banking77_test.jsonl"), "afqmc": ("zh_kb.csv", "zh_test.jsonl")}
MARKER = re.compile(r"\[([A-Za-z0-9]+):([^\]\s]+)\]")


def intents_by_question(kb: Path) -> dict[str, str]:
    """Question text -> intent key, from the marker or the intent column."""
    rows = list(csv.DictReader(kb.read_text(encoding="utf-8-sig").splitlines()))
    out = {}
    for r in rows:
        m = MARKER.search(r["answer"])
        out[r["question"].strip()] = (r.get("intent") or (m.group(2) if m else "")).strip()
    return out


def entry_intent(hit, by_question: dict[str, str]) -> str:
    m = MARKER.search(hit.text)
    return m.group(2) if m else by_question.get(hit.title.strip(), "")


def score(retriever: Retriever, store: KnowledgeStore, tests: list[dict], by_q: dict[str, str]) -> dict:
    """acc@1 (answered, right), ranking acc@1/@3 whatever the decision, declined/clarify rates, dense-only acc@1."""
    n = len(tests)
    acc1 = top1 = top3 = dense1 = declined = clarified = offered = 0
    ms = []
    for t in tests:
        lang = detect_lang(t["question"])
        t0 = time.perf_counter()
        result = retriever.retrieve(t["question"], lang)
        ms.append((time.perf_counter() - t0) * 1000)
        ranked, hits, _, _ = retriever.ranked(t["question"], lang, None)
        order = [hits[c.entry_id] for c in ranked]
        intents = [entry_intent(h, by_q) for h in order]
        top1 += bool(intents) and intents[0] == t["intent"]
        top3 += t["intent"] in intents[:3]
        if result.decision == ANSWER:
            acc1 += entry_intent(result.hits[0], by_q) == t["intent"]
        elif result.decision == CLARIFY:
            clarified += 1
            offered += any(entry_intent(h, by_q) == t["intent"] for h in result.hits)
        else:
            declined += 1
        dense = sorted((c for c in ranked if c.dense_rank), key=lambda c: c.dense_rank)
        dense1 += bool(dense) and entry_intent(hits[dense[0].entry_id], by_q) == t["intent"]
    return {"acc@1": round(acc1 / n, 4), "acc@1_with_clarify": round((acc1 + offered) / n, 4),
            "ranking_acc@1": round(top1 / n, 4), "ranking_acc@3": round(top3 / n, 4),
            "dense_only_acc@1": round(dense1 / n, 4), "declined": round(declined / n, 4),
            "clarified": round(clarified / n, 4), "clarify_offered_right": round(offered / max(clarified, 1), 4),
            "latency_ms_p50": round(statistics.median(ms), 1),
            "latency_ms_p95": round(sorted(ms)[int(0.95 * (len(ms) - 1))], 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dataset", choices=sorted(SETS))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--data-dir", help="reuse an ingested data directory")
    args = ap.parse_args()
    kb_name, test_name = SETS[args.dataset]
    kb, test = EXTERNAL / kb_name, EXTERNAL / test_name
    tests = [json.loads(line) for line in test.read_text(encoding="utf-8").splitlines() if line.strip()]
    tests = tests[: args.limit] if args.limit else tests
    data = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp()) / "data"
    store = KnowledgeStore(data / "chroma", E5Embedder())
    t0 = time.perf_counter()
    if store.count() == 0:
        store.ingest([kb], 600)
    ingest_s = time.perf_counter() - t0
    scope = ScopeIndex.build(store.embedder)
    by_q = intents_by_question(kb)
    shipped = score(Retriever(store, ranking.default_model(), scope), store, tests, by_q)
    t0 = time.perf_counter()
    report = calibrate(store, scope, args.dataset)
    head, head_cv = head_for(store.snapshot(), args.dataset)  # kb calibrate fits both
    calibrate_s = time.perf_counter() - t0
    calibrated = score(Retriever(store, report.model, scope, head=head), store, tests, by_q)
    print(json.dumps({"dataset": args.dataset, "questions": len(tests), "entries": store.count(),
                      "ingest_s": round(ingest_s, 1), "calibrate_s": round(calibrate_s, 1),
                      "calibration": {"answer_at": report.model.answer_at, "clarify_at": report.model.clarify_at,
                                      "probes": report.positives + report.negatives,
                                      "intent_head_entries": len(head.entry_ids) if head else 0,
                                      "intent_head_cv": head_cv},
                      "shipped_model": shipped, "after_kb_calibrate": calibrated}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
