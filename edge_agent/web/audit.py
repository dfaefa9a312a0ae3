"""The auditor's pages: /audit (conversations filtered by date, entity type and escalation, with the audit
chain's verification banner), /audit/sessions/<id> (one redacted transcript) and /audit/export (the
chain events of a date range as JSON lines or CSV). Read-only: every query runs on a ``mode=ro``
connection; the texts are the redacted ones the conversation store holds.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context
from flask.sansio.blueprints import BlueprintSetupState

from edge_agent.audit.staff_events import record_in_request
from edge_agent.auth import current_user, require_role
from edge_agent.auth.roles import AUDITOR
from edge_agent.config import Settings
from edge_agent.errors import BadRequest, EdgeError, NotFound

bp = Blueprint("audit", __name__)
log = logging.getLogger("edge_agent.audit")

PAGE_SIZE = 50
BANNER_CACHE = "edge_agent.audit_banner"
BANNER_TTL_S = 30.0
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
ENTITY_TYPE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")
ESCALATED = "escalation NOT IN ('none', '')"  # the turns.escalation column: 'none' unless handed to a person


# --- read-only queries on the conversation store ------------------------------------------------------
@dataclass(frozen=True)
class AuditFilter:
    """What the auditor asked to see."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    entity: str | None = None
    escalated: bool | None = None
    page: int = 1

    def since(self) -> float | None:
        """Start of ``date_from`` (local time) as a timestamp."""
        return _midnight(self.date_from) if self.date_from else None

    def until(self) -> float | None:
        """End of ``date_to`` (local time, exclusive) as a timestamp."""
        return _midnight(self.date_to + dt.timedelta(days=1)) if self.date_to else None

    def query(self, **changes: Any) -> dict[str, str]:
        """The filter as URL query arguments (for links and the export button)."""
        values = {"from": self.date_from.isoformat() if self.date_from else "",
                  "to": self.date_to.isoformat() if self.date_to else "", "entity": self.entity or "",
                  "escalated": {None: "", True: "yes", False: "no"}[self.escalated], "page": str(self.page)}
        values.update({k: str(v) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")}


@dataclass(frozen=True)
class Conversation:
    """One session as listed on /audit."""

    session_id: str
    first_ts: float
    last_ts: float
    turns: int
    escalated: bool
    entities: tuple[tuple[str, int], ...]


def _midnight(day: dt.date) -> float:
    return dt.datetime.combine(day, dt.time()).astimezone().timestamp()


def _date(raw: str | None, label: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"{label}: use a date like 2025-01-31. 日期格式应为 2025-01-31。") from None


def parse_filter(args: Any) -> AuditFilter:
    """An AuditFilter from query arguments; BadRequest for a malformed one."""
    entity = (args.get("entity") or "").strip() or None
    if entity is not None and not ENTITY_TYPE.fullmatch(entity):
        raise BadRequest("Unknown entity type. 未知的信息类型。")
    escalated = {"": None, "yes": True, "no": False}.get(args.get("escalated") or "", "bad")
    if escalated == "bad":
        raise BadRequest("escalated must be yes, no or empty.")
    try:
        page = max(1, min(100_000, int(args.get("page") or 1)))
    except ValueError:
        raise BadRequest("page must be a number.") from None
    return AuditFilter(_date(args.get("from"), "from"), _date(args.get("to"), "to"), entity, escalated, page)


def connect_ro(path: Path) -> sqlite3.Connection:
    """A read-only connection to the conversation store (NotFound-free: raises sqlite3 errors)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


def _has_column(conn: sqlite3.Connection, name: str) -> bool:
    return any(row[1] == name for row in conn.execute("PRAGMA table_info(turns)"))


def _entity_match(column: str) -> str:
    return f"EXISTS (SELECT 1 FROM json_each(t.{column}) je WHERE json_extract(je.value, '$.type') = :entity)"


def list_conversations(conn: sqlite3.Connection, f: AuditFilter) -> tuple[list[Conversation], bool]:
    """One page of conversations matching ``f``, newest first, and whether there are more."""
    escalated = f"MAX({ESCALATED})" if _has_column(conn, "escalation") else "0"
    where, having = ["1"], ["1"]
    params: dict[str, Any] = {"limit": PAGE_SIZE + 1, "offset": (f.page - 1) * PAGE_SIZE}
    if f.since() is not None:
        having.append("MAX(t.ts) >= :since")
        params["since"] = f.since()
    if f.until() is not None:
        having.append("MIN(t.ts) < :until")
        params["until"] = f.until()
    if f.entity:
        where.append(f"t.session_id IN (SELECT t.session_id FROM turns t WHERE {_entity_match('entities')} "
                     f"OR {_entity_match('output_entities')})")
        params["entity"] = f.entity
    if f.escalated is not None:
        having.append(f"{escalated} = {1 if f.escalated else 0}")
    rows = conn.execute(
        f"SELECT t.session_id, MIN(t.ts), MAX(t.ts), COUNT(*), {escalated} FROM turns t "
        f"WHERE {' AND '.join(where)} GROUP BY t.session_id HAVING {' AND '.join(having)} "
        "ORDER BY MAX(t.ts) DESC LIMIT :limit OFFSET :offset", params).fetchall()
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    counts = _entity_counts(conn, [r[0] for r in rows])
    return [Conversation(r[0], r[1], r[2], r[3], bool(r[4]), tuple(sorted(counts.get(r[0], {}).items())))
            for r in rows], more


def _entity_counts(conn: sqlite3.Connection, sessions: list[str]) -> dict[str, dict[str, int]]:
    if not sessions:
        return {}
    marks = ",".join("?" * len(sessions))
    out: dict[str, dict[str, int]] = {}
    for column in ("entities", "output_entities"):
        for sid, kind, count in conn.execute(
                f"SELECT t.session_id, json_extract(je.value, '$.type'), SUM(json_extract(je.value, '$.count')) "
                f"FROM turns t, json_each(t.{column}) je WHERE t.session_id IN ({marks}) "
                "GROUP BY 1, 2", sessions):
            if isinstance(kind, str):
                out.setdefault(sid, {})[kind] = out.get(sid, {}).get(kind, 0) + int(count or 0)
    return out


def entity_types(conn: sqlite3.Connection) -> list[str]:
    """Every entity type that occurs in stored turns (for the filter's choices)."""
    rows = conn.execute(
        "SELECT json_extract(je.value, '$.type') FROM turns t, json_each(t.entities) je UNION "
        "SELECT json_extract(je.value, '$.type') FROM turns t, json_each(t.output_entities) je").fetchall()
    return sorted(r[0] for r in rows if isinstance(r[0], str))


def transcript(conn: sqlite3.Connection, session_id: str) -> list[dict[str, Any]]:
    """A session's turns, oldest first, JSON columns decoded."""
    cur = conn.execute("SELECT * FROM turns WHERE session_id = ? ORDER BY id", (session_id,))
    names = [d[0] for d in cur.description]
    turns = []
    for row in cur.fetchall():
        turn = dict(zip(names, row))
        for column in ("entities", "output_entities", "sources"):
            try:
                turn[column] = json.loads(turn.get(column) or "[]")
            except ValueError:
                turn[column] = []
        turns.append(turn)
    return turns


# --- the audit chain (edge_agent/audit, the audit-trail engineer's package) ----------------------------
@dataclass(frozen=True)
class Banner:
    """The verification status shown at the top of /audit."""

    state: str  # ok | broken | unavailable
    summary: str
    where: str = ""


def verify_banner(settings: Settings) -> Banner:
    """THE single call site of the audit chain's verification (edge_agent.audit.verify.verify_chain)."""
    from edge_agent.audit.checkpoints import checkpoint_path, read_checkpoints
    from edge_agent.audit.keys import key_path, load_key
    from edge_agent.audit.verify import verify_chain

    try:
        key = load_key(key_path(settings))
        checkpoints = read_checkpoints(checkpoint_path(settings))  # before the snapshot: see verify_chain
        conn = connect_ro(settings.db_path)
        try:
            report = verify_chain(conn, key, checkpoints)
        finally:
            conn.close()
    except EdgeError as err:  # the audit key is missing or unsafe: its message says what to do
        return Banner("unavailable", err.message)
    except (OSError, sqlite3.Error) as exc:
        log.error("audit verification could not run: %s", type(exc).__name__)
        return Banner("unavailable", "The audit chain could not be read.")
    if report.ok:
        return Banner("ok", report.summary())
    return Banner("broken", report.summary(), report.problem.where() if report.problem else "")


class _BannerCache:
    """The last banner while the files are unchanged, for at most BANNER_TTL_S (verification reads it all)."""

    def __init__(self, compute: Callable[[Settings], Banner]) -> None:
        self._compute = compute
        self._lock = threading.Lock()
        self._entry: tuple[tuple, float, Banner] | None = None

    def get(self, settings: Settings) -> Banner:
        """The banner for the files as they are now."""
        state = _state(settings)
        with self._lock:
            entry = self._entry
            if entry and entry[0] == state and time.monotonic() - entry[1] < BANNER_TTL_S:
                return entry[2]
            banner = self._compute(settings)
            self._entry = (state, time.monotonic(), banner)
            return banner


@bp.record_once
def _install_cache(state: BlueprintSetupState) -> None:
    state.app.extensions.setdefault(BANNER_CACHE, _BannerCache(verify_banner))


def _state(settings: Settings) -> tuple:
    """Changes whenever the database, its WAL or the checkpoint file is written (any edit included)."""
    from edge_agent.audit.checkpoints import checkpoint_path

    state = []
    for path in (settings.db_path, Path(f"{settings.db_path}-wal"), checkpoint_path(settings)):
        try:
            info = path.stat()
            state.append((info.st_mtime_ns, info.st_size))
        except OSError:
            state.append(None)
    return tuple(state)


# --- routes ----------------------------------------------------------------------------------------------
def _settings() -> Settings:
    return current_app.extensions["edge_agent"].settings


def _local(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S")


@bp.get("/audit")
@require_role(AUDITOR)
def index() -> Any:
    """Conversations with filters, the chain's verification banner, and the export button."""
    settings = _settings()
    error, status = "", 200
    try:
        f = parse_filter(request.args)
    except BadRequest as err:
        f, error, status = AuditFilter(), err.message, 400
    conn = connect_ro(settings.db_path)
    try:
        conversations, more = list_conversations(conn, f)
        types = entity_types(conn)
        banner = current_app.extensions[BANNER_CACHE].get(settings)
    finally:
        conn.close()
    return render_template("audit_index.html", f=f, conversations=conversations, more=more, types=types,
                           banner=banner, error=error, local=_local), status


@bp.get("/audit/sessions/<session_id>")
@require_role(AUDITOR)
def session_view(session_id: str) -> Any:
    """One conversation's redacted transcript."""
    if not SESSION_ID.fullmatch(session_id):
        raise NotFound()
    conn = connect_ro(_settings().db_path)
    try:
        turns = transcript(conn, session_id)
    finally:
        conn.close()
    if not turns:
        raise NotFound("There is no conversation with this id. 没有这个对话。")
    return render_template("audit_transcript.html", session_id=session_id, turns=turns, local=_local,
                           escalated=lambda t: t.get("escalation", "none") not in ("none", ""), error="")


def _export_chunks(path: Path, fmt: str, since: float | None, until: float | None) -> Iterator[str]:
    """The export, a row at a time, through edge_agent.audit.export's writers (one header for CSV)."""
    from edge_agent.audit.export import FORMATS, export_rows

    writer = FORMATS[fmt]
    header = io.StringIO()
    writer(iter(()), header)
    header_text = header.getvalue()
    conn = connect_ro(path)
    try:
        conn.execute("BEGIN")  # one snapshot for the whole export
        yield header_text
        for row in export_rows(conn, since, until):
            buf = io.StringIO()
            writer(iter((row,)), buf)
            text = buf.getvalue()
            yield text[len(header_text):] if header_text and text.startswith(header_text) else text
        conn.execute("COMMIT")
    finally:
        conn.close()


@bp.get("/audit/export")
@require_role(AUDITOR)
def export() -> Response:
    """Download the chain events (with their redacted turns) of the filter's date range."""
    f = parse_filter(request.args)
    fmt = request.args.get("format", "jsonl")
    if fmt not in ("jsonl", "csv"):
        raise BadRequest("format must be jsonl or csv.")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    log.info("audit export (%s, %s..%s) by %s", fmt, f.date_from, f.date_to, current_user().name)
    record_in_request(current_user().name, "export", f"{f.date_from or 'start'}..{f.date_to or 'now'}", fmt)
    mimetype = "application/x-ndjson" if fmt == "jsonl" else "text/csv"
    response = Response(stream_with_context(_export_chunks(_settings().db_path, fmt, f.since(), f.until())),
                        mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="edge-agent-audit-{stamp}.{fmt}"'
    return response
