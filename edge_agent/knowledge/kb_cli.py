"""The `edge-agent kb` command: add (alias `ingest`), remove and list knowledge documents."""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, TextIO

from edge_agent.config import Settings
from edge_agent.knowledge.ingest import (
    IngestOptions, IngestReport, add_paths, build_ingest_redactor, list_documents, remove_documents,
)


def add_kb_parser(sub: Any) -> None:
    """Register `kb add|remove|list` and the `ingest` alias on the CLI's subparsers."""
    kb = sub.add_parser("kb", help="add, replace, remove or list knowledge documents")
    actions = kb.add_subparsers(dest="kb_action", required=True)
    add = actions.add_parser("add", help="add or replace documents (.md .txt .html .pdf .docx, FAQ .csv .xlsx)")
    _add_arguments(add)
    remove = actions.add_parser("remove", help="remove documents by id (see `kb list`)")
    remove.add_argument("doc_ids", nargs="+", metavar="DOC_ID")
    remove.add_argument("--json", action="store_true", help="print the changes as JSON lines")
    listing = actions.add_parser("list", help="list stored documents")
    listing.add_argument("--json", action="store_true", help="print one JSON object per document")
    ingest = sub.add_parser("ingest", help="same as `kb add`")
    _add_arguments(ingest)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (folders are walked)")
    parser.add_argument("--json", action="store_true", help="print the per-file report as JSON lines")


def cmd_kb(args: argparse.Namespace, settings: Settings) -> int:
    """Run one `kb` action."""
    return KB_ACTIONS[args.kb_action](args, settings)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    """`edge-agent ingest PATH...`: the same as `kb add`."""
    return kb_add(args, settings)


def _store(settings: Settings) -> Any:
    from edge_agent.services import build_knowledge

    return build_knowledge(settings)


def kb_add(args: argparse.Namespace, settings: Settings) -> int:
    """Add or replace documents; exit 1 when any file was not stored."""
    paths = [Path(p) for p in args.paths]
    for path in paths:  # fail before loading models when a path is missing
        if not path.exists():
            raise FileNotFoundError(f"no such file or directory: {path}")
    redactor = build_ingest_redactor(settings)
    store = _store(settings)
    report = add_paths(store, paths, IngestOptions.from_settings(settings), redactor)
    print_report(report, store.count(), json_lines=args.json)
    return 1 if report.errors else 0


def print_report(report: IngestReport, total: int, *, json_lines: bool = False, out: TextIO | None = None,
                 err: TextIO | None = None) -> None:
    """Per-file lines (errors to stderr), then a summary; redactions as types and counts only."""
    out, err = out or sys.stdout, err or sys.stderr
    for f in report.files:
        counts = [{"type": c.entity_type, "count": c.count} for c in f.redactions]
        if json_lines:
            print(json.dumps({"path": f.path, "doc_id": f.doc_id, "ok": f.ok, "chunks": f.chunks,
                              "redactions": counts, "change": f.change.to_json() if f.change else None,
                              "error": f.error or None, "error_code": f.error_code or None},
                             ensure_ascii=False), file=out)
        elif f.ok and f.change is not None:
            masked = ", ".join(f"{c['type']}×{c['count']}" for c in counts) or "none"
            print(f"{f.change.action:7} {f.doc_id}: {f.chunks} chunks, redacted: {masked}", file=out)
        else:
            print(f"error   {f.error}", file=err)
    if not json_lines:
        print(f"ingested {report.documents} documents, {report.chunks} chunks; store now holds {total} chunks"
              + (f"; {len(report.errors)} files not ingested" if report.errors else ""), file=out)


def kb_remove(args: argparse.Namespace, settings: Settings) -> int:
    """Remove documents by id (all ids are checked first: an unknown one removes nothing)."""
    store = _store(settings)
    for change in remove_documents(store, args.doc_ids):
        if args.json:
            print(json.dumps(change.to_json(), ensure_ascii=False))
        else:
            print(f"removed {change.doc_id}: {change.chunks} chunks")
    if not args.json:
        print(f"store now holds {store.count()} chunks")
    return 0


def kb_list(args: argparse.Namespace, settings: Settings) -> int:
    """List stored documents with their chunk counts, version, effective date and source."""
    docs = list_documents(_store(settings))
    for d in docs:
        if args.json:
            print(json.dumps(asdict(d), ensure_ascii=False))
        else:
            print(f"{d.doc_id}\t{d.chunks} chunks\tversion {d.version or '-'}\teffective {d.effective or '-'}"
                  f"\t{d.title}")
    if not args.json:
        print(f"{len(docs)} documents")
    return 0


KB_ACTIONS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "add": kb_add, "remove": kb_remove, "list": kb_list,
}
