"""GET/POST /admin/kb/draft: a knowledge gap from /insights becomes a draft FAQ entry the admin completes.

The draft's question is the gap's most typical (k-anonymous) phrasing and its alternative phrasings are the
gap cluster's questions; the admin edits them and writes the answer. Saving writes one Markdown FAQ document
(`<collection>/insights-<day>-<gap>.<lang>.md`, with a 相似问题 list) and ingests it exactly as an upload on
/admin/kb is ingested: same document guard, same audit record with the admin as the actor.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from edge_agent.auth import current_user, require_role
from edge_agent.auth.roles import ADMIN
from edge_agent.knowledge.ingest import IngestOptions, add_paths, list_documents
from edge_agent.web import kb_admin
from edge_agent.web.insights import insights_of, request_filter

bp = Blueprint("kb_drafts", __name__)
MAX_PHRASINGS = 30
MAX_ANSWER_CHARS = 4000
LINE = re.compile(r"[\r\n]+")
SAFE_COLLECTION = re.compile(r"[a-z0-9][a-z0-9_-]{0,40}")


def faq_markdown(question: str, phrasings: list[str], answer: str, lang: str) -> str:
    """One FAQ entry as the Markdown loader reads it: title, heading, similar questions, answer."""
    label = "相似问题：" if lang == "zh" else "Similar questions:"
    items = "".join(f"- {p}\n" for p in phrasings)
    return (f"---\ntitle: {question}\nversion: {date.today().isoformat()}\n---\n# {question}\n\n## {question}\n"
            f"{label}\n{items}\n{answer.strip()}\n")


def _one_line(text: str, limit: int = 200) -> str:
    return LINE.sub(" ", text).strip().lstrip("#-").strip()[:limit]


def _collections() -> list[str]:
    docs = list_documents(kb_admin._services().knowledge)
    return sorted({d.doc_id.partition("/")[0] for d in docs if "/" in d.doc_id})


def _form(status: int = 200, **values: Any) -> Any:
    return render_template("admin_kb_draft.html", collections=_collections(), **values), status


@bp.get("/admin/kb/draft")
@require_role(ADMIN)
def draft() -> Any:
    """The draft FAQ entry for one knowledge gap of the insights report (same filter as the page)."""
    lang = "en" if request.args.get("lang") == "en" else "zh"
    if "gap" not in request.args:  # a new entry from scratch
        return _form(question="", phrasings="", gap=None, lang=lang, collection="")
    try:
        gap_id = int(request.args.get("gap", ""))
    except ValueError:
        gap_id = -1
    report = insights_of(current_app).report(request_filter(), lang)
    gap = report.gap(gap_id)
    if gap is None:
        return _form(404, error="这个知识缺口已不在洞察报告中。 "
                                "That knowledge gap is no longer in the insights report.",
                     question="", phrasings="", gap=None, lang=lang, collection=report.collection)
    phrasings = [p for p in gap.phrasings if p != gap.label]
    return _form(question=gap.label, phrasings="\n".join(phrasings), gap=gap, lang=lang,
                 collection=report.collection)


@bp.post("/admin/kb/draft")
@require_role(ADMIN)
def save() -> Any:
    """Write the completed entry as a document and ingest it (guarded and chained like an upload)."""
    question = _one_line(request.form.get("question") or "")
    phrasings = list(dict.fromkeys(_one_line(p) for p in (request.form.get("phrasings") or "").splitlines()
                                   if _one_line(p) and _one_line(p) != question))[:MAX_PHRASINGS]
    answer = (request.form.get("answer") or "").strip()[:MAX_ANSWER_CHARS]
    lang = "en" if request.form.get("lang") == "en" else "zh"
    collection = (request.form.get("collection") or "").strip().lower()
    gap = (request.form.get("gap") or "0").strip()
    values = {"question": question, "phrasings": "\n".join(phrasings), "answer": answer, "lang": lang,
              "collection": collection, "gap": None}
    if not question or not answer:
        return _form(400, error="请填写问题和答案。 Fill in the question and the answer.", **values)
    if collection and not SAFE_COLLECTION.fullmatch(collection):
        return _form(400, error="分类只能包含小写字母、数字、'-'、'_'。 "
                                "A collection is lower-case letters, digits, - and _.", **values)
    services = kb_admin._services()
    settings = services.settings
    name = f"insights-{date.today().isoformat()}-{re.sub(r'[^0-9]', '', gap) or '0'}.{lang}.md"
    doc_id = f"{collection}/{name}" if collection else name
    if any(d.doc_id == doc_id for d in list_documents(services.knowledge)):
        return _form(409, error=f"文档 {doc_id} 已存在。 The document {doc_id} already exists.", **values)
    root = settings.data_dir / kb_admin.UPLOAD_DIR
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="draft-", dir=root))
    try:
        target = folder / doc_id
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(faq_markdown(question, phrasings, answer, lang), encoding="utf-8")
        actor = getattr(current_user(), "name", "")
        with current_app.extensions[kb_admin.KB_LOCK]:
            report = add_paths(services.knowledge, [folder], IngestOptions.from_settings(settings),
                               kb_admin._ingest_redactor(settings), on_change=kb_admin._recorder(actor))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result = report.files[0]
    if not result.ok:
        return _form(400, error=result.error.replace(str(folder), "").lstrip("/"), **values)
    flash(f"已添加到知识库：{doc_id}（含 {len(phrasings)} 个相似问法）。 "
          f"Added {doc_id} with {len(phrasings)} phrasings.")
    return redirect(url_for("kb_admin.entries", doc=doc_id), 303)
