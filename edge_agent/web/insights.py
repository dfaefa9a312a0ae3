"""The manager's /insights page, its JSON and CSV exports: k-anonymous demand figures, never transcripts.

Managers (and admins) see aggregates built from redacted questions only (edge_agent/insights). The page
refreshes the insights index on each view — only turns stored since the last refresh are embedded — and
draws its charts as SVG on the server, each with its table beside it and a CSV link.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from markupsafe import Markup

from edge_agent.auth import current_user, require_role
from edge_agent.auth.roles import ADMIN, MANAGER
from edge_agent.errors import BadRequest, NotFound
from edge_agent.insights import charts
from edge_agent.insights.queries import Filter
from edge_agent.insights.report import Report
from edge_agent.insights.service import InsightsService, day_range, parse_day
from edge_agent.insights.tables import BUILDERS, kind_name, reason_name, tables

bp = Blueprint("insights", __name__)
EXTENSION = "edge_agent.insights"
MAX_DAYS = 366
LANGS = ("zh", "en")


@bp.record_once
def _install(state: Any) -> None:
    """One InsightsService per app, embedding with the knowledge base's own e5 model; purges reach it at once."""
    services = state.app.extensions["edge_agent"]
    insights = InsightsService(services.settings, lambda: services.knowledge.embedder)
    state.app.extensions[EXTENSION] = insights
    services.store.purge_hooks.append(insights.after_purge)


def insights_of(app: Any) -> InsightsService:
    """The app's insights service."""
    return app.extensions[EXTENSION]


def _lang() -> str:
    lang = request.args.get("lang") or current_app.extensions["edge_agent"].settings.default_lang
    return lang if lang in LANGS else "zh"


def request_filter() -> Filter:
    """The date range (YYYY-MM-DD, inclusive), collection and kiosk of this request (400 when malformed)."""
    try:
        since, until = parse_day(request.args.get("since")), parse_day(request.args.get("until"))
    except ValueError:
        raise BadRequest("Dates are YYYY-MM-DD. 日期格式为 YYYY-MM-DD。") from None
    flt = day_range(since, until)
    days = (flt.until - flt.since) / 86_400
    if days < 1 or days > MAX_DAYS:
        raise BadRequest(f"The range is 1 to {MAX_DAYS} days, since before until. 日期范围为 1 至 {MAX_DAYS} 天。")
    collection = (request.args.get("collection") or "").strip()[:100]
    kiosk = (request.args.get("kiosk") or "").strip()[:100]
    return Filter(flt.since, flt.until, collection, kiosk)


def _report() -> tuple[Report, str]:
    lang = _lang()
    return insights_of(current_app).report(request_filter(), lang), lang


@bp.get("/insights")
@require_role(MANAGER, ADMIN)
def page() -> Any:
    """The insights page for the chosen range, collection and kiosk."""
    report, lang = _report()
    named = tables(report, lang)
    k = report.k

    def t(zh: str, en: str) -> str:
        return zh if lang == "zh" else en

    svg = {
        "days": charts.columns(t("每日咨询量", "Questions per day"), [(c.key[5:], c.count) for c in report.by_day],
                               k, every=max(1, len(report.by_day) // 10)),
        "hours": charts.columns(t("各时段咨询量", "Questions by hour"), [(c.key, c.count) for c in report.by_hour],
                                k, every=2),
        "kinds": charts.bars(t("回答类型", "Answer kinds"),
                             [(kind_name(c.key, lang), c.count) for c in report.kinds], k),
        "escalations": charts.bars(t("转人工原因", "Escalation reasons"),
                                   [(reason_name(c.key, lang), c.count) for c in report.escalations], k),
        "entries": charts.bars(t("回答最多的知识条目", "Entries that answered most"),
                               [(e.title, e.answered) for e in report.entries[:10]], k),
        "topics": charts.bars(t("热门话题", "Top topics"), [(x.label, x.count) for x in report.topics], k),
        "gaps": charts.bars(t("知识缺口", "Knowledge gaps"), [(g.label, g.count) for g in report.gaps], k),
    }
    args = {key: request.args.get(key, "") for key in ("since", "until", "collection", "kiosk")}
    return render_template("insights.html", report=report, tables=named, svg={n: Markup(s) for n, s in svg.items()},
                           lang=lang, t=t, args=args, today=date.today().isoformat(),
                           is_admin=getattr(current_user(), "role", "") == ADMIN)


@bp.get("/insights/data.json")
@require_role(MANAGER, ADMIN)
def data() -> Any:
    """The same report as JSON (what `edge-agent insights --json` prints)."""
    report, _ = _report()
    return jsonify({"ok": True, "report": report.to_json()})


@bp.get("/insights/<table>.csv")
@require_role(MANAGER, ADMIN)
def csv_export(table: str) -> Response:
    """One of the page's tables as CSV."""
    if table not in BUILDERS:
        raise NotFound("There is no such table. 没有这个表格。")
    report, lang = _report()
    body = tables(report, lang)[table].csv()
    response = Response(body, mimetype="text/csv")
    filename = f"insights-{table}-{report.since}-{report.until}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
