"""`edge-agent backup DIR`: a consistent snapshot of a data directory, taken while the service keeps serving.

Layout of a backup::

    DIR/manifest.json        what is in it: versions, the chain head, every file with its size and sha256
    DIR/data/...             the data directory: every SQLite store copied with SQLite's backup API (one
                             step, so one read snapshot while writers go on), Chroma, calibration, the rest
    DIR/checkpoints.jsonl    the audit checkpoint file, cut at the snapshot's chain head
    DIR/keys/*.key           only with --include-keys: audit key, staff secret, pseudonym key

Order matters for the audit trail: the conversation store is copied first (its chain head H is then fixed),
the checkpoint file after it, keeping only checkpoints of records up to H. The file therefore still holds
every checkpoint the snapshot recorded, and none that the snapshot's chain cannot reach. Chroma is copied next;
when a knowledge-base change was chained meanwhile, all three are taken again (a KB entry and its signed event
travel together). Logs are not copied.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from edge_agent import __version__
from edge_agent.audit.chain import KIND_KB
from edge_agent.audit.checkpoints import checkpoint_path, read_checkpoints
from edge_agent.config import Settings
from edge_agent.errors import EdgeError
from edge_agent.ops.stores import SIDE_FILES, is_sqlite, key_files, schema_version, stores

MANIFEST = "manifest.json"
FORMAT = 1
SKIPPED_DIRS = ("logs",)  # redacted service logs: not state, not restored
CHROMA_TRIES = 3


class BackupError(EdgeError):
    """A backup cannot be written or read, or a restore target is not empty."""

    code = "backup"
    default_message = "The backup could not be made or restored."


@dataclass(frozen=True)
class BackupResult:
    """What a backup wrote."""

    path: Path
    files: int
    bytes: int
    seconds: float
    turns: int
    head_seq: int


def sha256_of(path: Path) -> str:
    """The sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a live database with the backup API in one step (one consistent read snapshot)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(str(source))  # read only in effect; a read-only open could not read a live WAL
    dst = sqlite3.connect(str(target))
    try:
        src.execute("PRAGMA busy_timeout=30000")
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode=DELETE")  # a self-contained file: no -wal beside it in the backup
    finally:
        dst.close()
        src.close()


def _chain_head(db: Path) -> tuple[int, str, int]:
    """(head seq, head hash, turns) of a copied conversation store; zeros when it has no chain."""
    conn = sqlite3.connect(str(db))
    try:
        found = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        turns = int(conn.execute("SELECT COUNT(*) FROM turns").fetchone()[0]) if "turns" in found else 0
        if "audit_log" not in found:
            return 0, "", turns
        row = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        return (int(row[0]), str(row[1]), turns) if row else (0, "", turns)
    finally:
        conn.close()


def _cut_checkpoints(source: Path, target: Path, head_seq: int) -> int:
    """Copy the checkpoint lines of records up to ``head_seq``; return how many newer ones were left out."""
    found = read_checkpoints(source)
    kept = [cp for _, cp in found.checkpoints if cp.seq <= head_seq]
    target.write_text("".join(cp.to_line() for cp in kept), encoding="ascii")
    return len(found.checkpoints) - len(kept)


def _fingerprint(root: Path) -> dict[str, tuple[int, int]]:
    """Size and mtime of every file but SQLite's shared-memory index (readers write that one)."""
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in sorted(root.rglob("*")) if p.is_file() and not p.name.endswith("-shm")}


def _copy_tree(source: Path, target: Path, skip: Callable[[Path], bool]) -> None:
    """Copy a directory: SQLite files through the backup API, others as bytes; ``skip`` leaves files out."""
    for path in sorted(source.rglob("*")):
        if not path.is_file() or skip(path) or path.name.endswith(SIDE_FILES):
            continue
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if is_sqlite(path):
            copy_sqlite(path, dest)
        else:
            shutil.copyfile(path, dest)


def _copy_chroma(source: Path, target: Path) -> None:
    """Chroma's directory; copied again when the knowledge base changed meanwhile (a `kb add` through the
    server): chat turns only read it."""
    for _ in range(CHROMA_TRIES):
        before = _fingerprint(source)
        _copy_tree(source, target, lambda p: False)
        if _fingerprint(source) == before:
            return
        shutil.rmtree(target)
    raise BackupError(f"the knowledge base in {source} kept changing during {CHROMA_TRIES} copies: "
                      "back up again when no document is being added")


def _files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            yield path


def _kb_changes_after(db: Path, head_seq: int) -> int:
    """Knowledge-base events the live store chained after ``head_seq``."""
    conn = sqlite3.connect(str(db))
    try:
        conn.execute("PRAGMA busy_timeout=30000")
        return int(conn.execute("SELECT COUNT(*) FROM audit_log WHERE seq > ? AND kind = ?",
                                (head_seq, KIND_KB)).fetchone()[0])
    finally:
        conn.close()


def _snapshot(settings: Settings, target: Path) -> tuple[int, str, int, int]:
    """The conversation store, the checkpoint file cut at its head, and Chroma as of that head: taken again
    when a knowledge-base change was chained meanwhile (its entries and its signed event must travel together,
    or the restored `audit verify` would see entries without their event). Returns (head seq, head hash,
    turns, checkpoints left out)."""
    data, out = settings.data_dir, target / "data"
    db = out / settings.db_path.relative_to(data)
    for _ in range(CHROMA_TRIES):
        copy_sqlite(settings.db_path, db)  # first: fixes the chain head
        head_seq, head_hash, turns = _chain_head(db)
        dropped = 0
        checkpoints = checkpoint_path(settings)
        if checkpoints.is_file():
            dropped = _cut_checkpoints(checkpoints, target / "checkpoints.jsonl", head_seq)
        if settings.chroma_dir.is_dir():
            _copy_chroma(settings.chroma_dir, out / settings.chroma_dir.relative_to(data))
        if not head_seq or not _kb_changes_after(settings.db_path, head_seq):
            return head_seq, head_hash, turns, dropped
        shutil.rmtree(out)
    raise BackupError("the knowledge base kept changing while the backup ran: back up again when no document "
                      "is being added")


def check_empty_target(path: Path) -> None:
    """A backup goes into a new or empty directory only."""
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BackupError(f"{path} is not an empty directory: back up into a new one")


def make_backup(settings: Settings, target: Path, *, include_keys: bool = False) -> BackupResult:
    """Write a backup of ``settings.data_dir`` into ``target`` (new or empty) and its manifest."""
    started = time.monotonic()
    data = settings.data_dir
    if not settings.db_path.is_file():
        raise BackupError(f"no conversation store at {settings.db_path}: nothing to back up")
    check_empty_target(target)
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    out = target / "data"
    head_seq, head_hash, turns, dropped = _snapshot(settings, target)
    checkpoints = checkpoint_path(settings)
    keys = key_files(settings)
    special = {settings.db_path.resolve(), checkpoints.resolve(), *(p.resolve() for p in keys.values())}

    def skip(path: Path) -> bool:
        rel = path.relative_to(data)
        return path.resolve() in special or rel.parts[0] in (*SKIPPED_DIRS, "keys", settings.chroma_dir.name)

    _copy_tree(data, out, skip)
    if include_keys:
        for name, path in keys.items():
            if path.is_file():
                (target / "keys").mkdir(exist_ok=True, mode=0o700)
                shutil.copyfile(path, target / "keys" / name)
                os.chmod(target / "keys" / name, 0o600)
    files: list[dict[str, str | int]] = [{"path": str(p.relative_to(target)), "size": p.stat().st_size,
                                          "sha256": sha256_of(p)} for p in _files(target)]
    manifest = {
        "format": FORMAT, "edge_agent_version": __version__, "platform": platform.platform(),
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "source_data_dir": str(data.resolve()), "include_keys": include_keys,
        "schema_versions": {s.name: schema_version(out / s.path.relative_to(data))
                            for s in stores(settings) if (out / s.path.relative_to(data)).is_file()},
        "audit": {"head_seq": head_seq, "head_hash": head_hash, "turns": turns,
                  "checkpoints_after_head_left_out": dropped},
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return BackupResult(target, len(files), sum(p.stat().st_size for p in _files(target)), time.monotonic() - started,
                        turns, head_seq)
