"""`edge-agent backup`, `restore`, `migrate` and `doctor` (wired into the CLI by edge_agent/cli.py)."""
from __future__ import annotations

import argparse
from pathlib import Path

from edge_agent.config import Settings


def add_ops_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `backup DIR`, `restore DIR`, `migrate` and `doctor` on the CLI's subparsers."""
    backup = sub.add_parser("backup", help="write a consistent snapshot of the data directory (safe while serving)")
    backup.add_argument("target", metavar="DIR", help="new or empty directory to write the backup into")
    backup.add_argument("--include-keys", action="store_true",
                        help="also copy the audit key, staff secret and pseudonym key (keep such a backup safe)")
    restore = sub.add_parser("restore", help="restore a backup into an EMPTY data directory")
    restore.add_argument("source", metavar="DIR", help="a directory written by `edge-agent backup`")
    sub.add_parser("migrate", help="bring every store of the data directory to this release's schema "
                                   "(after `edge-agent backup`)")
    doctor = sub.add_parser("doctor", help="check versions, keys, permissions, model, disk, chain and listeners")
    doctor.add_argument("--min-free-mb", type=int, default=1024, help="free space below this is a problem")


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    """Back up the data directory into DIR."""
    from edge_agent.ops.backup import make_backup

    result = make_backup(settings, Path(args.target), include_keys=args.include_keys)
    print(f"backup written to {result.path}: {result.files} files, {result.bytes / 1e6:.1f} MB, "
          f"{result.turns} turns, audit chain through record {result.head_seq}, {result.seconds:.1f} s")
    if not args.include_keys:
        print("keys not included: keep data_dir/keys (audit.key, secret.key) safe separately; a restore needs them")
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    """Restore DIR into the (empty) data directory, then say how to check it."""
    from edge_agent.audit.keys import key_path
    from edge_agent.ops.restore import restore_backup

    result = restore_backup(settings, Path(args.source))
    print(f"restored {result.files} files into {settings.data_dir}: {result.turns} turns, audit chain through "
          f"record {result.head_seq}" + (f"; keys: {', '.join(result.keys)}" if result.keys else ""))
    if not key_path(settings).exists():
        print(f"no audit key restored: copy the key that signed this chain to {key_path(settings)} (mode 0600)")
    print("next: `edge-agent audit verify`, then `edge-agent doctor`, then start the service")
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Migrate every store; print each one's schema version before and after."""
    from edge_agent.ops.migrate import migrate_all

    done = migrate_all(settings)
    for item in done:
        print(item.line())
    if not done:
        print(f"no stores in {settings.data_dir} yet: `edge-agent init` creates them at the current schema")
    return 0


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    """Run every check; print each with its fix; 0 when nothing is wrong."""
    from edge_agent.ops.doctor import run_checks

    results = run_checks(settings, min_free_mb=args.min_free_mb)
    for check in results:
        print(check.line())
    failed = sum(1 for c in results if c.status == "FAIL")
    warned = sum(1 for c in results if c.status == "WARN")
    print(f"\n{len(results)} checks: {failed} failed, {warned} warnings")
    return 1 if failed else 0
