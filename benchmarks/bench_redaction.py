"""Side by side: our detector vs Presidio's default AnalyzerEngine (offline, en_core_web_sm).

    python benchmarks/bench_redaction.py [--cases PATH] [--limit N] [--repeat R]

Runs both on the same dev-set messages in one process, with sockets blocked, and prints one JSON
object: p50/p95 ms per message, recall per entity type and look-alikes kept, for each engine.
"""
from __future__ import annotations

import argparse
import json
import re
import socket
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_CASES = ROOT.parent / "shared" / "eval" / "pii_dev.jsonl"

_FULL = str.maketrans("０１２３４５６７８９ＸｘＥ", "0123456789XxE")

Spans = Callable[[str], Iterable[tuple[int, int, str]]]


def block_network() -> None:
    """Make every outbound connection fail, so any hidden download shows up as an error."""
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("network disabled in benchmark")
    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse  # type: ignore[assignment]


def norm(s: str) -> str:
    """The scorer's normalisation (shared/eval/score_redaction.py)."""
    s = s.translate(_FULL).replace("\u200b", "").replace("\u3000", " ").replace("．", ".").replace("＠", "@")
    return re.sub(r"[\s\-.()+]", "", s).lower()


def redact(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """Replace each (non-overlapping after sorting) span with <TYPE>."""
    out, last = [], 0
    for start, end, kind in sorted(spans):
        if start < last:
            start = last
        if end <= start:
            continue
        out += [text[last:start], f"<{kind}>"]
        last = end
    return "".join(out + [text[last:]])


def evaluate(cases: list[dict], spans_of: Spans, repeat: int) -> dict:
    """Latency and quality of one engine over the cases."""
    times: list[float] = []
    hit, tot = Counter(), Counter()
    kept = kept_tot = 0
    for case in cases:
        text = case["text"]
        for _ in range(repeat):
            t0 = time.perf_counter()
            spans = list(spans_of(text))
            times.append((time.perf_counter() - t0) * 1000)
        red = redact(text, spans)
        nred = norm(red)
        for p in case["pii"]:
            tot[p["type"]] += 1
            if p["type"] == "PERSON":
                leaked = p["value"] in red or p["surface"] in red
            else:
                leaked = p["surface"] in red or (len(norm(p["value"])) >= 4 and norm(p["value"]) in nred)
            hit[p["type"]] += not leaked
        kept_tot += len(case["keep"])
        kept += sum(k in red for k in case["keep"])
    times.sort()
    structured = [t for t in tot if t != "PERSON"]
    return {
        "p50_ms": round(statistics.median(times), 3),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 3),
        "recall": {t: round(hit[t] / tot[t], 4) for t in sorted(tot)},
        "structured_recall": round(sum(hit[t] for t in structured) / max(1, sum(tot[t] for t in structured)), 4),
        "lookalikes_kept": round(kept / kept_tot, 4) if kept_tot else 1.0,
    }


def ours() -> Spans:
    """Our detector."""
    from guardrails.detector import build_detector

    det = build_detector()
    return lambda text: [(d.start, d.end, d.entity_type) for d in det.detect(text)]


def presidio_default() -> Spans:
    """Presidio's AnalyzerEngine with its default registry, en_core_web_sm, offline suffix list."""
    import tldextract
    import tldextract.tldextract as tld_module
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    from guardrails.recognizers.english_name_recognizer import NER_MODULES

    tld_module.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    model_dir = None
    for name in NER_MODULES:
        try:
            module = __import__(name)
        except ImportError:
            continue
        model_dir = next(p.parent for p in Path(module.__file__).parent.rglob("config.cfg"))
        break
    if model_dir is None:
        raise RuntimeError("en_core_web_sm is not installed")
    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": str(model_dir)}])
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"], log_decision_process=False)
    return lambda text: [(r.start, r.end, r.entity_type) for r in analyzer.analyze(text, language="en")]


def main() -> None:
    """Run both engines and print the JSON report."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    ap.add_argument("--limit", type=int, default=0, help="use only the first N cases")
    ap.add_argument("--repeat", type=int, default=1, help="timed runs per message")
    args = ap.parse_args()
    block_network()
    cases = [json.loads(line) for line in args.cases.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.limit:
        cases = cases[:args.limit]
    report = {"cases": len(cases)}
    for name, factory in (("ours", ours), ("presidio_default", presidio_default)):
        t0 = time.perf_counter()
        spans_of = factory()
        build_s = time.perf_counter() - t0
        for case in cases[:5]:  # warm-up
            list(spans_of(case["text"]))
        report[name] = {"build_s": round(build_s, 2), **evaluate(cases, spans_of, args.repeat)}
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
