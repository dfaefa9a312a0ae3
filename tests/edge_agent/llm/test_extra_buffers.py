"""Models load without llama.cpp's extra buffer types (its AMX kernels crash on a CPU that may not use AMX)."""
from __future__ import annotations

import subprocess
import sys

import pytest
from llama_cpp import llama as module

from edge_agent.llm.extra_buffers import without_extra_buffers
from tests.conftest import ROOT


def test_only_a_load_inside_the_block_goes_without_extra_buffers():
    original = module.llama_cpp.llama_model_default_params
    assert original().use_extra_bufts is True  # llama.cpp's default
    with without_extra_buffers():
        assert module.llama_cpp.llama_model_default_params().use_extra_bufts is False
    assert module.llama_cpp.llama_model_default_params is original
    assert original().use_extra_bufts is True


def test_the_server_launcher_installs_it_for_the_whole_process():
    code = ("from edge_agent.llm.extra_buffers import install; from llama_cpp import llama as m; install(); install();"
            "print(m.llama_cpp.llama_model_default_params().use_extra_bufts)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.stdout.strip() == "False", out.stderr


@pytest.mark.slow
def test_both_manifest_models_generate_in_process():
    """Each in a child process: a crash (SIGSEGV in ggml_backend_amx_mul_mat) is a failed test, not a dead run."""
    code = """
import sys, time
from edge_agent.llm.backend import GenerationParams, LlamaModel
from edge_agent.llm.manifest import read_manifest
from edge_agent.llm.prompts import PromptSource, build_prompt
from tests.conftest import ROOT
spec = read_manifest(ROOT / "models")[sys.argv[1]]
prompt = build_prompt(spec.chat_format, [PromptSource(1, "Hours", "Branches open 9:00-17:00 on Saturday. " * 30)],
                      "When are branches open on Saturday?", "en")
text = "".join(LlamaModel(spec, n_threads=1, seed=7).stream(
    prompt, GenerationParams(max_tokens=8, temperature=0.0, deadline=time.monotonic() + 300)))
print(repr(text))
"""
    for name in ("gemma3-270m", "smollm2-135m"):
        out = subprocess.run([sys.executable, "-c", code, name], capture_output=True, text=True, timeout=600,
                             cwd=ROOT)
        assert out.returncode == 0, (name, out.returncode, out.stderr[-1500:])
        assert out.stdout.strip() not in ("", "''"), name
