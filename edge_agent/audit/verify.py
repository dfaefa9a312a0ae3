"""Verify the audit chain: every record signed and linked, every turn row matching its record, no turn
without a record, every knowledge-base change well-formed, no records missing before the newest signed
checkpoint. Stops at the first problem.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from edge_agent.audit.chain import (
    GENESIS,
    KB_ACTIONS,
    KB_CHUNKS,
    KB_FIELDS,
    KIND_KB,
    KIND_PURGE,
    KIND_STAFF,
    KIND_TURN,
    SELECT_RECORDS,
    STAFF_ACTIONS,
    STAFF_FIELDS,
    ChainRecord,
    record_is_authentic,
    same_digest,
    select_turn_row,
    turn_digest,
)
from edge_agent.audit.checkpoints import Checkpoint, CheckpointFile, is_authentic
from edge_agent.audit.integrity import missing_from_file, recorded_checkpoints


@dataclass(frozen=True)
class Problem:
    """The first thing found wrong: which record (by seq) or turn, and what."""

    reason: str
    seq: int | None = None
    turn_id: int | None = None

    def where(self) -> str:
        """'record 57 (turn 41)', 'turn 12' or 'checkpoints'."""
        if self.seq is not None:
            return f"record {self.seq}" + (f" (turn {self.turn_id})" if self.turn_id is not None else "")
        return f"turn {self.turn_id}" if self.turn_id is not None else "checkpoints"


@dataclass(frozen=True)
class VerifyReport:
    """Outcome of one verification."""

    ok: bool
    records: int
    turns: int
    purges: int
    first_seq: int
    head_seq: int
    head_hash: str
    purged_through: int
    checkpoints: int
    latest_checkpoint: Checkpoint | None
    problem: Problem | None = None
    notes: tuple[str, ...] = ()
    kb_changes: int = 0
    kb_documents: dict[str, dict[str, str] | None] | None = None  # doc id -> signed entry hashes (None: unhashed)

    def summary(self) -> str:
        """One line for the auditor."""
        if self.problem is not None:
            return f"audit chain BROKEN at {self.problem.where()}: {self.problem.reason}"
        if not self.records:
            return "audit chain intact: empty" + (f"; {_n(self.checkpoints, 'checkpoint')}" if self.checkpoints else "")
        purged = f", 1..{self.purged_through} purged by retention" if self.purged_through else ""
        latest = self.latest_checkpoint
        cps = (f"{_n(self.checkpoints, 'checkpoint')} checked (latest: record {latest.seq} at {_when(latest.ts)})"
               if latest else "no checkpoints (deletion of the newest records cannot be detected)")
        kb = f", {_n(self.kb_changes, 'knowledge-base change')}" if self.kb_changes else ""
        return (f"audit chain intact: {_n(self.records, 'record')} ({self.first_seq}..{self.head_seq}{purged}; "
                f"{_n(self.turns, 'turn')}, {_n(self.purges, 'purge')}{kb}); head {self.head_hash[:16]}; {cps}")


def _when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


def _n(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


class _Checker:
    """Walks the records in seq order, remembering what the report needs.

    The walk starts at the oldest surviving record. Only once the whole walk is clean is that start
    checked against the newest purge event (which the walk has authenticated): the chain must begin right
    after the purge's ``through_seq`` and link to its ``through_hash`` — or, when nothing was ever purged,
    begin at record 1 on GENESIS.
    """

    def __init__(self, conn: sqlite3.Connection, key: bytes, by_seq: dict[int, list[Checkpoint]]) -> None:
        self.conn, self.key, self.by_seq = conn, key, by_seq
        self.first: ChainRecord | None = None
        self.expected_seq, self.expected_prev = 0, GENESIS
        self.records = self.turns = self.purges = self.kb_changes = self.staff_events = 0
        self.kb_documents: dict[str, dict[str, str] | None] = {}  # the knowledge base as the events left it
        self.last_turn = 0
        self.through, self.through_hash = 0, GENESIS  # the newest purge's range

    @property
    def head_seq(self) -> int:
        """The newest record that passed (0 before any)."""
        return self.expected_seq - 1 if self.first else 0

    def check(self, r: ChainRecord) -> Problem | None:
        """The problem with the next record, or None."""
        if self.first is not None and r.seq != self.expected_seq:
            gap = (f"record {self.expected_seq} is missing" if r.seq == self.expected_seq + 1
                   else f"records {self.expected_seq}..{r.seq - 1} are missing")
            return Problem(f"{gap} (deleted without a signed purge)", self.expected_seq)
        turn_id = r.ref_id if r.kind == KIND_TURN else None
        if not record_is_authentic(self.key, r):
            return Problem("signature does not verify (edited, inserted, or re-signed without the key)",
                           r.seq, turn_id)
        if self.first is not None and not same_digest(self.expected_prev, r.prev_hash):
            return Problem("does not link to the record before it (inserted or reordered)", r.seq, turn_id)
        check = self._events.get(r.kind)
        problem = check(r) if check is not None else Problem(f"unknown event kind {r.kind!r}", r.seq)
        if problem is not None:
            return problem
        for cp in self.by_seq.get(r.seq, ()):
            if not same_digest(r.hash, cp.head):
                return Problem(f"differs from the checkpoint of {_when(cp.ts)} (chain rewritten)", r.seq, turn_id)
        self.first = self.first or r
        self.records += 1
        self.expected_seq, self.expected_prev = r.seq + 1, r.hash
        return None

    def check_start(self) -> Problem | None:
        """Whether the oldest surviving record is where the newest purge (or the genesis) says it must be."""
        first = self.first
        if first is None:
            return None
        if first.seq > self.through + 1:
            missing = (f"record {self.through + 1} is" if first.seq == self.through + 2
                       else f"records {self.through + 1}..{first.seq - 1} are")
            return Problem(f"{missing} missing (deleted without a signed purge)", self.through + 1)
        if first.seq <= self.through:
            return Problem(f"record should not exist: a purge removed records 1..{self.through}", first.seq)
        if not same_digest(self.through_hash, first.prev_hash):
            anchor = "the last purged record" if self.through else "the start of the chain"
            return Problem(f"does not link to {anchor} (inserted or reordered)", first.seq,
                           first.ref_id if first.kind == KIND_TURN else None)
        return None

    def _turn(self, r: ChainRecord) -> Problem | None:
        try:
            expected = r.payload()["row"]
        except (ValueError, KeyError):
            return Problem("turn event has no row digest", r.seq, r.ref_id)
        if type(r.ref_id) is not int or r.ref_id <= self.last_turn:
            return Problem("turn event refers to a turn out of order", r.seq, r.ref_id)
        row = select_turn_row(self.conn, r.ref_id)
        if row is None:
            return Problem("the turn this record covers is missing (deleted)", r.seq, r.ref_id)
        try:
            digest = turn_digest(row)
        except (TypeError, ValueError):
            digest = ""
        if not digest or not same_digest(digest, expected):
            return Problem("the stored turn does not match its audit record (edited)", r.seq, r.ref_id)
        self.last_turn = r.ref_id
        self.turns += 1
        return None

    @property
    def _events(self) -> dict[str, Callable[[ChainRecord], Problem | None]]:
        return {KIND_TURN: self._turn, KIND_PURGE: self._purge, KIND_KB: self._kb, KIND_STAFF: self._staff}

    def _staff(self, r: ChainRecord) -> Problem | None:
        try:
            data = r.payload()
        except ValueError:
            data = {}
        if not (isinstance(data, dict) and set(data) == set(STAFF_FIELDS) and r.ref_id is None
                and data["action"] in STAFF_ACTIONS and all(isinstance(data[f], str) for f in STAFF_FIELDS)
                and data["actor"]):
            return Problem("staff event is malformed", r.seq)
        self.staff_events += 1
        return None

    def _kb(self, r: ChainRecord) -> Problem | None:
        try:
            data = r.payload()
        except ValueError:
            data = {}
        hashes = data.get(KB_CHUNKS) if isinstance(data, dict) else None
        well_formed = (set(data) - {KB_CHUNKS} == set(KB_FIELDS) and r.ref_id is None
                       and data["action"] in KB_ACTIONS
                       and all(isinstance(data[f], str) for f in ("actor", "doc_id", "sha256", "time"))
                       and data["actor"] and data["doc_id"] and type(data["chunks"]) is int
                       and (hashes is None or (isinstance(hashes, dict) and all(
                           isinstance(k, str) and isinstance(v, str) for k, v in hashes.items()))))
        if not well_formed:
            return Problem("knowledge-base change event is malformed", r.seq)
        self.kb_changes += 1
        if data["action"] == "remove":
            self.kb_documents.pop(data["doc_id"], None)
        elif data["action"] in ("add", "replace"):
            self.kb_documents[data["doc_id"]] = dict(hashes) if hashes is not None else None
        return None

    def _purge(self, r: ChainRecord) -> Problem | None:
        try:
            data = r.payload()
            through, through_hash = data["through_seq"], data["through_hash"]
        except (ValueError, KeyError):
            return Problem("purge event is malformed", r.seq)
        if type(through) is not int or not isinstance(through_hash, str) or not self.through <= through < r.seq:
            return Problem("purge event's range is inconsistent", r.seq)
        self.through, self.through_hash = through, through_hash
        self.purges += 1
        return None


def verify_chain(conn: sqlite3.Connection, key: bytes,
                 checkpoints: CheckpointFile | Iterable[Checkpoint] = (), *, also: Sequence[CheckpointFile] = (),
                 own_file: Path | None = None) -> VerifyReport:
    """Check the whole chain (and each checkpoint) with ``key``; the report names the first problem.

    ``checkpoints`` and ``also`` (e.g. the off-box copy) are all checked against the chain, together with
    the checkpoints the database recorded as they were written. ``own_file`` is the box's checkpoint file:
    it must exist and still hold every checkpoint the database recorded (a missing or shrunken file fails).

    Read the checkpoint files *before* calling this: the database snapshot taken here is then at least as
    new as every checkpoint, so a checkpoint written meanwhile cannot look like a truncation.
    """
    files = ([checkpoints] if isinstance(checkpoints, CheckpointFile) else []) + list(also)
    cps = [] if isinstance(checkpoints, CheckpointFile) else list(checkpoints)
    bad_lines: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()
    for f in files:
        cps += [cp for _, cp in f.checkpoints]
        bad_lines = bad_lines or f.malformed
        if f.torn_tail:
            notes += (f"{f.path}: last line is incomplete (crash while writing); ignored",)
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")  # one read snapshot, even while the server writes
    try:
        recorded = recorded_checkpoints(conn)
        every = cps + recorded
        authentic = [cp for cp in every if is_authentic(key, cp)]
        forged = [cp for cp in every if not is_authentic(key, cp)]
        by_seq: dict[int, list[Checkpoint]] = {}
        for cp in authentic:
            by_seq.setdefault(cp.seq, []).append(cp)
        latest = max(authentic, key=lambda c: c.seq, default=None)
        checker = _Checker(conn, key, by_seq)
        problem = (_walk(conn, checker) or checker.check_start() or _orphans(conn)
                   or _check_checkpoints(authentic, forged, bad_lines, checker)
                   or _own_file(own_file, recorded))
    finally:
        if own:
            conn.execute("COMMIT")
    return VerifyReport(problem is None, checker.records, checker.turns, checker.purges,
                        checker.first.seq if checker.first else 0, checker.head_seq, checker.expected_prev,
                        checker.through, len({(cp.seq, cp.mac) for cp in every}), latest, problem, notes,
                        checker.kb_changes, checker.kb_documents)


def _own_file(path: Path | None, recorded: list[Checkpoint]) -> Problem | None:
    """The box's checkpoint file must exist and hold every checkpoint the database recorded."""
    if path is None:
        return None
    if not path.exists() and not recorded:
        return Problem(f"the checkpoint file {path} is missing (deleted?): verify against the off-box copy "
                       "with --checkpoint")
    reason = missing_from_file(path, recorded)  # read after the snapshot: the file is written first
    return Problem(reason) if reason else None


def _walk(conn: sqlite3.Connection, checker: _Checker) -> Problem | None:
    for row in conn.execute(f"{SELECT_RECORDS} ORDER BY seq"):
        problem = checker.check(ChainRecord(*row))
        if problem is not None:
            return problem
    return None


def _orphans(conn: sqlite3.Connection) -> Problem | None:
    row = conn.execute("SELECT id FROM turns WHERE id NOT IN (SELECT ref_id FROM audit_log WHERE kind = ? "
                       "AND ref_id IS NOT NULL) ORDER BY id LIMIT 1", (KIND_TURN,)).fetchone()
    if row is None:
        return None
    return Problem("this turn has no audit record (inserted)", turn_id=row[0])


def _check_checkpoints(authentic: list[Checkpoint], forged: list[Checkpoint], bad_lines: tuple[int, ...],
                       checker: _Checker) -> Problem | None:
    head_seq, through, through_hash = checker.head_seq, checker.through, checker.through_hash
    for cp in sorted(authentic, key=lambda c: c.seq, reverse=True):
        if cp.seq > head_seq:
            missing = (f"record {cp.seq} is" if cp.seq == head_seq + 1 else f"records {head_seq + 1}..{cp.seq} are")
            return Problem(f"{missing} missing: the checkpoint of {_when(cp.ts)} saw the chain reach record "
                           f"{cp.seq} (newest records deleted)", head_seq + 1)
        if cp.seq == through and through and not same_digest(through_hash, cp.head):
            return Problem(f"purge re-anchors on a hash the checkpoint of {_when(cp.ts)} does not know",
                           through + 1)
    if bad_lines:
        return Problem(f"checkpoint file line {bad_lines[0]} is not a checkpoint (edited?)")
    if forged:
        return Problem(f"the checkpoint for record {forged[0].seq} ({_when(forged[0].ts)}) has an invalid "
                       "signature")
    return None
