"""The `edge-agent kb` command: add (alias `ingest`), remove and list knowledge documents.

Every add, replace and remove is chained into the audit trail as a ``kb`` event with the actor
``cli:<OS user>``. The audit key is obtained the way `edge-agent init` does it: created when the chain is
still empty (so `kb add` may run before `init` on a fresh box), an error naming `edge-agent init` or the
key to restore otherwise.
"""
from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, TextIO

from edge_agent.config import Settings
from edge_agent.knowledge.ingest import (
    FileResult,
    IngestOptions,
    IngestReport,
    KbChange,
    add_paths,
    build_ingest_redactor,
    list_documents,
    remove_documents,
    walk,
)
from edge_agent.knowledge.writer_lock import knowledge_writer

if TYPE_CHECKING:
    from edge_agent.conversations import ConversationStore


def add_kb_parser(sub: Any) -> None:
    """Register `kb add|remove|list` and the `ingest` alias on the CLI's subparsers."""
    kb = sub.add_parser("kb", help="add, replace, remove or list knowledge documents")
    actions = kb.add_subparsers(dest="kb_action", required=True)
    add = actions.add_parser("add", help="add or replace documents (.md .txt .html .pdf .docx, FAQ .csv .xlsx)")
    _add_arguments(add)
    remove = actions.add_parser("remove", help="remove documents by id (see `kb list`)")
    remove.add_argument("doc_ids", nargs="+", metavar="DOC_ID")
    remove.add_argument("--json", action="store_true", help="print the changes as JSON lines")
    calibrate = actions.add_parser("calibrate", help="fit the answer/clarify/decline model on this knowledge base")
    calibrate.add_argument("--json", action="store_true", help="print the fitted model as JSON")
    listing = actions.add_parser("list", help="list stored documents")
    listing.add_argument("--json", action="store_true", help="print one JSON object per document")
    ingest = sub.add_parser("ingest", help="same as `kb add`")
    _add_arguments(ingest)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (folders are walked)")
    parser.add_argument("--json", action="store_true", help="print the per-file report as JSON lines")
    parser.add_argument("--collection", default="", help="knowledge collection (scope) for these documents; "
                        "default: each document's top folder, else 'default'")
    parser.add_argument("--progress", action="store_true",
                        help="show the progress bar even when stderr is not a terminal (it is shown on one)")


def cmd_kb(args: argparse.Namespace, settings: Settings) -> int:
    """Run one `kb` action."""
    return KB_ACTIONS[args.kb_action](args, settings)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    """`edge-agent ingest PATH...`: the same as `kb add`."""
    return kb_add(args, settings)


def _store(settings: Settings) -> Any:
    from edge_agent.services import build_knowledge

    return build_knowledge(settings)


def cli_actor() -> str:
    """Who changes the knowledge base from the command line: ``cli:<OS user>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        return f"cli:uid-{os.getuid()}"


def _open_audit(settings: Settings) -> "ConversationStore":
    """The conversation store with its audit key, opened as `init` does (key created only on an empty chain)."""
    from edge_agent.conversations import ConversationStore, audit_options

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    options = audit_options(settings, create_key=True)  # AuditKeyError when the chain exists but the key does not
    return ConversationStore(settings.db_path, dataclasses.replace(options, retention_days=0))  # no purge here


class AuditRecorder:
    """Chains each change as a ``kb`` audit event by one actor; remembers the records it wrote."""

    def __init__(self, audit: "ConversationStore", actor: str) -> None:
        self.audit, self.actor = audit, actor
        self.seqs: list[int] = []

    def __call__(self, change: KbChange) -> None:
        """Record one change (raises when the audit trail cannot be written: the run then stops)."""
        self.seqs.append(self.audit.record_kb_change(self.actor, change).seq)

    def summary(self) -> str:
        """One line for the operator ('' when nothing was recorded)."""
        if not self.seqs:
            return ""
        return (f"audit trail: {len(self.seqs)} change(s) recorded as {self.actor} "
                f"(records {self.seqs[0]}..{self.seqs[-1]})")


@contextmanager
def audit_recorder(settings: Settings) -> Iterator[AuditRecorder]:
    """The recorder for this command, with the audit store open for as long as the block runs."""
    audit = _open_audit(settings)
    try:
        yield AuditRecorder(audit, cli_actor())
    finally:
        audit.close()


def _note(recorder: AuditRecorder, json_lines: bool) -> None:
    if recorder.summary():  # JSON output stays one object per line on stdout
        print(recorder.summary(), file=sys.stderr if json_lines else sys.stdout)


def kb_add(args: argparse.Namespace, settings: Settings) -> int:
    """Add or replace documents, each chained into the audit trail; exit 1 when any file was not stored."""
    paths = [Path(p) for p in args.paths]
    for path in paths:  # fail before loading models when a path is missing
        if not path.exists():
            raise FileNotFoundError(f"no such file or directory: {path}")
    with knowledge_writer(settings, "add"), audit_recorder(settings) as record:  # fails fast before loading models
        redactor = build_ingest_redactor(settings)
        store = _store(settings)
        options = dataclasses.replace(IngestOptions.from_settings(settings),
                                      collection=getattr(args, "collection", "") or "")
        started = time.monotonic()
        with progress_bar(paths, force=getattr(args, "progress", False)) as on_file:
            report = add_paths(store, paths, options, redactor, on_change=record, on_file=on_file)
        seconds = time.monotonic() - started
        print_report(report, store.count(), json_lines=args.json)
        if not args.json:
            print(throughput(report.chunks, seconds))
    _note(record, args.json)
    return 1 if report.errors else 0


def throughput(chunks: int, seconds: float) -> str:
    """The closing line of `kb add`: chunks stored per second of reading, redacting, embedding and storing."""
    return f"{chunks} chunks in {seconds:.1f} s: {chunks / max(seconds, 1e-9):.1f} chunks/s"


@contextmanager
def progress_bar(paths: list[Path], *, force: bool = False) -> Iterator[Callable[[FileResult], None]]:
    """A tqdm bar over the files under ``paths`` on stderr (shown on a terminal, or with ``force``); yields the
    callback that advances it by one file and its chunks."""
    from tqdm import tqdm

    total = sum(1 for path in paths for _ in walk(path))
    bar = tqdm(total=total, unit="file", desc="kb add", file=sys.stderr, dynamic_ncols=True,
               disable=False if force else None, mininterval=0.5)
    chunks = 0

    def advance(result: FileResult) -> None:
        nonlocal chunks
        chunks += result.chunks
        bar.set_postfix(chunks=chunks, refresh=False)
        bar.update(1)

    try:
        yield advance
    finally:
        bar.close()


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
    """Remove documents by id, each chained into the audit trail (an unknown id removes nothing)."""
    with knowledge_writer(settings, "remove"), audit_recorder(settings) as record:
        store = _store(settings)
        changes = remove_documents(store, args.doc_ids, on_change=record)
    for change in changes:
        if args.json:
            print(json.dumps(change.to_json(), ensure_ascii=False))
        else:
            print(f"removed {change.doc_id}: {change.chunks} chunks")
    if not args.json:
        print(f"store now holds {store.count()} chunks")
    _note(record, args.json)
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


def kb_calibrate(args: argparse.Namespace, settings: Settings) -> int:
    """Fit the decision model on the stored knowledge base and save it where `serve` reads it."""
    from edge_agent.chat.calibration import calibrate
    from edge_agent.chat.head import head_for
    from edge_agent.chat.retrieval import ScopeIndex

    store = _store(settings)
    if store.count() == 0:
        print("the knowledge base is empty: add documents first (`edge-agent kb add PATH`)", file=sys.stderr)
        return 1
    scope = ScopeIndex.build(store.embedder) if settings.scope_check else None
    report = calibrate(store, scope, fitted_on=f"{store.count()} entries", pool=settings.retrieval_pool)
    report.model.save(settings.calibration_path)
    head, head_cv = head_for(store.snapshot(), fitted_on=f"{store.count()} entries")
    if head is not None:
        head.save(settings.intent_head_path)
    else:
        settings.intent_head_path.unlink(missing_ok=True)
    if args.json:
        print(json.dumps({**asdict(report.model), "positives": report.positives, "negatives": report.negatives,
                          "balanced_accuracy": report.balanced_accuracy, "path": str(settings.calibration_path),
                          "intent_head": str(settings.intent_head_path) if head is not None else None,
                          "intent_head_cv": head_cv}))
    else:
        print(f"probed with {report.positives} questions that find their entry and {report.negatives} that "
              f"should be declined (balanced accuracy {report.balanced_accuracy:.3f}): answer at "
              f"p≥{report.model.answer_at}, ask at p≥{report.model.clarify_at}; saved to "
              f"{settings.calibration_path}" + (f"; intent head over {len(head.entry_ids)} entries saved to "
                                                f"{settings.intent_head_path}" if head is not None else "")
              + " (restart `serve` to use them)")
        if head_cv:
            print(f"held-out phrasings ranked first: intent head {head_cv['cv_head']:.3f}, similarity search "
                  f"{head_cv['cv_similarity']:.3f} — " + ("head kept" if head is not None else
                                                          "head not used (it does not rank them better)"))
    return 0


KB_ACTIONS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "add": kb_add, "remove": kb_remove, "list": kb_list, "calibrate": kb_calibrate,
}
