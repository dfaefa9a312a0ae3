"""The admin's /admin/kb page: list knowledge documents, upload files (add or replace), remove documents.

The running server is the single Chroma writer, so changes go through the services' ``knowledge`` store
and take effect for the next question. Uploads are ingested exactly as `edge-agent kb add` ingests files
(edge_agent.knowledge.ingest: same formats, size limit, privacy scan and per-file report); each upload is
written to a private temporary directory under the data directory and deleted afterwards. Every change is
chained into the audit trail as a ``kb`` event with the signed-in admin's name as the actor. The page
shows entity types and counts, never values.
"""
from __future__ import annotations

import hashlib
import logging
import re
import shutil
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage

from edge_agent.auth import current_user, require_role
from edge_agent.auth.roles import ADMIN
from edge_agent.errors import BadRequest, EdgeError
from edge_agent.knowledge.ingest import (
    FileResult,
    IngestOptions,
    KbChange,
    UnknownDocument,
    add_paths,
    build_ingest_redactor,
    list_documents,
    remove_documents,
)
from edge_agent.knowledge.loaders import LOADERS
from edge_agent.knowledge.phrasings import FILE_NAME as PHRASINGS_FILE
from edge_agent.knowledge.phrasings import PhrasingOverlay

if TYPE_CHECKING:
    from edge_agent.config import Settings
    from edge_agent.knowledge.ingest import RedactorLike
    from edge_agent.services import Services

bp = Blueprint("kb_admin", __name__)
log = logging.getLogger("edge_agent.knowledge")

# app.extensions keys: the document guard (built on first upload; tests may put a fake there) and one lock
# that keeps changes and their audit records in the same order.
INGEST_REDACTOR = "edge_agent.kb_ingest_redactor"
KB_LOCK = "edge_agent.kb_lock"
UPLOAD_DIR = "kb-uploads"        # under the data directory; each upload gets its own 0700 temp dir inside
MAX_FILES = 20                   # files per upload
FORM_OVERHEAD = 1024 * 1024      # multipart framing and the small fields, on top of the files
MAX_NAME_CHARS = 120
UNSAFE_NAME_CHARS = re.compile(r"[^\w.\- ()\[\]+@&,，（）、]")  # \w is Unicode: Chinese names survive


class KbFormError(BadRequest):
    """The remove form was incomplete (no document named, confirmation not ticked)."""

    code = "kb_form"


@dataclass(frozen=True)
class FileRow:
    """One line of the ingest report as the page shows it (names only; counts, never values)."""

    name: str
    doc_id: str
    ok: bool
    action: str = ""
    chunks: int = 0
    redactions: tuple[tuple[str, int], ...] = ()
    error: str = ""


def sanitise_name(raw: str | None) -> str:
    """The document id for an uploaded file name: its last path part, NFKC, unsafe characters as '_'."""
    name = unicodedata.normalize("NFKC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")  # control and format characters
    name = UNSAFE_NAME_CHARS.sub("_", name).strip(" .")  # no hidden files, no '..', no trailing dots
    if len(name) > MAX_NAME_CHARS:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[:MAX_NAME_CHARS - len(suffix) - 1] + dot + suffix) if dot and len(suffix) <= 10 \
            else name[:MAX_NAME_CHARS]
    return name


# --- services ------------------------------------------------------------------------------------------
def _services() -> "Services":
    return current_app.extensions["edge_agent"]


def _ingest_redactor(settings: "Settings") -> "RedactorLike":
    """The document guard (as `kb add` builds it), built once per app on first use."""
    extensions = current_app.extensions
    with extensions[KB_LOCK]:
        if extensions.get(INGEST_REDACTOR) is None:
            extensions[INGEST_REDACTOR] = build_ingest_redactor(settings)
        return extensions[INGEST_REDACTOR]


@bp.record_once
def _install(state: Any) -> None:
    state.app.extensions.setdefault(KB_LOCK, threading.RLock())


@bp.url_value_preprocessor
def _allow_upload_size(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Uploads may be larger than chat messages: raise this request's body limit before the access check
    (which reads the form for its CSRF token). URL value preprocessors run before before-request hooks."""
    if endpoint == "kb_admin.upload":
        request.max_content_length = _services().settings.ingest_max_bytes * MAX_FILES + FORM_OVERHEAD


def _recorder(actor: str) -> Callable[[KbChange], None]:
    store = _services().store

    def record(change: KbChange) -> None:
        try:
            store.record_kb_change(actor, change)
        except Exception:
            # the knowledge base already changed: say which change is missing from the trail (no content)
            log.error("knowledge-base change NOT recorded in the audit trail: %s %s sha256 %s by %s",
                      change.action, change.doc_id, change.sha256, actor)
            raise
        log.info("knowledge base: %s %s (%d chunks) by %s", change.action, change.doc_id, change.chunks, actor)

    return record


# --- the page ---------------------------------------------------------------------------------------------
def _page(status: int = 200, *, error: str = "", report: list[FileRow] | None = None) -> Any:
    services = _services()
    docs = list_documents(services.knowledge)
    settings = services.settings
    return render_template("admin_kb.html", docs=docs, report=report, error=error, max_files=MAX_FILES,
                           formats=", ".join(sorted(LOADERS)),
                           max_mb=settings.ingest_max_bytes / (1024 * 1024),
                           pii_policy=settings.ingest_pii_policy, total_chunks=services.knowledge.count()), status


@bp.get("/admin/kb")
@require_role(ADMIN)
def index() -> Any:
    """Every stored document, the upload form and a remove button per document."""
    return _page()


def _row(result: FileResult, name: str, saved: Path) -> FileRow:
    error = result.error.replace(str(saved), name)  # messages name the file as uploaded, not the temp path
    return FileRow(name=name, doc_id=result.doc_id, ok=result.ok,
                   action=result.change.action if result.change else "", chunks=result.chunks,
                   redactions=tuple((c.entity_type, c.count) for c in result.redactions), error=error)


def _save_uploads(files: list[FileStorage], folder: Path) -> tuple[list[tuple[str, Path]], list[FileRow]]:
    """Write each upload as folder/<n>/<sanitised name>; rows for the ones refused by name."""
    saved: list[tuple[str, Path]] = []
    refused: list[FileRow] = []
    seen: set[str] = set()
    for number, upload in enumerate(files):
        original = upload.filename or ""
        name = sanitise_name(original)
        shown = name or original[:MAX_NAME_CHARS] or "?"
        if not name:
            refused.append(FileRow(shown, "", False, error=f"{shown}: the file name is not usable. "
                                                           "文件名无效，请重命名后再上传。"))
            continue
        if name in seen:
            refused.append(FileRow(shown, name, False, error=f"{name}: uploaded twice in one go; only the first "
                                                             "was used. 同名文件重复上传，只处理了第一个。"))
            continue
        seen.add(name)
        target = folder / str(number) / name
        target.parent.mkdir(mode=0o700)
        upload.save(target)
        saved.append((name, target))
    return saved, refused


@bp.post("/admin/kb/upload")
@require_role(ADMIN)
def upload() -> Any:
    """Ingest the uploaded files (add or replace, document id = the file name) and show the report."""
    files = [f for f in request.files.getlist("files") if f and (f.filename or "")]
    if not files:
        return _page(400, error="请选择要上传的文件。 Choose one or more files to upload.")
    if len(files) > MAX_FILES:
        return _page(400, error=f"一次最多上传 {MAX_FILES} 个文件。 Upload at most {MAX_FILES} files at once.")
    services = _services()
    settings = services.settings
    actor = current_user().name
    root = settings.data_dir / UPLOAD_DIR
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=root))  # mode 0700
    try:
        saved, rows = _save_uploads(files, folder)
        with current_app.extensions[KB_LOCK]:
            redactor = _ingest_redactor(settings)
            report = add_paths(services.knowledge, [path for _, path in saved], IngestOptions.from_settings(settings),
                               redactor, on_change=_recorder(actor))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    names = {str(path): (name, path) for name, path in saved}
    rows = [_row(r, *names[r.path]) for r in report.files] + rows
    failed = sum(not r.ok for r in rows)
    stored = len(rows) - failed
    log.info("knowledge upload by %s: %d stored, %d refused", actor, stored, failed)
    return _page(200 if not failed else 400, report=rows,
                 error=f"{failed} 个文件未导入。 {failed} file(s) not ingested." if failed else "")


@bp.post("/admin/kb/remove")
@require_role(ADMIN)
def remove() -> Any:
    """Remove one document (the confirmation box must be ticked)."""
    doc_id = (request.form.get("doc_id") or "").strip()
    try:
        if not doc_id:
            raise KbFormError("没有指定文档。 No document was named.")
        if request.form.get("confirm") != "yes":
            raise KbFormError("请勾选确认框。 Tick the box to confirm.")
        with current_app.extensions[KB_LOCK]:
            changes = remove_documents(_services().knowledge, [doc_id], on_change=_recorder(current_user().name))
    except UnknownDocument:
        return _page(404, error=f"知识库中没有文档 {doc_id}。 There is no document {doc_id} in the knowledge base.")
    except EdgeError as err:
        return _page(err.status, error=err.message)
    flash(f"已删除 {doc_id}（{changes[0].chunks} 段）。 Removed {doc_id} ({changes[0].chunks} chunks).")
    return redirect(url_for("kb_admin.index"), 303)


# --- similar questions, added by staff ----------------------------------------------------------------------
MAX_NEW_PHRASINGS = 20  # per submission


def _overlay() -> PhrasingOverlay:
    return PhrasingOverlay(_services().settings.data_dir / PHRASINGS_FILE)


def _entries_page(doc_id: str, status: int = 200, error: str = "") -> Any:
    knowledge = _services().knowledge
    entries = sorted(knowledge.document_entries(doc_id), key=lambda h: int(h.chunk_id.rpartition("#")[2]))
    if not entries:
        return _page(404, error=f"知识库中没有文档 {doc_id}。 There is no document {doc_id} in the knowledge base.")
    return render_template("admin_kb_entries.html", doc_id=doc_id, entries=entries, error=error,
                           max_new=MAX_NEW_PHRASINGS), status


@bp.get("/admin/kb/entries")
@require_role(ADMIN)
def entries() -> Any:
    """A document's entries with their similar questions, and a form to add more to each (no document
    named: the document list to pick one from)."""
    doc_id = (request.args.get("doc") or "").strip()
    return _entries_page(doc_id) if doc_id else _page()


@bp.post("/admin/kb/phrasings")
@require_role(ADMIN)
def add_phrasings() -> Any:
    """Add similar questions to one entry: guarded like documents, kept across re-uploads, chained."""
    entry_id = (request.form.get("entry") or "").strip()
    doc_id = entry_id.rpartition("#")[0]
    typed = [line.strip() for line in (request.form.get("phrasings") or "").splitlines() if line.strip()]
    if not typed:
        return _entries_page(doc_id, 400, "请输入至少一个问法（每行一个）。 Type at least one question, one per line.")
    if len(typed) > MAX_NEW_PHRASINGS:
        return _entries_page(doc_id, 400, f"一次最多添加 {MAX_NEW_PHRASINGS} 个问法。 "
                                          f"Add at most {MAX_NEW_PHRASINGS} questions at once.")
    services = _services()
    hit = services.knowledge.get_entries([entry_id]).get(entry_id)
    if hit is None:
        return _page(404, error="知识库中没有这个条目。 There is no such entry in the knowledge base.")
    actor = current_user().name
    with current_app.extensions[KB_LOCK]:
        redactor = _ingest_redactor(services.settings)
        guarded = [redactor.redact(text).text for text in typed]  # personal data never becomes a phrasing
        try:
            added = _overlay().add(hit.doc_id, hit.section or hit.title, guarded)
        except ValueError as exc:
            return _entries_page(doc_id, 400, str(exc))
        chunks = services.knowledge.set_phrasings(entry_id, [*hit.phrasings, *added])
        digest = hashlib.sha256("\n".join(added).encode("utf-8")).hexdigest()
        _recorder(actor)(KbChange("phrasings", hit.doc_id, chunks, digest, datetime.now(timezone.utc)))
    flash(f"已为「{hit.section or hit.title}」添加 {len(typed)} 个问法。 Added {len(typed)} question(s).")
    return redirect(url_for("kb_admin.entries", doc=doc_id), 303)
