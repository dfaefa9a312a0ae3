"""mypy, configured in pyproject.toml: the modules held to --strict have no errors."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def strict_modules() -> list[str]:
    """The module patterns of pyproject's strict override (guardrails.*, edge_agent.errors…)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    return next(o["module"] for o in config["overrides"] if o.get("disallow_untyped_defs"))


def target(module: str) -> str:
    """'guardrails.*' → 'guardrails' (a folder), 'edge_agent.errors' → 'edge_agent/errors.py'."""
    base = module.removesuffix(".*").replace(".", "/")
    return base if module.endswith(".*") else base + ".py"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("mypy", path=str(Path(sys.executable).parent)) is None, reason="mypy not installed")
def test_strict_modules_have_no_type_errors(tmp_path):
    targets = sorted({t for t in map(target, strict_modules()) if (ROOT / t).exists()})
    out = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path), *targets], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    errors = [line for line in out.stdout.splitlines() if ": error:" in line and line.startswith(tuple(targets))]
    assert not errors, "\n".join(errors)
