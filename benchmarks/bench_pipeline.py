"""Pipeline vs bare llama-cpp-python, side by side in one run; prints JSON.

For each question, the prompt the pipeline would build (same sources, same format) is generated
(a) by bare llama-cpp-python in this process and (b) through POST /api/chat/stream of a live
`edge-agent serve` (guard + retrieval + grounding + logging + HTTP included, drafts streamed so the
first token is visible). Runs alternate between the two; medians of --runs runs. Also reports the peak
RSS (VmHWM) of the server process with the default model loaded.

    .venv/bin/python benchmarks/bench_pipeline.py [--runs 10]
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
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edge_agent.config import Settings  # noqa: E402
from edge_agent.llm.backend import MockModel  # noqa: E402
from edge_agent.llm.manifest import resolve_model  # noqa: E402
from edge_agent.services import build_services  # noqa: E402
from tests.conftest import EDGE_AGENT, SAMPLE_KB, start_server  # noqa: E402

QUESTIONS = ("信用卡临时额度怎么调？", "How do I book the sleep clinic?")


def bare_run(llm, prompt, max_tokens: int) -> tuple[float, float, int]:
    """Time to first token, total seconds and pieces for bare llama-cpp-python."""
    t0 = time.perf_counter()
    first = None
    n = 0
    for piece in llm.create_completion(prompt.text, max_tokens=max_tokens, temperature=0.0,
                                       stop=list(prompt.stop), stream=True):
        if first is None and piece["choices"][0]["text"]:
            first = time.perf_counter() - t0
        n += 1
    return first or 0.0, time.perf_counter() - t0, n


def pipeline_run(url: str, session: str, question: str) -> tuple[float, float, str]:
    """Time to first delta and to the done event through the live server."""
    body = json.dumps({"session_id": session, "message": question}).encode()
    req = urllib.request.Request(url + "/api/chat/stream", data=body, headers={  # one session token per session
        "Content-Type": "application/json", "X-Session-Token": f"bench-token-{session}".ljust(43, "0")})
    t0 = time.perf_counter()
    first = None
    kind = ""
    with urllib.request.urlopen(req, timeout=300) as r:
        event = ""
        for raw in r:
            line = raw.decode("utf-8").rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "delta" and first is None:
                first = time.perf_counter() - t0
            elif line.startswith("data: ") and event == "done":
                kind = json.loads(line[6:])["answer_kind"]
    return first or 0.0, time.perf_counter() - t0, kind


def peak_rss_mb(pid: int) -> float:
    """VmHWM of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def med(xs: list[float]) -> float:
    return round(statistics.median(xs) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    from llama_cpp import Llama

    work = Path(tempfile.mkdtemp(prefix="edge-bench-"))
    data = work / "data"
    subprocess.run([EDGE_AGENT, "--data-dir", str(data), "ingest", str(SAMPLE_KB)], check=True, capture_output=True)
    settings = Settings.from_mapping({"data_dir": data, "models_dir": ROOT / "models", "stream_drafts": True})
    spec = resolve_model(settings)
    # The exact prompts the pipeline sends: ask the service itself (quote mode: no model needed for this).
    services = build_services(dataclasses.replace(settings, answer_mode="quote"),
                              model=MockModel(spec.name, spec.chat_format))
    prompts = {}
    for i, q in enumerate(QUESTIONS):
        turn = services.chat.begin(f"bench-prompt-{i:03d}", q)
        prompts[q] = services.chat.prompt_for(turn)
        turn.release()
    services.store.close()
    del services
    llm = Llama(model_path=str(spec.path), n_ctx=spec.n_ctx, n_threads=settings.n_threads, seed=settings.seed,
                verbose=False)
    server = start_server(data, EDGE_STREAM_DRAFTS="true")
    report: dict = {"model": spec.name, "runs": args.runs, "questions": {}}
    try:
        for q in QUESTIONS:
            bare_ttft, bare_total, pipe_ttft, pipe_total, kinds = [], [], [], [], []
            bare_run(llm, prompts[q], settings.max_tokens)  # warm both sides once
            pipeline_run(server.url, "bench-warmup-01", q)
            for i in range(args.runs):
                f, t, _ = bare_run(llm, prompts[q], settings.max_tokens)
                bare_ttft.append(f)
                bare_total.append(t)
                f, t, kind = pipeline_run(server.url, f"bench-session-{i:03d}", q)
                pipe_ttft.append(f)
                pipe_total.append(t)
                kinds.append(kind)
            report["questions"][q] = {
                "bare": {"ttft_ms_median": med(bare_ttft), "total_ms_median": med(bare_total)},
                "pipeline": {"ttft_ms_median": med(pipe_ttft), "total_ms_median": med(pipe_total),
                             "answer_kinds": sorted(set(kinds))},
                "overhead_total_ratio": round(statistics.median(pipe_total) / statistics.median(bare_total), 3),
            }
        report["server_peak_rss_mb"] = round(peak_rss_mb(server.proc.pid), 1)
    finally:
        server.stop()
    ratios = [v["overhead_total_ratio"] for v in report["questions"].values()]
    report["overhead_total_ratio_max"] = max(ratios)
    report["targets"] = {"overhead_ratio_max": 1.15, "rss_mb_max": 1200}
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
