"""`edge-agent init` and `edge-agent audit verify|export|purge` (wired into the CLI by edge_agent/cli.py)."""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sqlite3
import sys
from contextlib import closing, nullcontext
from pathlib import Path

from edge_agent.audit import kb_integrity
from edge_agent.audit.checkpoints import checkpoint_copy_path, checkpoint_path, read_checkpoints
from edge_agent.audit.export import FORMATS, export_rows
from edge_agent.audit.keys import key_path, load_key
from edge_agent.audit.staff_events import cli_recorder
from edge_agent.audit.verify import VerifyReport, verify_chain
from edge_agent.config import Settings
from edge_agent.errors import EdgeError


class AuditCommandError(EdgeError):
    """An audit command cannot run (no store, bad date, missing checkpoint file)."""

    code = "audit"


def add_audit_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `init` and `audit verify|export|purge` on the CLI's subparsers."""
    sub.add_parser("init", help="prepare a data directory: audit key and staff secret (mode 0600), database; "
                                "safe to re-run")
    audit = sub.add_parser("audit", help="verify or export the tamper-evident audit trail")
    actions = audit.add_subparsers(dest="audit_action", required=True)
    verify = actions.add_parser("verify", help="check every record; exit 0 when intact, 1 naming the first break")
    verify.add_argument("--checkpoint", metavar="FILE",
                        help="checkpoint file to check against (default: the configured audit_checkpoint_file; "
                             "auditors pass their own copy)")
    export = actions.add_parser("export", help="write chain events with their redacted turns")
    export.add_argument("--since", help="ISO date or time, inclusive (local time unless it has an offset)")
    export.add_argument("--until", help="ISO date or time, exclusive; a bare date includes that whole day")
    export.add_argument("--format", choices=tuple(FORMATS), default="jsonl")
    export.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    purge = actions.add_parser("purge", help="apply retention now: delete old turns as one signed purge event")
    purge.add_argument("--before", help="ISO date or time; default: now minus retention_days")


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    """Create the data directory, the audit key and staff secret (if missing) and the migrated database."""
    from edge_agent.auth.secret import create_secret_key, secret_key_path
    from edge_agent.conversations import ConversationStore, audit_options

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    existed = key_path(settings).exists()
    options = audit_options(settings, create_key=True)
    store = ConversationStore(settings.db_path, options)  # refuses a trail that does not match (never re-signs)
    store.start_checkpoints()
    head = store.head()
    store.close()
    secret_created = create_secret_key(secret_key_path(settings))
    print(f"data directory: {settings.data_dir}")
    print(f"audit key: {key_path(settings)} ({'kept' if existed else 'created, mode 0600'})")
    print(f"staff cookie secret: {secret_key_path(settings)} ({'created, mode 0600' if secret_created else 'kept'})")
    print(f"conversation store: {settings.db_path} ({head.seq} audit records)")
    copy = checkpoint_copy_path(settings)
    print(f"audit checkpoints: {checkpoint_path(settings)} " + (f"(each also copied to {copy})" if copy else
          "(copy this file off the box for the auditor, or set EDGE_AUDIT_CHECKPOINT_COPY_DIR)"))
    return 0


class AuditBroken(Exception):
    """What is on disk cannot be an intact audit trail (tables or the store gone while records remain):
    `audit verify` prints it as its verdict and exits 1."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _connect(settings: Settings) -> sqlite3.Connection:
    """The store's database for reading, without creating or migrating it."""
    path = settings.db_path
    checkpoints = read_checkpoints(checkpoint_path(settings)).checkpoints
    if not path.is_file():
        if checkpoints:
            raise AuditBroken(f"audit chain BROKEN: the conversation store {path} is missing but "
                              f"{checkpoint_path(settings)} holds {len(checkpoints)} checkpoints (deleted?)")
        raise AuditCommandError(f"no conversation store at {path} (run `edge-agent init`)")
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA busy_timeout=30000")
    found = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "audit_log" not in found:
        turns = conn.execute("SELECT COUNT(*) FROM turns").fetchone()[0] if "turns" in found else 0
        conn.close()
        if turns or checkpoints:
            raise AuditBroken(f"audit chain BROKEN: {path} holds {turns} turns and {len(checkpoints)} checkpoints "
                              "exist, but its audit table is missing (dropped?). Do not re-initialise: restore "
                              "the database from a backup")
        raise AuditCommandError(f"{path} has no audit trail yet (run `edge-agent init`)")
    return conn


def parse_when(text: str, *, end_of_day: bool = False) -> float:
    """An ISO date or date-time as a Unix time (naive means local; a bare date for --until means next midnight)."""
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            moment = dt.datetime.combine(day + dt.timedelta(days=1 if end_of_day else 0), dt.time())
        else:
            moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise AuditCommandError(f"cannot read {text!r} as an ISO date or time (e.g. 2025-03-01 or "
                                "2025-03-01T08:00)") from None
    return (moment if moment.tzinfo else moment.astimezone()).timestamp()


def cmd_audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    """Verify the chain against the checkpoints; print one line; 0 intact, 1 broken."""
    path = Path(args.checkpoint) if args.checkpoint else checkpoint_path(settings)
    if args.checkpoint and not path.is_file():
        raise AuditCommandError(f"checkpoint file not found: {path}")
    key = load_key(key_path(settings))
    own = checkpoint_path(settings)
    copy = checkpoint_copy_path(settings)
    checkpoints = read_checkpoints(path)  # before the database snapshot: see verify_chain
    also = [read_checkpoints(p) for p in {own, copy} - {path, None}]
    try:
        conn = _connect(settings)
    except AuditBroken as broken:
        print(broken.message)
        return 1
    with closing(conn):
        report = verify_chain(conn, key, checkpoints, also=also, own_file=own)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    print(report.summary())
    if not report.ok:
        return 1
    return _verify_knowledge(settings, report)


def _verify_knowledge(settings: Settings, report: VerifyReport) -> int:
    """After an intact chain: the knowledge store's entries against the hashes its kb events signed."""
    if not (settings.chroma_url or settings.chroma_dir.is_dir()) or report.kb_documents is None:
        return 0
    store = kb_integrity.open_for_reading(settings.chroma_dir, settings.chroma_url)
    knowledge = kb_integrity.compare(report.kb_documents, kb_integrity.stored_hashes(store),
                                     purged=report.purged_through > 0)
    for note in knowledge.notes:
        print(f"note: {note}", file=sys.stderr)
    print(knowledge.summary())
    return 0 if knowledge.ok else 1


def cmd_audit_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write chain events (with their turns) in the range as JSON lines or CSV."""
    since = parse_when(args.since) if args.since else None
    until = parse_when(args.until, end_of_day=True) if args.until else None
    with cli_recorder(settings) as record:  # the export itself is a signed staff event, inside what it exports
        record("export", f"{args.since or 'start'}..{args.until or 'now'}", args.format)
    opener = open(args.output, "w", encoding="utf-8", newline="") if args.output else nullcontext(sys.stdout)
    with closing(_connect(settings)) as conn, opener as out:
        conn.execute("BEGIN")
        count = FORMATS[args.format](export_rows(conn, since, until), out)
        conn.execute("COMMIT")
    print(f"exported {count} audit events", file=sys.stderr)
    return 0


def cmd_audit_purge(args: argparse.Namespace, settings: Settings) -> int:
    """Purge turns older than --before (or retention_days) as one signed purge event."""
    from edge_agent.audit.retention import cutoff
    from edge_agent.conversations import ConversationStore, audit_options

    if args.before:
        before = parse_when(args.before)
    elif settings.retention_days:
        before = cutoff(dt.datetime.now().timestamp(), settings.retention_days)
    else:
        raise AuditCommandError("retention_days is 0 (keep forever): pass --before to purge anyway")
    _connect(settings).close()  # a store must exist: never create one just to purge it
    options = dataclasses.replace(audit_options(settings, create_key=False), retention_days=0)  # purge once, here
    store = ConversationStore(settings.db_path, options)
    try:
        result = store.purge(before)
    finally:
        store.close()
    if settings.tickets_path.is_file():
        from edge_agent.tickets import TicketStore

        tickets = TicketStore(settings.tickets_path)
        try:
            print(f"purged {tickets.purge(before)} escalation tickets")
        finally:
            tickets.close_connection()
    if result is None:
        print("nothing to purge")
    else:
        print(f"purged {result.records} audit records ({result.turns} turns) through record {result.through_seq}; "
              f"purge event is record {result.event.seq}")
    return 0


AUDIT_ACTIONS = {"verify": cmd_audit_verify, "export": cmd_audit_export, "purge": cmd_audit_purge}


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    """Dispatch `edge-agent audit <action>`."""
    try:
        return AUDIT_ACTIONS[args.audit_action](args, settings)
    except AuditBroken as broken:  # export or purge on a trail that cannot be intact
        raise AuditCommandError(broken.message) from None
