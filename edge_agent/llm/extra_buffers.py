"""Load GGUF models with llama.cpp's extra CPU buffer types off (AMX tiles, weight repacking).

On a CPU that reports AMX while the kernel or hypervisor does not let the process use it, llama.cpp's
``ggml_backend_amx_mul_mat`` dies with SIGSEGV on the first decode: with llama-cpp-python 0.3.36 built for this
box's Xeon (amx_tile in /proc/cpuinfo) every completion of both manifest models crashed, in process and in
``llama_cpp.server``. llama-cpp-python has no argument for ``llama_model_params.use_extra_bufts``, so the
default parameters it starts from are wrapped while a model loads. The plain CPU kernels are used instead.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

_LOCK = threading.Lock()


def _wrap(original):
    def params():
        p = original()
        if hasattr(p, "use_extra_bufts"):
            p.use_extra_bufts = False
        return p

    params.edge_agent_wrapped = True  # type: ignore[attr-defined]
    return params


@contextmanager
def without_extra_buffers() -> Iterator[None]:
    """While a ``llama_cpp.Llama`` is constructed inside: its model loads without extra buffer types."""
    from llama_cpp import llama as module

    with _LOCK:
        original = module.llama_cpp.llama_model_default_params
        module.llama_cpp.llama_model_default_params = _wrap(original)
        try:
            yield
        finally:
            module.llama_cpp.llama_model_default_params = original


def install() -> None:
    """For a whole model-server process (``llama_cpp.server``): every model it loads, from now on."""
    import llama_cpp.llama_cpp as raw
    from llama_cpp import llama as module

    if not getattr(module.llama_cpp.llama_model_default_params, "edge_agent_wrapped", False):
        module.llama_cpp.llama_model_default_params = _wrap(raw.llama_model_default_params)
