"""A report as named tables: the page's tables beside the charts, the CSV exports and the CLI's text all
come from here, so they always show the same (k-anonymous) numbers."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Callable

from edge_agent.insights.report import Report

KIND_NAMES = {"zh": {"generated": "生成回答", "quoted": "引用知识库", "clarify": "追问澄清", "smalltalk": "寒暄",
                     "declined": "无法回答", "escalated": "转人工"},
              "en": {"generated": "answered (generated)", "quoted": "quoted", "clarify": "clarifying question",
                     "smalltalk": "small talk", "declined": "declined", "escalated": "escalated"}}
REASON_NAMES = {"zh": {"no_answer": "多次无法回答", "asked_for_human": "要求人工", "fraud_report": "疑似诈骗",
                       "distress": "情绪困扰", "complaint": "投诉", "none": "无"},
                "en": {"no_answer": "no answer found", "asked_for_human": "asked for a person",
                       "fraud_report": "possible fraud", "distress": "distress", "complaint": "complaint",
                       "none": "none"}}


@dataclass(frozen=True)
class Table:
    """Headers and rows of cells (strings and numbers; a hidden count is shown as '<k')."""

    name: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]

    def csv(self) -> str:
        """The table as CSV (UTF-8 with a BOM, so spreadsheet programs read Chinese)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self.headers)
        writer.writerows(self.rows)
        return "\ufeff" + out.getvalue()


def _h(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def kind_name(kind: str, lang: str) -> str:
    """An answer kind as staff read it."""
    return KIND_NAMES[lang].get(kind, kind)


def reason_name(reason: str, lang: str) -> str:
    """An escalation reason as staff read it."""
    return REASON_NAMES[lang].get(reason, reason)


def _days(r: Report, lang: str, v: Callable) -> Table:
    return Table("days", _h(lang, "每日咨询量", "Questions per day"),
                 (_h(lang, "日期", "Day"), _h(lang, "咨询数", "Questions"), _h(lang, "会话数", "Sessions")),
                 tuple((c.key, v(c.count), v(c.sessions)) for c in r.by_day))


def _hours(r: Report, lang: str, v: Callable) -> Table:
    return Table("hours", _h(lang, "各时段咨询量", "Questions by hour of day"),
                 (_h(lang, "时段", "Hour"), _h(lang, "咨询数", "Questions"), _h(lang, "会话数", "Sessions")),
                 tuple((f"{c.key}:00", v(c.count), v(c.sessions)) for c in r.by_hour))


def _kinds(r: Report, lang: str, v: Callable) -> Table:
    return Table("kinds", _h(lang, "回答类型", "Answer kinds"),
                 (_h(lang, "类型", "Kind"), _h(lang, "次数", "Turns"), _h(lang, "会话数", "Sessions")),
                 tuple((kind_name(c.key, lang), v(c.count), v(c.sessions)) for c in r.kinds))


def _escalations(r: Report, lang: str, v: Callable) -> Table:
    return Table("escalations", _h(lang, "转人工原因", "Escalation reasons"),
                 (_h(lang, "原因", "Reason"), _h(lang, "次数", "Turns"), _h(lang, "会话数", "Sessions")),
                 tuple((reason_name(c.key, lang), v(c.count), v(c.sessions)) for c in r.escalations))


def _entries(r: Report, lang: str, v: Callable) -> Table:
    return Table("entries", _h(lang, "回答最多的知识条目", "Knowledge entries that answered most"),
                 (_h(lang, "条目", "Entry"), _h(lang, "标题", "Title"), _h(lang, "回答次数", "Answered"),
                  _h(lang, "会话数", "Sessions"), _h(lang, "有帮助", "Helpful"), _h(lang, "没帮助", "Not helpful"),
                  _h(lang, "有帮助 %", "Helpful %"),
                  _h(lang, "答错了", "Wrong"), _h(lang, "看不懂", "Unclear"), _h(lang, "答非所问", "Not what I asked")),
                 tuple((e.id, e.title, e.answered, e.sessions, v(e.up), v(e.down), v(e.helpful_pct),
                        v(e.reasons.get("wrong")), v(e.reasons.get("unclear")), v(e.reasons.get("not_asked")))
                       for e in r.entries))


def _topics(r: Report, lang: str, v: Callable) -> Table:
    return Table("topics", _h(lang, "热门话题", "Top topics"),
                 (_h(lang, "话题", "Topic"), _h(lang, "典型问法", "Typical question"), _h(lang, "咨询数", "Questions"),
                  _h(lang, "会话数", "Sessions"), _h(lang, "上周", "Last week"), _h(lang, "本周", "This week"),
                  _h(lang, "周环比 %", "Week over week %"), _h(lang, "其他问法", "Other phrasings")),
                 tuple((t.id, t.label, t.count, t.sessions, v(t.last_week), v(t.this_week), v(t.change_pct),
                        " | ".join(t.examples[1:])) for t in r.topics))


def _rising(r: Report, lang: str, v: Callable) -> Table:
    return Table("rising", _h(lang, "上升话题", "Rising topics"),
                 (_h(lang, "话题", "Topic"), _h(lang, "典型问法", "Typical question"), _h(lang, "周环比 %", "Change %"),
                  _h(lang, "提示", "Alert")),
                 tuple((a.topic, a.label, a.change_pct, a.text) for a in r.rising))


def _gaps(r: Report, lang: str, v: Callable) -> Table:
    return Table("gaps", _h(lang, "知识缺口", "Knowledge gaps"),
                 (_h(lang, "缺口", "Gap"), _h(lang, "典型问法", "Typical question"), _h(lang, "咨询数", "Questions"),
                  _h(lang, "会话数", "Sessions"), _h(lang, "问法", "Phrasings")),
                 tuple((g.id, g.label, g.count, g.sessions, " | ".join(g.phrasings)) for g in r.gaps))


BUILDERS: dict[str, Callable[[Report, str, Callable], Table]] = {
    "days": _days, "hours": _hours, "kinds": _kinds, "escalations": _escalations, "entries": _entries,
    "topics": _topics, "rising": _rising, "gaps": _gaps}


def tables(report: Report, lang: str) -> dict[str, Table]:
    """Every table of a report, by name."""
    def shown(value: object) -> object:
        return f"<{report.k}" if value is None else value

    return {name: build(report, lang, shown) for name, build in BUILDERS.items()}
