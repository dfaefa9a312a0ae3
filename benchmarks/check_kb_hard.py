"""Check benchmarks/kb_hard.jsonl against the sample knowledge base.

Every row must be well formed, and every answerable row must point at a real
`## ` section whose body (the text under the heading, without any
"相似问题：" / "Similar questions:" bullet list) contains key_fact verbatim.

    python benchmarks/check_kb_hard.py            # check, print counts
    python benchmarks/check_kb_hard.py --markdown # counts as markdown tables

Exit status 0 when clean, 1 when any row is wrong.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KB = ROOT / "edge_agent" / "sample_kb"
DATA = ROOT / "benchmarks" / "kb_hard.jsonl"

FIELDS = ["id", "lang", "category", "kind", "question", "history",
          "expect_doc", "expect_section", "key_fact", "split"]
CATEGORY_KINDS = {
    "colloquial": {"direct"},
    "misspelt": {"direct"},
    "pinyin": {"direct"},
    "mixed": {"direct"},
    "elderly": {"direct"},
    "filler_followup": {"followup"},
    "near_miss": {"unanswerable"},
    "out_of_scope": {"unanswerable"},
    "escalate": {"escalate"},
    "pii": {"direct"},
    "traditional": {"direct"},
}
ZH_ONLY = {"pinyin", "traditional"}
SIMILAR_MARKERS = ("相似问题：", "相似问题:", "Similar questions:")
# A question this close (difflib ratio) to a heading or to a listed similar
# question is too easy for a "hard" set.
MAX_SIMILARITY = 0.8


def parse_sections(path: Path) -> dict[str, dict[str, object]]:
    """heading -> {"body": text without the similar-questions list, "similar": [..]}"""
    sections: dict[str, dict[str, object]] = {}
    current = None
    in_similar = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = {"body": [], "similar": []}
            sections[line[3:].strip()] = current
            in_similar = False
            continue
        if line.startswith("# "):
            current = None
            continue
        if current is None:
            continue
        stripped = line.strip()
        if stripped in SIMILAR_MARKERS:
            in_similar = True
            continue
        if in_similar:
            if stripped.startswith("- "):
                current["similar"].append(stripped[2:].strip())
                continue
            if not stripped:
                continue
            in_similar = False
        current["body"].append(line)
    return {h: {"body": "\n".join(s["body"]).strip(), "similar": s["similar"]}
            for h, s in sections.items()}


def norm(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text.lower())


def check(rows: list[tuple[int, object]]) -> tuple[list[str], list[str]]:
    errors: list[str] = []
    warnings: list[str] = []
    cache: dict[str, dict] = {}
    seen_ids: set[str] = set()
    seen_q: set[tuple] = set()
    per_category_index: Counter = Counter()
    id_re = re.compile(r"^h-(zh|en)-\d{4}$")

    for lineno, row in rows:
        where = f"line {lineno}"
        if not isinstance(row, dict):
            errors.append(f"{where}: not a JSON object")
            continue
        if list(row.keys()) != FIELDS:
            errors.append(f"{where}: fields {list(row.keys())} != {FIELDS}")
            continue
        rid = row["id"]
        where = f"line {lineno} ({rid})"
        if not isinstance(rid, str) or not id_re.match(rid):
            errors.append(f"{where}: bad id")
        elif rid in seen_ids:
            errors.append(f"{where}: duplicate id")
        seen_ids.add(rid)
        lang, cat, kind = row["lang"], row["category"], row["kind"]
        if lang not in ("zh", "en"):
            errors.append(f"{where}: bad lang {lang!r}")
        if isinstance(rid, str) and id_re.match(rid) and rid.split("-")[1] != lang:
            errors.append(f"{where}: id language differs from lang")
        if cat not in CATEGORY_KINDS:
            errors.append(f"{where}: bad category {cat!r}")
            continue
        if kind not in CATEGORY_KINDS[cat]:
            errors.append(f"{where}: kind {kind!r} not allowed for {cat}")
        if cat in ZH_ONLY and lang != "zh":
            errors.append(f"{where}: {cat} rows must be lang zh")
        q = row["question"]
        if not isinstance(q, str) or not q.strip():
            errors.append(f"{where}: empty question")
            continue
        hist = row["history"]
        if not isinstance(hist, list) or not all(isinstance(h, str) and h.strip() for h in hist):
            errors.append(f"{where}: history must be a list of non-empty strings")
            hist = []
        if kind == "followup" and not hist:
            errors.append(f"{where}: a followup needs history")
        if kind != "followup" and hist:
            errors.append(f"{where}: only followups carry history")
        key = (tuple(hist), q.strip())
        if key in seen_q:
            errors.append(f"{where}: duplicate question")
        seen_q.add(key)

        expected_split = "tune" if per_category_index[cat] % 2 == 0 else "test"
        per_category_index[cat] += 1
        if row["split"] != expected_split:
            errors.append(f"{where}: split {row['split']!r}, expected {expected_split!r} "
                          "(alternating within the category)")

        doc, sec, fact = row["expect_doc"], row["expect_section"], row["key_fact"]
        if kind in ("unanswerable", "escalate"):
            if doc is not None or sec is not None or fact is not None:
                errors.append(f"{where}: {kind} rows need null expect_doc/section/key_fact")
            continue
        if not (isinstance(doc, str) and isinstance(sec, str) and isinstance(fact, str)):
            errors.append(f"{where}: answerable row needs expect_doc, expect_section, key_fact")
            continue
        if not doc.endswith(f".{lang}.md"):
            errors.append(f"{where}: expect_doc {doc} is not in the question's language {lang}")
        path = KB / doc
        if not path.is_file():
            errors.append(f"{where}: no such doc {doc}")
            continue
        if doc not in cache:
            cache[doc] = parse_sections(path)
        sections = cache[doc]
        if sec not in sections:
            errors.append(f"{where}: no section {sec!r} in {doc}")
            continue
        if not 2 <= len(fact) <= 12:
            errors.append(f"{where}: key_fact {fact!r} must be 2-12 characters")
        body = sections[sec]["body"]
        if fact not in body:
            errors.append(f"{where}: key_fact {fact!r} not in the body of {doc} / {sec}")
        nq = norm(q)
        for ref in [sec] + list(sections[sec]["similar"]):
            ratio = difflib.SequenceMatcher(None, nq, norm(ref)).ratio()
            if ratio > MAX_SIMILARITY:
                errors.append(f"{where}: question too close ({ratio:.2f}) to {ref!r}")
        if kind == "direct" and fact.lower() in q.lower():
            warnings.append(f"{where}: key_fact {fact!r} already appears in the question")
    return errors, warnings


def counts_tables(rows: list[dict], markdown: bool) -> str:
    out = []
    by = [("category", lambda r: r["category"]), ("kind", lambda r: r["kind"]),
          ("lang", lambda r: r["lang"])]
    for name, keyf in by:
        c = Counter((keyf(r), r["split"]) for r in rows)
        keys = sorted({k for k, _ in c}, key=lambda k: (-sum(v for (kk, _), v in c.items() if kk == k), k))
        if markdown:
            out.append(f"| {name} | tune | test | total |\n|---|---:|---:|---:|")
            for k in keys:
                t, s = c[(k, "tune")], c[(k, "test")]
                out.append(f"| {k} | {t} | {s} | {t + s} |")
            t = sum(v for (_, sp), v in c.items() if sp == "tune")
            s = sum(v for (_, sp), v in c.items() if sp == "test")
            out.append(f"| **all** | {t} | {s} | {t + s} |\n")
        else:
            out.append(f"{name:18s} {'tune':>5s} {'test':>5s} {'total':>6s}")
            for k in keys:
                t, s = c[(k, "tune")], c[(k, "test")]
                out.append(f"  {k:16s} {t:5d} {s:5d} {t + s:6d}")
            out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default=str(DATA))
    ap.add_argument("--markdown", action="store_true", help="print counts as markdown tables")
    ap.add_argument("--warnings", action="store_true", help="also list warnings")
    args = ap.parse_args(argv)

    rows: list[tuple[int, object]] = []
    errors: list[str] = []
    raw = Path(args.path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        print(f"not UTF-8: {exc}")
        return 1
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            errors.append(f"line {i}: blank line")
            continue
        try:
            rows.append((i, json.loads(line)))
        except json.JSONDecodeError as exc:
            errors.append(f"line {i}: bad JSON: {exc}")
    more, warnings = check(rows)
    errors += more
    for e in errors:
        print("ERROR", e)
    if args.warnings:
        for w in warnings:
            print("warning", w)
    good = [r for _, r in rows if isinstance(r, dict) and list(r.keys()) == FIELDS]
    print(counts_tables(good, args.markdown))
    print(f"{len(rows)} rows, {len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
