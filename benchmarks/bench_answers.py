"""Grounded answers on the eval set, through the real ChatService, grounding check on vs off; prints JSON.

The sample knowledge base is ingested by the real CLI into a temporary data directory; the real model,
real Chroma and real guard answer every row of benchmarks/kb_eval.jsonl (history turns are sent first in
the same session, so follow-ups are rewritten from the session's redacted turns, as in production).
Generation is deterministic (temperature 0), so the second pass (grounding off) replays the first pass's
model output for identical prompts instead of generating again: same answers, half the time.

Figures, for all rows, the tune split (even ids) and the report split (odd ids), per language:
source hit@1/@3 (expect_doc + expect_section among the reply's sources), key fact in the answer,
unanswerables declined, answerables wrongly declined, answers stating a number absent from their sources,
answer language = question language; also dense-only retrieval (no rerank) for comparison.

    .venv/bin/python benchmarks/bench_answers.py [--every K] [--limit N] [--answer-mode quote]

The full set in quote mode takes a few minutes; in generate mode (the default) expect several seconds per
answer on 2 cores, so `--every 4` gives a stratified sample in reasonable time.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edge_agent.chat import grounding, retrieval  # noqa: E402
from edge_agent.config import Settings  # noqa: E402
from edge_agent.llm.backend import GenerationParams, LlamaModel  # noqa: E402
from edge_agent.llm.manifest import resolve_model  # noqa: E402
from edge_agent.llm.prompts import Prompt  # noqa: E402
from edge_agent.llm.worker import ModelWorker  # noqa: E402
from edge_agent.services import build_services  # noqa: E402
from tests.conftest import EDGE_AGENT, SAMPLE_KB  # noqa: E402

EVAL = ROOT / "benchmarks" / "kb_eval.jsonl"
TARGETS = {"hit_at_3_min": 0.95, "key_fact_min": 0.9, "declined_min": 0.95, "unsupported_numbers_max": 0,
           "answer_lang_match_min": 0.95}


class ReplayModel:
    """Wraps the real model; a prompt already generated is replayed (temperature 0 makes it identical)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.chat_format = inner.chat_format
        self.cache: dict[str, str] = {}
        self.generated_s: list[float] = []

    def stream(self, prompt: Prompt, params: GenerationParams) -> Iterator[str]:
        if prompt.text not in self.cache:
            t0 = time.perf_counter()
            self.cache[prompt.text] = "".join(self.inner.stream(prompt, params))
            self.generated_s.append(time.perf_counter() - t0)
        yield self.cache[prompt.text]


class RecordingStore:
    """Wraps the knowledge store: remembers every candidate's text and the dense order of each search."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.texts: dict[str, str] = {}
        self.last: list[Any] = []
        self.search_s: list[float] = []

    def search(self, query: str, k: int, lang: str | None = None, **kwargs: Any) -> list[Any]:
        t0 = time.perf_counter()
        hits = self.inner.search(query, k, lang, **kwargs)
        self.search_s.append(time.perf_counter() - t0)
        self.texts.update({h.chunk_id: h.text for h in hits})
        self.last = hits
        return hits

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def numbers(text: str) -> list[str]:
    """Numbers as the grounding check reads them (citation markers removed)."""
    body = unicodedata.normalize("NFKC", grounding.PLACEHOLDER.sub(" ", grounding.CITATION.sub(" ", text))).lower()
    return [n.replace("：", ":") for n in grounding.NUMBER.findall(body)]


def right(row: dict[str, Any], source_id: str, title: str) -> bool:
    """Is this source the row's expected document and section?"""
    return source_id.startswith(row["expect_doc"] + "#") and title.endswith(row["expect_section"])


def run_row(services: Any, store: RecordingStore, row: dict[str, Any], sid: str) -> dict[str, Any]:
    """Send the history turns (retrieval only, no generation), then the question; judge the reply."""
    for earlier in row["history"]:
        services.chat.begin(sid, earlier).release()
    t0 = time.perf_counter()
    reply = services.chat.answer(sid, row["question"])
    elapsed = time.perf_counter() - t0
    dense = store.last  # candidates in dense order (search's same-language bonus only)
    source_texts = "\n".join(store.texts[s.id] for s in reply.sources)
    known = set(numbers(source_texts))
    out: dict[str, Any] = {
        "id": row["id"], "lang": row["lang"], "kind": row["kind"], "answer_kind": reply.answer_kind,
        "declined": reply.answer_kind == "declined", "ms": elapsed * 1000,
        "unsupported_numbers": [n for n in numbers(reply.answer) if n not in known] if reply.sources else [],
        "answer_lang_match": retrieval.question_lang(reply.answer) == row["lang"],
    }
    if row["kind"] != "unanswerable":
        out["hit1"] = bool(reply.sources) and right(row, reply.sources[0].id, reply.sources[0].title)
        out["hit3"] = any(right(row, s.id, s.title) for s in reply.sources[:3])
        out["key_fact"] = row["key_fact"] in reply.answer
        section = lambda h: f"{h.title} · {h.section}"  # noqa: E731
        out["dense_hit1"] = bool(dense) and right(row, dense[0].chunk_id, section(dense[0]))
        out["dense_hit3"] = any(right(row, h.chunk_id, section(h)) for h in dense[:3])
        out["dense_key_fact"] = bool(dense) and row["key_fact"] in dense[0].text
        out["quoted_sources"] = reply.answer.count("\n\n") + 1 if reply.answer_kind == "quoted" else 0
    return out


def share(rows: list[dict[str, Any]], key: str) -> float | None:
    """Share of rows where key is true (None when no row has it)."""
    vals = [bool(r[key]) for r in rows if key in r]
    return round(sum(vals) / len(vals), 3) if vals else None


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures for a set of judged rows (rows the escalation policy hands to a person are left out)."""
    escalated = sum(r["answer_kind"] == "escalated" for r in rows)
    rows = [r for r in rows if r["answer_kind"] != "escalated"]
    ans = [r for r in rows if r["kind"] != "unanswerable"]
    una = [r for r in rows if r["kind"] == "unanswerable"]
    given = [r for r in rows if not r["declined"]]
    return {
        "n": len(rows), "answerable": len(ans), "unanswerable": len(una), "escalated_left_out": escalated,
        "hit_at_1": share(ans, "hit1"), "hit_at_3": share(ans, "hit3"), "key_fact": share(ans, "key_fact"),
        "declined": share(una, "declined"), "answerable_declined": share(ans, "declined"),
        "answers_with_unsupported_numbers": sum(bool(r["unsupported_numbers"]) for r in given),
        "answer_lang_match": share(rows, "answer_lang_match"),
        "kinds": {k: sum(r["answer_kind"] == k for r in rows) for k in ("generated", "quoted", "declined")},
        "two_sources_quoted": sum(r.get("quoted_sources", 0) == 2 for r in ans),
        "dense_only": {"hit_at_1": share(ans, "dense_hit1"), "hit_at_3": share(ans, "dense_hit3"),
                       "key_fact_top1": share(ans, "dense_key_fact")},
    }


def breakdown(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures for all rows, per split and per language."""
    even = [r for r in rows if int(r["id"][-3:]) % 2 == 0]
    odd = [r for r in rows if int(r["id"][-3:]) % 2 == 1]
    out: dict[str, Any] = {"all": summarise(rows), "tune_even_ids": summarise(even),
                           "report_odd_ids": summarise(odd)}
    for lang in ("zh", "en"):
        out[f"lang_{lang}"] = summarise([r for r in rows if r["lang"] == lang])
        out[f"lang_{lang}_odd"] = summarise([r for r in odd if r["lang"] == lang])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N rows (0: all)")
    parser.add_argument("--every", type=int, default=1, help="only every K-th row (a stratified sample: "
                        "generation takes seconds per answer on 2 cores)")
    parser.add_argument("--answer-mode", choices=("generate", "quote"), default="generate")
    parser.add_argument("--show-failures", action="store_true", help="list the rows that miss a target")
    args = parser.parse_args()
    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = rows[:: args.every][: args.limit or None]

    work = Path(tempfile.mkdtemp(prefix="edge-answers-"))
    data = work / "data"
    subprocess.run([EDGE_AGENT, "--data-dir", str(data), "ingest", str(SAMPLE_KB)], check=True,
                   capture_output=True, timeout=900)
    base = Settings.from_mapping({"data_dir": data, "models_dir": ROOT / "models", "answer_mode": args.answer_mode})
    model = ReplayModel(ModelWorker(LlamaModel(resolve_model(base), n_threads=base.n_threads, seed=base.seed)))
    services = build_services(base, model=model)
    store = RecordingStore(services.knowledge)
    services.chat.knowledge = store
    report: dict[str, Any] = {"model": model.model_id, "answer_mode": args.answer_mode, "rows": len(rows),
                              "settings": {f: getattr(base, f) for f in (
                                  "retrieval_top_k", "retrieval_pool", "rerank_lexical_weight",
                                  "retrieval_min_evidence_zh", "retrieval_min_evidence_en",
                                  "quote_second_margin", "grounding_min_overlap", "scope_check",
                                  "scope_margin")}}
    judged: dict[str, list[dict[str, Any]]] = {}
    try:
        for check in (True, False):
            services.chat.settings = dataclasses.replace(base, grounding_check=check)
            name = "grounding_on" if check else "grounding_off"
            judged[name] = [run_row(services, store, row, f"bench-{name[10:]}-{row['id']}") for row in rows]
            report[name] = breakdown(judged[name])
    finally:
        services.store.close()
    on = judged["grounding_on"]
    report["latency_ms"] = {
        "answer_median": round(statistics.median(r["ms"] for r in on), 1),
        "search_median": round(statistics.median(store.search_s) * 1000, 1),
        "generation_median": round(statistics.median(model.generated_s) * 1000, 1) if model.generated_s else None,
    }
    report["rerank_ms_per_message"] = rerank_cost(store, rows)
    report["targets"] = TARGETS
    if args.show_failures:
        report["failures"] = {name: [
            {k: r[k] for k in ("id", "answer_kind", "unsupported_numbers") if k in r}
            for r in rows_ if (r["kind"] == "unanswerable") != r["declined"] or r["unsupported_numbers"]
            or r.get("key_fact") is False or not r["answer_lang_match"]] for name, rows_ in judged.items()}
    print(json.dumps(report, ensure_ascii=False, indent=2))


def rerank_cost(store: RecordingStore, rows: list[dict[str, Any]]) -> float:
    """Median time of rerank + scope check + decide for one message (over the recorded candidates)."""
    times = []
    embedder = store.inner.embedder
    index = retrieval.ScopeIndex.build(embedder)
    for row in rows[:50]:
        lang = retrieval.question_lang(row["question"])
        vector = embedder.embed_query(row["question"])
        hits = store.inner.search(row["question"], 20, lang, vector=vector)
        params = retrieval.RerankParams(0.05, 0.9, 0.01, 3, 0.01)
        t0 = time.perf_counter()
        nearest = index.nearest(vector)
        retrieval.decide(retrieval.rerank(row["question"], "", hits, lang, 0.05), lang, params, row["question"],
                         nearest)
        times.append(time.perf_counter() - t0)
    return round(statistics.median(times) * 1000, 3)


if __name__ == "__main__":
    main()
