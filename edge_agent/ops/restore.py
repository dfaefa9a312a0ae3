"""`edge-agent restore DIR`: a backup back into an EMPTY data directory, after checking every file's sha256.

Nothing is written until the whole backup checks out; a data directory that holds anything, or a key or
checkpoint file that already exists where the settings put it, is refused (a restore never overwrites).
A backup made by a newer edge-agent (a schema this code does not know) is refused too: upgrade first.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edge_agent.audit.checkpoints import checkpoint_path
from edge_agent.config import Settings
from edge_agent.ops.backup import FORMAT, MANIFEST, BackupError, sha256_of
from edge_agent.ops.stores import key_files, stores


@dataclass(frozen=True)
class RestoreResult:
    """What a restore wrote."""

    files: int
    turns: int
    head_seq: int
    keys: tuple[str, ...]  # the key files restored (names as in the backup)


def read_manifest(backup: Path) -> dict[str, Any]:
    """The manifest of a backup directory (BackupError when it is missing or not ours)."""
    try:
        manifest = json.loads((backup / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{backup} has no {MANIFEST}: not an edge-agent backup") from None
    except ValueError:
        raise BackupError(f"{backup / MANIFEST} is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{backup / MANIFEST}: unknown backup format {manifest.get('format')!r}")
    return manifest


def check_backup(backup: Path, manifest: dict[str, Any]) -> list[str]:
    """Every problem with the files of a backup: missing, changed (sha256), or not listed."""
    problems = []
    listed = set()
    for entry in manifest["files"]:
        path = backup / entry["path"]
        listed.add(entry["path"])
        if ".." in Path(entry["path"]).parts or Path(entry["path"]).is_absolute():
            problems.append(f"{entry['path']}: a path outside the backup")
        elif not path.is_file():
            problems.append(f"{entry['path']}: missing")
        elif path.stat().st_size != entry["size"] or sha256_of(path) != entry["sha256"]:
            problems.append(f"{entry['path']}: changed since the backup was made (sha256 differs)")
    for path in sorted(backup.rglob("*")):
        rel = str(path.relative_to(backup))
        if path.is_file() and rel != MANIFEST and rel not in listed:
            problems.append(f"{rel}: not in the manifest")
    return problems


def _check_versions(settings: Settings, manifest: dict[str, Any]) -> None:
    known = {s.name: s.latest for s in stores(settings)}
    for name, version in manifest.get("schema_versions", {}).items():
        if name in known and version > known[name]:
            raise BackupError(f"the backup's {name} store has schema version {version}, newer than this "
                              f"edge-agent knows ({known[name]}): install the release that made it "
                              f"({manifest.get('edge_agent_version')}) or newer, then restore")


def _targets(settings: Settings, manifest: dict[str, Any]) -> dict[str, Path]:
    """Where each file of the backup goes."""
    keys = key_files(settings)
    where: dict[str, Path] = {}
    for entry in manifest["files"]:
        rel = Path(entry["path"])
        if rel.parts[0] == "data":
            where[entry["path"]] = settings.data_dir.joinpath(*rel.parts[1:])
        elif rel.parts[0] == "keys" and rel.name in keys:
            where[entry["path"]] = keys[rel.name]
        elif str(rel) == "checkpoints.jsonl":
            where[entry["path"]] = checkpoint_path(settings)
        else:
            raise BackupError(f"{rel}: a file this edge-agent does not know where to restore")
    return where


def restore_backup(settings: Settings, backup: Path) -> RestoreResult:
    """Check ``backup`` and copy it into the (empty or new) data directory of ``settings``."""
    manifest = read_manifest(backup)
    problems = check_backup(backup, manifest)
    if problems:
        raise BackupError("the backup does not match its manifest: " + "; ".join(problems[:5]) +
                          (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""))
    _check_versions(settings, manifest)
    data = settings.data_dir
    if data.exists() and (not data.is_dir() or any(data.iterdir())):
        raise BackupError(f"the data directory {data} is not empty: restore only into a new or empty one "
                          "(move the old one aside first)")
    where = _targets(settings, manifest)
    existing = [str(p) for p in where.values() if p.exists()]
    if existing:
        raise BackupError(f"refusing to overwrite {', '.join(existing)}: move them aside first")
    data.mkdir(parents=True, exist_ok=True, mode=0o700)
    for rel, dest in where.items():
        dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        shutil.copyfile(backup / rel, dest)
        os.chmod(dest, 0o600)
    audit = manifest.get("audit", {})
    restored_keys = tuple(sorted(Path(r).name for r in where if Path(r).parts[0] == "keys"))
    return RestoreResult(len(where), int(audit.get("turns", 0)), int(audit.get("head_seq", 0)), restored_keys)
