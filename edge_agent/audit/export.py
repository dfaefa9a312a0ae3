"""Export the audit trail for the auditor: one row per chain event in a time range.

Turn events carry their redacted turn's columns; purge and knowledge-base (``kb``) events have empty turn
columns and their facts in ``data`` (for ``kb``: actor, action, doc_id, chunks, document sha256, time).
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from typing import Any, Callable, Iterator, TextIO

EXPORT_FIELDS: tuple[str, ...] = (
    "seq", "time", "ts", "kind", "turn_id", "session_id", "lang", "question", "answer", "answer_kind",
    "entities", "output_entities", "sources", "model_id", "model_sha256", "guard_version", "grounding",
    "escalation", "data", "prev_hash", "hash",
)
JSON_FIELDS = ("entities", "output_entities", "sources", "data")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula
_TURN_COLUMNS = ("session_id", "lang", "question", "answer", "answer_kind", "entities", "output_entities",
                 "sources", "model_id", "model_sha256", "guard_version", "grounding", "escalation")


def iso_time(ts: float) -> str:
    """A timestamp as local ISO 8601 with its UTC offset."""
    return dt.datetime.fromtimestamp(ts).astimezone().isoformat(timespec="milliseconds")


def export_rows(conn: sqlite3.Connection, since: float | None = None,
                until: float | None = None) -> Iterator[dict[str, Any]]:
    """Chain events with ``since <= ts < until`` (either bound optional), oldest first, joined to their turns."""
    columns = ", ".join(f"t.{c}" for c in _TURN_COLUMNS)
    query = (f"SELECT a.seq, a.ts, a.kind, a.ref_id, a.data, a.prev_hash, a.hash, {columns} FROM audit_log a "
             "LEFT JOIN turns t ON a.kind = 'turn' AND t.id = a.ref_id WHERE a.ts >= ? AND a.ts < ? ORDER BY a.seq")
    bounds = (float("-inf") if since is None else since, float("inf") if until is None else until)
    for row in conn.execute(query, bounds):
        seq, ts, kind, ref_id, data, prev_hash, digest, *turn = row
        item: dict[str, Any] = {"seq": seq, "time": iso_time(ts), "ts": ts, "kind": kind, "turn_id": ref_id}
        item.update(zip(_TURN_COLUMNS, turn))
        item.update({"data": data, "prev_hash": prev_hash, "hash": digest})
        yield item


def _decoded(item: dict[str, Any]) -> dict[str, Any]:
    out = dict(item)
    for name in JSON_FIELDS:
        if isinstance(out.get(name), str):
            try:
                out[name] = json.loads(out[name])
            except ValueError:
                pass  # exported as stored; `audit verify` is what judges the record
    return out


def write_jsonl(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    """One JSON object per line (JSON columns decoded); returns the number of rows."""
    count = 0
    for item in rows:
        out.write(json.dumps(_decoded(item), ensure_ascii=False) + "\n")
        count += 1
    return count


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    """CSV with a header row; returns the number of rows (formula-like text gets a leading ')."""
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for item in rows:
        writer.writerow({k: _cell(v) for k, v in item.items()})
        count += 1
    return count


FORMATS: dict[str, Callable[[Iterator[dict[str, Any]], TextIO], int]] = {"jsonl": write_jsonl, "csv": write_csv}
