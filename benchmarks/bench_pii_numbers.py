"""Side by side on numbers and authentication data: our redactor vs Presidio's defaults (issue 11, part A).

    python benchmarks/pii_gen_numbers.py          # once: writes the tune half; the test half is frozen
    python benchmarks/bench_pii_numbers.py [--sets dev,tune,test] [--show 0]

Ours is the whole redactor as the service stores text (recognizers, then the stored-text backstop);
Presidio is its default AnalyzerEngine (en_core_web_sm, offline), each span replaced by <TYPE>. Both see
the same messages in one process with sockets blocked. Scoring is shared/eval/score_redaction.py's: a
value is caught when neither its surface nor its normalised digits/letters are left; a look-alike is
kept when it is still there verbatim. Prints one JSON object: per set and engine, recall per type,
look-alikes kept, the whole-run detection time, and our time as a multiple of Presidio's.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_redaction import DEFAULT_CASES, block_network, norm, presidio_default, redact  # noqa: E402

SETS = {"dev": DEFAULT_CASES, "tune": ROOT / "benchmarks" / "pii_numbers_tune.jsonl",
        "test": ROOT / "benchmarks" / "pii_numbers_test.jsonl"}
# What counts as "harder forms": the new classes and the spoken/separated forms of the old ones.
HARDER = ("CVV", "CARD_EXPIRY", "PIN", "OTP", "BANK_ACCOUNT", "VEHICLE_PLATE", "DATE_OF_BIRTH", "CN_USCC")

Redact = Callable[[str], str]


def ours() -> Redact:
    """Our redactor, exactly as the service applies it before storing a message."""
    from guardrails.detector import build_detector
    from guardrails.redactor import Redactor

    redactor = Redactor(build_detector())
    return lambda text: redactor.redact(text).text


def presidio() -> Redact:
    """Presidio's default analyzer; each span becomes <TYPE>."""
    spans_of = presidio_default()
    return lambda text: redact(text, spans_of(text))


def score(cases: list[dict], outputs: list[str], show: int) -> dict:
    """Recall per type and look-alikes kept, by the shared scorer's rules."""
    hit, tot = Counter(), Counter()
    kept = kept_tot = 0
    misses = []
    for case, red in zip(cases, outputs):
        nred = norm(red)
        for p in case["pii"]:
            tot[p["type"]] += 1
            leaked = p["surface"] in red or (len(norm(p["value"])) >= 4 and norm(p["value"]) in nred)
            if p["type"] == "PERSON":
                leaked = p["value"] in red or p["surface"] in red
            hit[p["type"]] += not leaked
            if leaked and len(misses) < show:
                misses.append(("MISS", p["type"], p["surface"], red))
        for k in case["keep"]:
            kept_tot += 1
            kept += k in red
            if k not in red and len(misses) < show:
                misses.append(("LOST", k, red))
    structured = [t for t in tot if t != "PERSON"]
    generated = bool(cases) and cases[0]["id"].startswith("num-")  # there every value is a harder form
    harder = [t for t in tot if generated or t in HARDER]
    out = {
        "recall": {t: round(hit[t] / tot[t], 4) for t in sorted(tot)},
        "counts": {t: tot[t] for t in sorted(tot)},
        "structured_recall": round(sum(hit[t] for t in structured) / max(1, sum(tot[t] for t in structured)), 4),
        "harder_recall": round(sum(hit[t] for t in harder) / max(1, sum(tot[t] for t in harder)), 4),
        "lookalikes_kept": round(kept / kept_tot, 4) if kept_tot else 1.0,
        "lookalikes": kept_tot,
    }
    if misses:
        out["misses"] = misses
    return out


def run(engine: Redact, cases: list[dict]) -> tuple[list[str], float]:
    """Redact every case; the whole-run detection time in seconds."""
    for case in cases[:5]:
        engine(case["text"])
    t0 = time.perf_counter()
    outputs = [engine(c["text"]) for c in cases]
    return outputs, time.perf_counter() - t0


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
            entry[engine_name] = {"run_s": round(seconds, 3),
                                  **score(cases, outputs, args.show if engine_name == "ours" else 0)}
        entry["time_ratio_ours_over_presidio"] = round(entry["ours"]["run_s"] / entry["presidio_default"]["run_s"], 3)
        report[name] = entry
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
