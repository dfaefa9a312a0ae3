"""Parse uploaded documents in a child process with limits (issue 12, Medium 6).

A 6 KB PDF once took 6.5 minutes of server CPU. Here every document is parsed by ``parse_child`` in its own
process, limited to ``memory_mb`` of address space and ``timeout_s`` of CPU and wall time, at the lowest
priority, one at a time: a hostile file costs at most that, then its process is killed and the file is refused
with ``document_too_complex``. What the child returns is JSON, checked here, never unpickled.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import Any

from edge_agent.knowledge.chunking import Block, DocMeta, Entry
from edge_agent.knowledge.loaders import LoadedDocument
from edge_agent.knowledge.loaders.ingest_errors import DocumentTooComplex, UnreadableDocument, error_for_code

_ONE_AT_A_TIME = threading.Semaphore(1)  # two cores: one parse at a time leaves the other to chat


@dataclass(frozen=True)
class ParseLimits:
    """What one document's parse may cost."""

    timeout_s: float = 60.0  # wall clock and CPU seconds
    memory_mb: int = 1024  # address space of the child process
    max_pages: int = 500  # PDF pages
    max_output_chars: int = 4_000_000  # text the parse may hand back for guarding and chunking


def _refusal(name: str, limits: ParseLimits, what: str) -> DocumentTooComplex:
    return DocumentTooComplex(f"{name}: parsing needed more {what} than allowed (ingest_timeout_s="
                              f"{limits.timeout_s:g}, ingest_memory_mb={limits.memory_mb}); the file was not ingested")


def _document(name: str, out: Any, limits: ParseLimits) -> LoadedDocument:
    """Rebuild the LoadedDocument from the child's JSON, checking every field's type."""
    try:
        blocks = tuple(Block(str(t), int(lv)) for t, lv in out["blocks"])
        entries = tuple(Entry(str(q), str(a), str(s), tuple(str(p) for p in ps)) for q, a, s, ps in out["entries"])
        meta = DocMeta(**{k: str(out["meta"].get(k, "")) for k in ("title", "version", "effective", "lang",
                                                                     "source")})
    except (KeyError, TypeError, ValueError, AttributeError):
        raise UnreadableDocument(f"{name}: the parser returned nothing usable") from None
    return LoadedDocument(blocks=blocks, entries=entries, meta=meta)


def parse_isolated(data: bytes, name: str, suffix: str, limits: ParseLimits) -> LoadedDocument:
    """Parse one document's bytes in a limited child process; IngestError subclasses as the loaders raise."""
    header = {"suffix": suffix, "name": name, "memory_mb": limits.memory_mb,
              "cpu_s": max(1, math.ceil(limits.timeout_s)), "max_pages": limits.max_pages}
    request = json.dumps(header).encode() + b"\n" + data
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}  # nothing of ours inherited
    with _ONE_AT_A_TIME:
        try:
            done = subprocess.run([sys.executable, "-I", "-m", "edge_agent.knowledge.parse_child"], input=request,
                                  capture_output=True, timeout=limits.timeout_s, env=env, check=False)
        except subprocess.TimeoutExpired:  # run() killed it
            raise _refusal(name, limits, "time") from None
    if len(done.stdout) > limits.max_output_chars * 4:
        raise DocumentTooComplex(f"{name}: the document holds more text than ingestion accepts")
    try:
        out = json.loads(done.stdout) if done.returncode == 0 else None
    except ValueError:
        out = None
    if not isinstance(out, dict):  # killed (CPU limit, out of memory) or crashed
        raise _refusal(name, limits, "time or memory")
    if "error" in out:
        code, message = str(out["error"].get("code", "")), str(out["error"].get("message", ""))
        if code == DocumentTooComplex.code:
            raise _refusal(name, limits, message or "memory")
        raise error_for_code(code)(message or f"{name}: cannot be ingested")
    return _document(name, out, limits)
