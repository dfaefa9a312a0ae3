"""Side by side on names, home addresses and messaging ids: our redactor vs Presidio's defaults (issue 11, part B).

    python benchmarks/pii_gen_names.py            # once: writes the tune half; the test half is frozen
    python benchmarks/bench_pii_names.py [--sets dev,tune,test] [--show 0]

Same engines and scoring as bench_pii_numbers.py (the whole redactor as the service stores text, and
Presidio's default AnalyzerEngine with en_core_web_sm, sockets blocked; shared/eval/score_redaction.py's
rules). Prints one JSON object: per set and engine, recall per type, name/address/id recall, look-alikes
kept, the whole-run detection time, and our time as a multiple of Presidio's.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_pii_numbers import ours, presidio, run, score  # noqa: E402
from bench_redaction import DEFAULT_CASES, block_network  # noqa: E402

SETS = {"dev": DEFAULT_CASES, "tune": ROOT / "benchmarks" / "pii_names_tune.jsonl",
        "test": ROOT / "benchmarks" / "pii_names_test.jsonl"}


def main() -> None:
    """Score both engines on each set and print the JSON report."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sets", default="dev,tune,test")
    ap.add_argument("--show", type=int, default=0, help="list up to N misses of ours per set")
    args = ap.parse_args()
    block_network()
    engines = {"ours": ours(), "presidio_default": presidio()}
    report: dict = {}
    for name in args.sets.split(","):
        path = SETS[name]
        cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        entry: dict = {"cases": len(cases)}
        for engine_name, engine in engines.items():
            outputs, seconds = run(engine, cases)
            scored = score(cases, outputs, args.show if engine_name == "ours" else 0)
            scored.pop("harder_recall", None)
            entry[engine_name] = {"run_s": round(seconds, 3), **scored}
        entry["time_ratio_ours_over_presidio"] = round(entry["ours"]["run_s"] / entry["presidio_default"]["run_s"], 3)
        report[name] = entry
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
