"""Reports over a real conversation store and insights index, with a fake embedder (fast)."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, time, timedelta

import pytest

from edge_agent.insights.index import InsightsIndex, embed_many
from edge_agent.insights.queries import Filter
from edge_agent.insights.report import ReportBuilder, alert_text, percent_change
from tests.edge_agent.insights.conftest import DAY, TopicEmbedder

TOPICS = ["数字人民币", "信用卡", "外币", "养老金"]
RMB = "怎么开通数字人民币钱包？"
CARD = "信用卡年费多少"
GAP_A = "外币现钞能存吗"
GAP_B = "外币现钞可以存进来吗"
LONELY = "我想问问养老金的事"
PLANTED = "卡号6222021234567892348怎么激活"
RMB_ENTRY = [{"id": "bank/digital-rmb.zh.md#0", "title": "数字人民币钱包", "score": 0.9}]


@pytest.fixture
def end() -> float:
    return datetime.combine(datetime.now().date() - timedelta(days=1), time.min).timestamp()


def traffic(kit, end: float) -> None:
    """Two weeks: RMB questions 10 → 13 sessions (+30 %), card 6 → 6, a 6-session gap, one lonely question."""
    last, this = end - 14 * DAY + 3600, end - 7 * DAY + 3600
    for i in range(10):
        kit.ask(f"w1-rmb-{i}", RMB, sources=RMB_ENTRY, at=last + i * 600)
    for i in range(13):
        kit.ask(f"w2-rmb-{i}", RMB, sources=RMB_ENTRY, at=this + i * 600)
    for week, start in (("w1", last), ("w2", this)):
        for i in range(6):
            kit.ask(f"{week}-card-{i}", CARD, at=start + 40_000 + i * 60, collection="bank")
    for i in range(6):
        kit.ask(f"gap-{i}", GAP_A, "declined", at=this + 50_000 + i * 60)
        if i:
            kit.ask(f"gap-{i}", GAP_B, "escalated", escalation="no_answer", at=this + 50_030 + i * 60)
    kit.ask("lonely", LONELY, "declined", at=this + 60_000)
    for i in range(5):
        kit.ask(f"planted-{i}", PLANTED, "declined", at=this + 70_000 + i)


@pytest.fixture
def built(kit, end):
    traffic(kit, end)
    for i in range(6):  # six 👍 and one 👎 (reason: unclear) on the RMB entry
        turn = kit.store.turns(f"w2-rmb-{i}")[0]["id"]
        assert kit.store.record_feedback(f"w2-rmb-{i}", turn, "up")
    assert kit.store.record_feedback("w2-rmb-7", kit.store.turns("w2-rmb-7")[0]["id"], "down", "unclear")
    embedder = TopicEmbedder(TOPICS)
    index = InsightsIndex(kit.data_dir / "insights.sqlite3", kit.db, 0.93)
    result = index.refresh(embed_many(embedder))
    yield kit, index, embedder, result
    index.close()


def test_rising_topic_gap_and_k_anonymity(built, end) -> None:
    kit, index, embedder, result = built
    assert result.turns == 10 + 13 + 12 + 11 + 1 + 5
    report = ReportBuilder(index, k=5, rising_pct=20).build(Filter(end - 14 * DAY, end), "zh")
    rmb = next(t for t in report.topics if t.label == "怎么开通数字人民币钱包")
    assert (rmb.last_week, rmb.this_week, rmb.change_pct, rmb.sessions) == (10, 13, 30, 23)
    assert [a.label for a in report.rising] == ["怎么开通数字人民币钱包"]
    assert report.rising[0].text == "「\u201c怎么开通数字人民币钱包\u201d相关咨询本周比上周增加 30%」"
    card = next(t for t in report.topics if t.label == "信用卡年费多少")
    assert card.change_pct == 0
    gap = report.gaps[0]
    assert (gap.sessions, gap.count, set(gap.phrasings)) == (6, 11, {GAP_A, GAP_B})
    dumped = json.dumps(report.to_json(), ensure_ascii=False)
    assert "养老金" not in dumped and "lonely" not in dumped          # one session: never shown
    assert "6222021234567892348" not in dumped and "卡号〔号码〕怎么激活" in dumped
    entry = next(e for e in report.entries if e.id == "bank/digital-rmb.zh.md#0")
    assert (entry.answered, entry.up, entry.down, entry.helpful_pct) == (23, 6, 1, 86)
    assert entry.reasons["unclear"] is None                              # one session gave that reason
    kinds = {c.key: c.count for c in report.kinds}
    assert kinds["quoted"] == 35 and kinds["declined"] == 12
    assert {c.key: c.count for c in report.escalations} == {"no_answer": 5}


def test_small_counts_are_hidden_not_shown(built, end) -> None:
    kit, index, *_ = built
    report = ReportBuilder(index, k=7, rising_pct=20).build(Filter(end - 14 * DAY, end), "zh")
    assert report.gaps == ()                                            # 6 sessions < 7
    rmb = next(t for t in report.topics if "数字人民币钱包" in t.label)
    assert rmb.last_week == 10 and rmb.change_pct == 30
    assert all(t.sessions >= 7 for t in report.topics)
    hours = [c for c in report.by_hour if c.count is not None]
    assert all(c.sessions >= 7 for c in hours)


def test_collection_filter(built, end) -> None:
    kit, index, *_ = built
    report = ReportBuilder(index, k=5, rising_pct=20).build(Filter(end - 14 * DAY, end, collection="bank"), "zh")
    assert [t.label for t in report.topics] == ["信用卡年费多少"] and report.turns == 12
    assert report.collections == ("bank",) and report.kiosks == ("kiosk-1",)


def test_refresh_is_incremental(built, end) -> None:
    kit, index, embedder, _ = built
    seen = len(embedder.embedded)
    assert seen == 6  # six distinct canonical questions, each embedded once
    kit.ask("late", RMB, at=end - 10)
    kit.ask("late", "数字人民币怎么用", at=end - 5)
    result = index.refresh(embed_many(embedder))
    assert (result.turns, result.questions) == (2, 1) and embedder.embedded[seen:] == ["数字人民币怎么用"]


def test_purge_takes_insights_data_with_it(built, end) -> None:
    kit, index, *_ = built
    kit.clock.now = end + DAY
    kit.store.purge(end + 1)
    assert index.prune() == 10 + 13 + 12 + 11 + 1 + 5
    conn = sqlite3.connect(index.path)
    assert conn.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM facts").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 0
    conv = sqlite3.connect(kit.db)
    assert conv.execute("SELECT COUNT(*) FROM turn_insights").fetchone()[0] == 0
    report = ReportBuilder(index, k=5, rising_pct=20).build(Filter(end - 14 * DAY, end), "zh")
    assert report.topics == () and report.gaps == () and report.turns is None


@pytest.mark.parametrize("this, last, pct", [(13, 10, 30), (10, 10, 0), (5, 10, -50), (132, 100, 32)])
def test_percent_change(this: int, last: int, pct: int) -> None:
    assert percent_change(this, last) == pct


def test_alert_texts() -> None:
    assert alert_text("数字人民币", 32, "zh") == "「\u201c数字人民币\u201d相关咨询本周比上周增加 32%」"
    assert alert_text("digital yuan", 32, "en") == "Questions about \u201cdigital yuan\u201d rose 32% this week " \
                                                   "compared with last week."
