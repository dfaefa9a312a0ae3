"""The detector on the shared dev set: redact each span as <TYPE> and hold the quality bars."""
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from guardrails.detector import build_detector

CASES = Path(__file__).resolve().parents[3] / "shared" / "eval" / "pii_dev.jsonl"
FULL = str.maketrans("０１２３４５６７８９ＸｘＥ", "0123456789XxE")


def norm(s: str) -> str:
    """The scorer's normalisation (shared/eval/score_redaction.py)."""
    s = s.translate(FULL).replace("\u200b", "").replace("\u3000", " ").replace("．", ".").replace("＠", "@")
    return re.sub(r"[\s\-.()+]", "", s).lower()


def redact(det, text: str) -> str:
    out, last = [], 0
    for d in det.detect(text):
        out += [text[last:d.start], f"<{d.entity_type}>"]
        last = d.end
    return "".join(out + [text[last:]])


@pytest.mark.skipif(not CASES.exists(), reason="shared/eval/pii_dev.jsonl not present")
def test_dev_set_bars():
    det = build_detector()
    hit, tot = Counter(), Counter()
    kept = kept_tot = 0
    for line in CASES.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        red = redact(det, case["text"])
        for p in case["pii"]:
            tot[p["type"]] += 1
            if p["type"] == "PERSON":
                leaked = p["value"] in red or p["surface"] in red
            else:
                leaked = p["surface"] in red or (len(norm(p["value"])) >= 4 and norm(p["value"]) in norm(red))
            hit[p["type"]] += not leaked
        kept_tot += len(case["keep"])
        kept += sum(k in red for k in case["keep"])
    structured = [t for t in tot if t != "PERSON"]
    s_recall = sum(hit[t] for t in structured) / sum(tot[t] for t in structured)
    assert s_recall >= 0.995, {t: hit[t] / tot[t] for t in tot}
    assert hit["PERSON"] / tot["PERSON"] >= 0.95
    assert kept / kept_tot >= 0.97
