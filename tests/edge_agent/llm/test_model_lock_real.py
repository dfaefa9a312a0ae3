"""Issue 12, Medium 10 with the real GGUF and the real command: a model file changed by one byte is refused at
start-up with a clear message; the operator's explicit override (or registering the file) loads it."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EDGE_AGENT, ROOT

pytestmark = pytest.mark.slow
GGUF = "gemma-3-270m-q4_k_m.gguf"


def ask(data: Path, models: Path, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("EDGE_")}
    return subprocess.run([EDGE_AGENT, "--data-dir", str(data), "--models-dir", str(models), "ask", "你好"],
                          capture_output=True, text=True, timeout=600,
                          env={**base, "EDGE_AUDIT_KEY_AUTOCREATE": "true", **env})


def test_a_tampered_real_model_is_refused_unless_the_operator_says_so(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    shutil.copy(ROOT / "models" / "manifest.toml", models / "manifest.toml")
    shutil.copy(ROOT / "models" / GGUF, models / GGUF)
    with (models / GGUF).open("r+b") as fh:  # one byte near the end: llama.cpp would still load it
        fh.seek(-100, os.SEEK_END)
        byte = fh.read(1)
        fh.seek(-100, os.SEEK_END)
        fh.write(bytes([byte[0] ^ 0xFF]))
    data = tmp_path / "data"
    refused = ask(data, models)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "does not match its manifest sha256" in refused.stderr and "models add" in refused.stderr
    assert "Traceback" not in refused.stderr
    allowed = ask(data, models, EDGE_MODEL_ALLOW_UNVERIFIED="true")
    assert allowed.returncode == 0, allowed.stderr[-2000:]
    added = subprocess.run([EDGE_AGENT, "--models-dir", str(models), "models", "add", "my-gemma",
                            str(models / GGUF), "--chat-format", "plain"], capture_output=True, text=True, timeout=300)
    assert added.returncode == 0 and "registered my-gemma" in added.stdout, added.stderr
    assert ask(data, models, EDGE_MODEL="my-gemma").returncode == 0
