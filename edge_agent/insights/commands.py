"""`edge-agent insights --since D --until D [--json]`: the /insights figures for scripts and cron."""
from __future__ import annotations

import argparse
import json
import sys

from edge_agent.config import Settings
from edge_agent.errors import EdgeError

TEXT_TABLES = ("rising", "topics", "gaps", "entries", "kinds", "escalations")


class InsightsCommandError(EdgeError):
    """The insights command cannot run (bad date, no conversation store)."""

    code = "insights"


def add_insights_parser(sub: argparse._SubParsersAction) -> None:
    """Register `insights` on the CLI's subparsers."""
    cmd = sub.add_parser("insights", help="k-anonymous demand figures: topics, week-over-week change, gaps")
    cmd.add_argument("--since", help="first day, YYYY-MM-DD (default: 13 days before --until)")
    cmd.add_argument("--until", help="last day, YYYY-MM-DD, inclusive (default: today)")
    cmd.add_argument("--collection", default="", help="only this knowledge collection")
    cmd.add_argument("--kiosk", default="", help="only this kiosk or site (its location_id)")
    cmd.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of labels and alerts")
    cmd.add_argument("--json", action="store_true", help="print the report as JSON")
    cmd.add_argument("--no-refresh", action="store_true",
                     help="do not cluster turns stored since the last refresh (no model is loaded)")


def _embedder() -> object:
    from edge_agent.knowledge.embedder import E5Embedder

    return E5Embedder()


def cmd_insights(args: argparse.Namespace, settings: Settings) -> int:
    """Refresh the index (new turns only) and print the report."""
    from edge_agent.insights.queries import Filter  # numpy: only when the command runs, not for `--help`
    from edge_agent.insights.service import InsightsService, day_range, parse_day
    from edge_agent.insights.tables import tables

    if not settings.db_path.is_file():
        raise InsightsCommandError(f"no conversation store at {settings.db_path}")
    try:
        days = day_range(parse_day(args.since), parse_day(args.until))
    except ValueError:
        raise InsightsCommandError("--since and --until are days: YYYY-MM-DD") from None
    if days.until <= days.since:
        raise InsightsCommandError("--since must not be after --until")
    service = InsightsService(settings, _embedder)
    try:
        report = service.report(Filter(days.since, days.until, args.collection, args.kiosk), args.lang,
                                refresh=not args.no_refresh)
    finally:
        service.close()
    if args.json:
        json.dump(report.to_json(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    out = sys.stdout
    hidden = f"<{report.k}"
    turns = hidden if report.turns is None else report.turns
    sessions = hidden if report.sessions is None else report.sessions
    out.write(f"{report.since} .. {report.until}  questions {turns}  sessions {sessions}  (k = {report.k})\n")
    for alert in report.rising:
        out.write(f"! {alert.text}\n")
    named = tables(report, args.lang)
    for name in TEXT_TABLES:
        table = named[name]
        out.write(f"\n## {table.title}\n")
        out.write("\t".join(table.headers) + "\n")
        for row in table.rows:
            out.write("\t".join(str(c) for c in row) + "\n")
    return 0
