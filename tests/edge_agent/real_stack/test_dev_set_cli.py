"""`edge-agent redact --jsonl` over the shared dev set, scored by the shared scorer, holds issue 3's bars."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import EDGE_AGENT, ROOT

pytestmark = pytest.mark.slow
EVAL = ROOT.parent / "shared" / "eval"


@pytest.mark.skipif(not (EVAL / "pii_dev.jsonl").exists(), reason="../shared/eval is not beside the checkout")
def test_dev_set_bars(tmp_path):
    out = tmp_path / "redacted.jsonl"
    with (EVAL / "pii_dev.jsonl").open("rb") as cases, out.open("wb") as sink:
        assert subprocess.run([EDGE_AGENT, "redact", "--jsonl"], stdin=cases, stdout=sink, timeout=300).returncode == 0
    report = subprocess.run([sys.executable, str(EVAL / "score_redaction.py"), str(EVAL / "pii_dev.jsonl"), str(out)],
                            capture_output=True, text=True, timeout=120).stdout
    structured = float(re.search(r"structured-id recall ([\d.]+)", report).group(1))
    kept = float(re.search(r"look-alikes kept ([\d.]+)", report).group(1))
    names = float(re.search(r"PERSON\s+recall ([\d.]+)", report).group(1))
    assert structured >= 0.995 and names >= 0.95 and kept >= 0.97, report
