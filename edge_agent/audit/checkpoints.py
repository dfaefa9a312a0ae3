"""Signed checkpoints: the chain's head (seq + hash) with a time, HMAC-signed, one JSON line each, in an
append-only file the auditor copies off the box. A plain hash chain cannot show that its newest records
were deleted; a checkpoint can, because the chain must still reach the checkpoint's head.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from edge_agent.audit.chain import Head, canonical, same_digest
from edge_agent.config import Settings

log = logging.getLogger("edge_agent.audit")

CHECKPOINT_DOMAIN = "edge-agent/audit/checkpoint/v1"
TAIL_BYTES = 4096  # enough to find the last line (lines are ~200 bytes)


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head at a moment: record ``seq`` (= records ever appended) had hash ``head``."""

    seq: int
    head: str
    ts: float
    mac: str

    def to_line(self) -> str:
        """The JSON line written to the checkpoint file."""
        return json.dumps({"v": 1, "seq": self.seq, "head": self.head, "ts": self.ts, "mac": self.mac},
                          sort_keys=True, separators=(",", ":")) + "\n"


@dataclass(frozen=True)
class CheckpointFile:
    """Checkpoints read from a file: valid-looking lines, malformed ones, and whether the last was torn."""

    path: Path
    checkpoints: tuple[tuple[int, Checkpoint], ...]  # (line number, checkpoint)
    malformed: tuple[int, ...]                       # line numbers that are not checkpoints
    torn_tail: bool                                  # last line had no newline (a crash mid-write)
    exists: bool = True                              # False: there was no such file


def checkpoint_path(settings: Settings) -> Path:
    """Where checkpoints go: ``audit_checkpoint_file``, else ``<data_dir>/audit/checkpoints.jsonl``."""
    return settings.audit_checkpoint_file or settings.data_dir / "audit" / "checkpoints.jsonl"


def checkpoint_copy_path(settings: Settings) -> Path | None:
    """The off-box copy of the checkpoints (``audit_checkpoint_copy_dir``/<location>.checkpoints.jsonl), if set."""
    if settings.audit_checkpoint_copy_dir is None:
        return None
    name = re.sub(r"[^A-Za-z0-9._-]", "_", settings.location_id) or "edge-agent"
    return settings.audit_checkpoint_copy_dir / f"{name}.checkpoints.jsonl"


def _mac(key: bytes, seq: int, head: str, ts: float) -> str:
    return hmac.new(key, canonical([CHECKPOINT_DOMAIN, seq, head, ts]), hashlib.sha256).hexdigest()


def sign(key: bytes, head: Head, ts: float) -> Checkpoint:
    """A checkpoint of ``head`` signed with the audit key."""
    return Checkpoint(head.seq, head.hash, ts, _mac(key, head.seq, head.hash, ts))


def is_authentic(key: bytes, cp: Checkpoint) -> bool:
    """Whether the checkpoint's signature is valid (constant-time comparison)."""
    try:
        return same_digest(_mac(key, cp.seq, cp.head, cp.ts), cp.mac)
    except (TypeError, ValueError):
        return False


def parse_line(line: str) -> Checkpoint | None:
    """A checkpoint from one JSON line, or None when the line is not one."""
    try:
        obj = json.loads(line)
        cp = Checkpoint(obj["seq"], obj["head"], obj["ts"], obj["mac"])
    except (ValueError, KeyError, TypeError):
        return None
    if obj.get("v") != 1 or type(cp.seq) is not int or not isinstance(cp.head, str) \
            or not isinstance(cp.ts, (int, float)) or not isinstance(cp.mac, str):
        return None
    return cp


def read_checkpoints(path: Path) -> CheckpointFile:
    """Every line of a checkpoint file (a missing file reads as empty)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return CheckpointFile(path, (), (), False, exists=False)
    text = raw.decode("utf-8", "replace")
    lines = text.split("\n")
    torn = lines[-1] != ""
    found: list[tuple[int, Checkpoint]] = []
    malformed: list[int] = []
    for number, line in enumerate(lines if torn else lines[:-1], 1):
        if not line.strip():
            continue
        cp = parse_line(line)
        if cp is None:
            if not (torn and number == len(lines)):
                malformed.append(number)
        else:
            found.append((number, cp))
    return CheckpointFile(path, tuple(found), tuple(malformed), torn)


def last_checkpoint(path: Path) -> Checkpoint | None:
    """The newest complete checkpoint line, read from the end of the file."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - TAIL_BYTES))
            tail = fh.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return None
    for line in reversed(tail.split("\n")[:-1]):  # the part after the last newline is torn or empty
        cp = parse_line(line)
        if cp is not None:
            return cp
    return None


def append_checkpoint(path: Path, cp: Checkpoint) -> None:
    """Append one line durably (O_APPEND, fsync); a torn last line from a crash is cut off first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            start = max(0, size - TAIL_BYTES)
            chunk = os.pread(fd, size - start, start)
            cut = chunk.rfind(b"\n")
            os.ftruncate(fd, start + cut + 1 if cut >= 0 else start)
        os.write(fd, cp.to_line().encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


class Checkpointer:
    """Writes a checkpoint every ``every_records`` records or ``every_s`` seconds, whichever comes first."""

    def __init__(self, path: Path, key: bytes, *, every_records: int, every_s: float,
                 clock: Callable[[], float] = time.time, copies: Sequence[Path] = (),
                 record: Callable[[Checkpoint], None] | None = None) -> None:
        self.path = path
        self.copies = tuple(copies)  # off-box copies (a mounted share): appended as each checkpoint is written
        self._record = record        # also remembered in the database, so a shrunken file shows
        self._key = key
        self.every_records = every_records
        self.every_s = every_s
        self._clock = clock
        self._lock = threading.Lock()
        last = last_checkpoint(path)
        self._last_seq = last.seq if last else 0
        self._last_ts = last.ts if last else clock()

    @property
    def last_seq(self) -> int:
        """Sequence number of the newest checkpoint written (or found at start)."""
        return self._last_seq

    def due(self, head: Head) -> bool:
        """Whether a checkpoint of ``head`` should be written now."""
        moved = head.seq != self._last_seq
        return moved and (head.seq - self._last_seq >= self.every_records
                          or self._clock() - self._last_ts >= self.every_s)

    def write(self, head: Head) -> Checkpoint:
        """Sign and append a checkpoint of ``head`` (a committed head only)."""
        with self._lock:
            cp = sign(self._key, head, self._clock())
            append_checkpoint(self.path, cp)
            for copy in self.copies:
                try:
                    append_checkpoint(copy, cp)
                except OSError as exc:  # the share is down: the local file and the database still have it
                    log.error("audit checkpoint not copied to %s: %s", copy, type(exc).__name__)
            if self._record is not None:
                self._record(cp)
            self._last_seq, self._last_ts = cp.seq, cp.ts
            return cp

    def maybe_write(self, head: Head, *, force: bool = False) -> Checkpoint | None:
        """Write a checkpoint when due (or, with ``force``, whenever the head moved)."""
        if self.due(head) or (force and head.seq != self._last_seq):
            return self.write(head)
        return None
