"""/insights, its JSON and CSV, the gap draft on /admin/kb/draft and the kiosk's /api/feedback (fake stack)."""
from __future__ import annotations

import csv
import io
import sqlite3
from datetime import date, datetime, time, timedelta

import pytest

from edge_agent.conversations import TurnRecord
from edge_agent.knowledge.ingest import list_documents
from tests.edge_agent.web.insights.conftest import ACCOUNTS, login, page_token

DAY = 86_400.0
RMB = "怎么开通数字人民币钱包"
GAP = "外币现钞能存吗"
LONELY = "我想问问养老金的事"
CARD = "6222021234567892348"
ENTRY = [{"id": "bank/digital-rmb.zh.md#0", "title": "数字人民币钱包", "score": 0.9}]


def store_turn(store, session: str, question: str, kind: str = "quoted", sources=None) -> int:
    return store.append(TurnRecord(session_id=session, lang="zh", question=question, answer="答", answer_kind=kind,
                                   entities=[], output_entities=[], sources=sources or [], model_id="mock",
                                   guard_version="t", grounding="quoted", collection="bank", kiosk="branch-1"))


@pytest.fixture
def window() -> tuple[str, str, float]:
    """Two full weeks ending yesterday: (since, until, the first second after until)."""
    until = date.today() - timedelta(days=1)
    end = datetime.combine(until + timedelta(days=1), time.min).timestamp()
    return (until - timedelta(days=13)).isoformat(), until.isoformat(), end


@pytest.fixture
def seeded(fake_services, clock, window):
    since, until, end = window
    store = fake_services.store
    for week, sessions in ((2, 10), (1, 13)):  # 10 sessions last week, 13 this week: +30 %
        for i in range(sessions):
            clock.now = end - week * 7 * DAY + 3600 + i * 60
            store_turn(store, f"w{week}-rmb-{i:02d}", RMB, sources=ENTRY)
    for i in range(6):
        clock.now = end - 2 * DAY + i * 60
        store_turn(store, f"gap-{i:02d}", GAP, "declined")
        store_turn(store, f"gap-{i:02d}", f"卡号{CARD}丢了怎么办", "declined")
    clock.now = end - DAY
    store_turn(store, "lonely-0001", LONELY, "declined")
    return {"since": since, "until": until}


def test_manager_sees_insights_and_never_audit_or_transcripts(client, accounts, seeded) -> None:
    assert login(client, ACCOUNTS["manager"]).status_code == 303
    page = client.get("/insights", query_string=seeded)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "「\u201c怎么开通数字人民币钱包\u201d相关咨询本周比上周增加 30%」" in html
    assert GAP in html and 'data-sessions="6"' in html
    assert LONELY not in html and CARD not in html and "卡号〔号码〕丢了怎么办" in html
    assert "<svg" in html and 'id="table-days"' in html and "cdn" not in html.lower()
    for url in ("/audit", "/audit/sessions/gap-00", "/audit/export", "/agent", "/admin/kb", "/admin/users"):
        resp = client.get(url)
        assert resp.status_code == 403, url
        assert GAP not in resp.get_data(as_text=True)


def test_json_and_csv_carry_the_same_k_anonymous_figures(client, accounts, seeded) -> None:
    login(client, ACCOUNTS["manager"])
    report = client.get("/insights/data.json", query_string=seeded).get_json()["report"]
    assert [a["change_pct"] for a in report["rising"]] == [30]
    assert {(g["label"], g["sessions"]) for g in report["gaps"]} == {(GAP, 6), ("卡号〔号码〕丢了怎么办", 6)}
    text = str(report)
    assert LONELY not in text and CARD not in text
    resp = client.get("/insights/topics.csv", query_string={**seeded, "lang": "en"})
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["Topic", "Typical question", "Questions", "Sessions"]
    rmb = next(r for r in rows if r[1] == RMB)
    assert rmb[4:7] == ["10", "13", "30"]
    assert client.get("/insights/nope.csv").status_code == 404
    assert client.get("/insights", query_string={"since": "yesterday"}).status_code == 400


def test_small_counts_hidden_with_a_larger_k(client, accounts, seeded, fake_services, monkeypatch) -> None:
    login(client, ACCOUNTS["manager"])
    insights = client.application.extensions["edge_agent.insights"]
    monkeypatch.setattr(insights.builder, "k", 7)
    report = client.get("/insights/data.json", query_string=seeded).get_json()["report"]
    assert report["gaps"] == [] and report["k"] == 7
    assert all(c["count"] is None or c["sessions"] >= 7 for c in report["by_day"])


def test_gap_draft_opens_on_admin_kb_with_its_phrasings_and_saves(client, accounts, seeded, fake_services) -> None:
    login(client, ACCOUNTS["admin"])
    report = client.get("/insights/data.json", query_string=seeded).get_json()["report"]
    gap = next(g for g in report["gaps"] if g["label"] == GAP)
    draft = client.get("/admin/kb/draft", query_string={**seeded, "gap": gap["id"]})
    html = draft.get_data(as_text=True)
    assert draft.status_code == 200 and f'value="{GAP}"' in html and "6 个会话" in html
    token = page_token(client, "/admin/kb")
    saved = client.post("/admin/kb/draft", data={
        "csrf_token": token, "question": GAP, "phrasings": "外币现钞可以存进来吗\n美元现金能存吗",
        "answer": "可以。外币现钞可在柜台存入外币账户。", "lang": "zh", "collection": "bank", "gap": str(gap["id"])})
    assert saved.status_code == 303 and "/admin/kb/entries" in saved.headers["Location"]
    doc = next(d for d in list_documents(fake_services.knowledge) if d.doc_id.startswith("bank/insights-"))
    entries = fake_services.knowledge.document_entries(doc.doc_id)
    assert any(set(e.phrasings) >= {"外币现钞可以存进来吗", "美元现金能存吗"} for e in entries)
    assert client.get("/admin/kb/draft", query_string={**seeded, "gap": 99999}).status_code == 404


def test_manager_cannot_save_a_draft(client, accounts, seeded) -> None:
    login(client, ACCOUNTS["manager"])
    token = page_token(client, "/insights")
    resp = client.post("/admin/kb/draft", data={"csrf_token": token, "question": "q", "answer": "a"})
    assert resp.status_code == 403


def test_feedback_is_stored_with_the_sessions_own_turn(client, fake_services) -> None:
    sid = "feedback-session-1"
    reply = client.post("/api/chat", json={"session_id": sid, "message": "信用卡年费多少"}).get_json()
    assert isinstance(reply["turn_id"], int)
    ok = client.post("/api/feedback", json={"session_id": sid, "turn_id": reply["turn_id"], "vote": "down",
                                            "reason": "unclear"})
    assert ok.status_code == 200 and ok.get_json() == {"ok": True, "vote": "down", "reason": "unclear"}
    row = sqlite3.connect(fake_services.settings.db_path).execute(
        "SELECT vote, reason FROM turn_insights WHERE turn_id = ?", (reply["turn_id"],)).fetchone()
    assert row == ("down", "unclear")
    other = client.post("/api/feedback", json={"session_id": "someone-else-1", "turn_id": reply["turn_id"],
                                               "vote": "up"})
    assert other.status_code == 404                                    # no such live session
    client.post("/api/chat", json={"session_id": "someone-else-1", "message": "你好"})
    assert client.post("/api/feedback", json={"session_id": "someone-else-1", "turn_id": reply["turn_id"],
                                              "vote": "up"}).status_code == 404   # a session, but not its turn
    stranger = client.application.test_client()                        # no token: not this client's session
    assert stranger.post("/api/feedback", json={"session_id": sid, "turn_id": reply["turn_id"],
                                                "vote": "up"}).status_code == 403
    for body in ({"session_id": sid, "turn_id": reply["turn_id"], "vote": "meh"},
                 {"session_id": sid, "turn_id": reply["turn_id"], "vote": "up", "reason": "wrong"},
                 {"session_id": sid, "turn_id": reply["turn_id"], "vote": "down", "reason": "I hate it"},
                 {"session_id": sid, "turn_id": "1", "vote": "up"}):
        assert client.post("/api/feedback", json=body).status_code == 400, body
