"""The child process that parses one uploaded document (issue 12, Medium 6); run by knowledge.sandbox.

It limits itself before reading a byte — address space, CPU seconds, no files written, no new processes, low
priority — then reads one request from stdin (a JSON header line, then the file's bytes), runs the format's
loader and writes the extracted text as JSON on stdout. A hostile file can only exhaust this process.
"""
from __future__ import annotations

import json
import os
import resource
import sys
from typing import Any


def limit_self(memory_mb: int, cpu_s: int) -> None:
    """Cap this process: memory (address space), CPU time, file writes, child processes; lowest priority."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    if os.getuid() != 0:  # (root is not bound by NPROC)
        resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.nice(19 - os.nice(0))  # chat keeps the CPU: parsing runs only when nothing else wants it


def document_json(doc: Any) -> dict[str, Any]:
    """A LoadedDocument as plain JSON (never pickled: the parent must not trust what this process returns)."""
    meta = doc.meta
    return {"blocks": [[b.text, b.level] for b in doc.blocks],
            "entries": [[e.question, e.answer, e.section, list(e.phrasings)] for e in doc.entries],
            "meta": {"title": meta.title, "version": meta.version, "effective": meta.effective, "lang": meta.lang,
                     "source": meta.source}}


def main() -> int:
    """Parse the document on stdin; the result (or the refusal) as one JSON object on stdout."""
    header = json.loads(sys.stdin.buffer.readline())
    limit_self(int(header["memory_mb"]), int(header["cpu_s"]))
    data = sys.stdin.buffer.read()
    from edge_agent.knowledge.loaders import IngestError, load_pdf, loader_for

    out: dict[str, Any]
    try:
        suffix, name = str(header["suffix"]).lower(), str(header["name"])
        if suffix == ".pdf":
            doc = load_pdf(data, name, max_pages=int(header["max_pages"]))
        else:
            doc = loader_for(name, suffix)(data, name)
        out = document_json(doc)
    except IngestError as err:
        out = {"error": {"code": err.code, "message": err.message}}
    except MemoryError:
        out = {"error": {"code": "document_too_complex", "message": "memory"}}
    sys.stdout.write(json.dumps(out, ensure_ascii=False))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
