"""Understanding on eval sets, through the real ChatService: hybrid vs classic retrieval side by side; prints JSON.

The sample knowledge base is ingested (real e5, real Chroma) into a temporary data directory once; the real
guard redacts every question; answers are quoted (no model call). Each row's history is sent first in the
same session. A clarifying question on an answerable row is followed by picking the expected entry when it
was offered (as a customer would), and then counts as right only if that answer is right.

    .venv/bin/python benchmarks/bench_understanding.py [--eval benchmarks/kb_hard.jsonl] [--split tune]
        [--modes hybrid,classic] [--calibrate] [--head] [--out results.json]

Splits: kb_hard.jsonl has a `split` field (tune/test; the test half is frozen: report it, never tune on it);
for kb_eval.jsonl `even` ids are the tune half and `odd` the report half.
"""
from __future__ import annotations

import argparse
import json
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edge_agent.chat.calibration import calibrate  # noqa: E402
from edge_agent.chat.head import head_for  # noqa: E402
from edge_agent.chat.retrieval import ScopeIndex  # noqa: E402
from edge_agent.config import Settings  # noqa: E402
from edge_agent.knowledge.embedder import E5Embedder  # noqa: E402
from edge_agent.knowledge.store import KnowledgeStore  # noqa: E402
from edge_agent.llm.backend import MockModel  # noqa: E402
from edge_agent.services import build_services  # noqa: E402

SAMPLE_KB = ROOT / "edge_agent" / "sample_kb"


def pick(rows: list[dict[str, Any]], split: str) -> list[dict[str, Any]]:
    """The rows of a split: tune/test (field), even/odd (id number), or all."""
    if split == "all":
        return rows
    if split in ("even", "odd"):
        return [r for r in rows if (int(r["id"].rsplit("-", 1)[1]) % 2 == 0) == (split == "even")]
    return [r for r in rows if r.get("split") == split]


def run_mode(data_dir: Path, knowledge: KnowledgeStore, mode: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Score one retrieval mode over the rows."""
    settings = Settings.from_mapping({"data_dir": data_dir, "models_dir": ROOT / "models", "answer_mode": "quote",
                                      "retrieval_mode": mode})
    services = build_services(settings, model=MockModel(), knowledge=knowledge)
    chat = services.chat
    tally: Counter[str] = Counter()
    per_cat: dict[str, Counter[str]] = {}
    ms: list[float] = []
    misses = []
    for row in rows:
        sid = secrets.token_hex(8)
        for earlier in row["history"]:
            chat.answer(sid, earlier)
        t0 = time.perf_counter()
        reply = chat.answer(sid, row["question"])
        ms.append((time.perf_counter() - t0) * 1000)
        answerable = row["kind"] in ("direct", "followup")
        clarified = reply.answer_kind == "clarify"
        if clarified and answerable:
            wanted = [s.id for s in reply.sources if _is(row, knowledge, s.id)]
            if wanted:
                reply = chat.answer(sid, choice=wanted[0])
        top = reply.sources[0].id if reply.sources and reply.answer_kind in ("quoted", "generated") else ""
        hit = bool(top) and _is(row, knowledge, top)
        kind = row["kind"]
        cat = per_cat.setdefault(row.get("category", kind), Counter())
        cat["n"] += 1
        if answerable:
            tally["answerable"] += 1
            tally["hit1"] += hit
            tally["key_fact"] += hit and row["key_fact"] in (reply.answer + (getattr(reply, "full_answer", None) or ""))
            tally["key_fact_shown"] += hit and row["key_fact"] in reply.answer
            tally["answerable_declined"] += reply.answer_kind in ("declined", "escalated")
            tally["answerable_clarified"] += clarified
            good = hit
        elif kind == "unanswerable":
            tally["unanswerable"] += 1
            tally["unanswerable_declined"] += reply.answer_kind in ("declined", "escalated")
            tally["unanswerable_clarified"] += clarified
            good = reply.answer_kind in ("declined", "escalated")
        else:
            tally["escalate"] += 1
            tally["escalated"] += reply.answer_kind == "escalated"
            good = reply.answer_kind == "escalated"
        cat["good"] += good
        if not good:
            misses.append({"id": row["id"], "kind": reply.answer_kind, "top": top})
        chat.sessions.end(sid)
    services.store.close()
    a, u = max(tally["answerable"], 1), max(tally["unanswerable"], 1)
    return {
        "mode": mode, "rows": len(rows),
        "hit_at_1": round(tally["hit1"] / a, 3), "key_fact": round(tally["key_fact"] / a, 3),
        "key_fact_in_shown_text": round(tally["key_fact_shown"] / a, 3),
        "answerable_declined": round(tally["answerable_declined"] / a, 3),
        "answerable_clarified": round(tally["answerable_clarified"] / a, 3),
        "unanswerable_declined": round(tally["unanswerable_declined"] / u, 3),
        "unanswerable_clarified": round(tally["unanswerable_clarified"] / u, 3),
        "escalated": round(tally["escalated"] / max(tally["escalate"], 1), 3) if tally["escalate"] else None,
        "by_category": {c: round(v["good"] / v["n"], 3) for c, v in sorted(per_cat.items())},
        "latency_ms_p50": round(statistics.median(ms), 1),
        "latency_ms_p95": round(sorted(ms)[int(0.95 * (len(ms) - 1))], 1),
        "misses": misses,
    }


def _is(row: dict[str, Any], knowledge: KnowledgeStore, source_id: str) -> bool:
    hit = knowledge.get_entries([source_id]).get(source_id)
    return hit is not None and hit.doc_id == row["expect_doc"] and hit.section == row["expect_section"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", default=str(ROOT / "benchmarks" / "kb_hard.jsonl"))
    ap.add_argument("--split", default="tune")
    ap.add_argument("--modes", default="hybrid,classic")
    ap.add_argument("--calibrate", action="store_true", help="run `kb calibrate` on the sample KB first")
    ap.add_argument("--head", action="store_true", help="fit the KB's intent head first (kb calibrate does)")
    ap.add_argument("--data-dir", help="reuse an ingested data directory")
    ap.add_argument("--out")
    args = ap.parse_args()
    rows = pick([json.loads(line) for line in Path(args.eval).read_text(encoding="utf-8").splitlines()
                 if line.strip()], args.split)
    data_dir = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp()) / "data"
    knowledge = KnowledgeStore(data_dir / "chroma", E5Embedder())
    if knowledge.count() == 0:
        knowledge.ingest([SAMPLE_KB], 600)
    settings = Settings.from_mapping({"data_dir": data_dir})
    if args.calibrate:
        report = calibrate(knowledge, ScopeIndex.build(knowledge.embedder), "sample KB")
        report.model.save(settings.calibration_path)
    elif settings.calibration_path.exists():
        settings.calibration_path.unlink()
    if args.head:
        head, head_cv = head_for(knowledge.snapshot(), "sample KB")
        print(json.dumps({"intent_head_cv": head_cv, "kept": head is not None}), file=sys.stderr)
        if head is not None:
            head.save(settings.intent_head_path)
    else:
        settings.intent_head_path.unlink(missing_ok=True)
    results = [run_mode(data_dir, knowledge, m, rows) for m in args.modes.split(",")]
    out = {"eval": Path(args.eval).name, "split": args.split, "calibrated": args.calibrate, "head": args.head,
           "results": results}
    text = json.dumps(out, ensure_ascii=False, indent=1)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    print(json.dumps({**out, "results": [{k: v for k, v in r.items() if k != "misses"} for r in results]},
                     ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
