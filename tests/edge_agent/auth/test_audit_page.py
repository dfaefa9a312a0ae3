"""The auditor's /audit page: filters, redacted transcripts, the chain banner, export."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from edge_agent.conversations import TurnRecord
from tests.edge_agent.auth.conftest import ACCOUNTS, assert_error, login

CARD = "6222021234567890123"
CARD_SESSION = "audit-card-session-1"
ESCALATED_SESSION = "audit-human-session-1"


@pytest.fixture
def auditor(client, fake_services, accounts):
    """An auditor's client, with one conversation holding a card number and one escalated conversation."""
    resp = client.post("/api/chat", json={"session_id": CARD_SESSION, "message": f"我的卡号{CARD}丢了，怎么挂失？"})
    assert resp.status_code == 200
    fake_services.store.append(TurnRecord(
        session_id=ESCALATED_SESSION, lang="en", question="I want a person", answer="An agent will call you.",
        answer_kind="declined", entities=[], output_entities=[], sources=[], model_id="mock", guard_version="t",
        grounding="none", escalation="asked_for_human"))
    login(client, ACCOUNTS["auditor"])
    return client


def sessions_listed(html: str) -> set[str]:
    return {s for s in (CARD_SESSION, ESCALATED_SESSION) if f'data-session="{s}"' in html}


def test_lists_conversations_with_an_intact_chain_banner(auditor):
    html = auditor.get("/audit").get_data(as_text=True)
    assert sessions_listed(html) == {CARD_SESSION, ESCALATED_SESSION}
    assert 'data-state="ok"' in html and "审计链完整" in html and "audit chain intact" in html
    assert "CREDIT_CARD × 1" in html and CARD not in html


@pytest.mark.parametrize("query, expected", [
    ("entity=CREDIT_CARD", {CARD_SESSION}),
    ("entity=CN_RESIDENT_ID", set()),
    ("escalated=yes", {ESCALATED_SESSION}),
    ("escalated=no", {CARD_SESSION}),
    (f"from={dt.date.today().isoformat()}&to={dt.date.today().isoformat()}", {CARD_SESSION, ESCALATED_SESSION}),
    (f"from={(dt.date.today() + dt.timedelta(days=1)).isoformat()}", set()),
    (f"to={(dt.date.today() - dt.timedelta(days=1)).isoformat()}", set()),
])
def test_filters(auditor, query, expected):
    resp = auditor.get(f"/audit?{query}")
    assert resp.status_code == 200 and sessions_listed(resp.get_data(as_text=True)) == expected


@pytest.mark.parametrize("query", ["from=yesterday", "escalated=maybe", "entity=<script>", "page=x"])
def test_bad_filters_are_400(auditor, query):
    resp = auditor.get(f"/audit?{query}")
    assert resp.status_code == 400 and 'id="error"' in resp.get_data(as_text=True)


def test_transcript_is_redacted(auditor):
    resp = auditor.get(f"/audit/sessions/{CARD_SESSION}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "&lt;CREDIT_CARD_1&gt;" in html and CARD not in html
    html = auditor.get(f"/audit/sessions/{ESCALATED_SESSION}").get_data(as_text=True)
    assert "asked_for_human" in html and "An agent will call you." in html


@pytest.mark.parametrize("sid, status", [("no-such-session-1", 404), ("bad id!", 404)])
def test_unknown_transcript(auditor, sid, status):
    assert auditor.get(f"/audit/sessions/{sid}").status_code == status


def test_banner_shows_a_tampered_turn(auditor, settings):
    assert 'data-state="ok"' in auditor.get("/audit").get_data(as_text=True)
    with sqlite3.connect(settings.db_path) as conn:
        conn.execute("UPDATE turns SET answer = 'nothing to see' WHERE session_id = ?", (CARD_SESSION,))
    html = auditor.get("/audit").get_data(as_text=True)
    assert 'data-state="broken"' in html and "BROKEN" in html and "record 1 (turn 1)" in html


def test_banner_without_the_audit_key(auditor, settings):
    (settings.data_dir / "keys" / "audit.key").unlink()
    html = auditor.get("/audit").get_data(as_text=True)
    assert 'data-state="unavailable"' in html and "edge-agent init" in html


def test_export_jsonl_and_csv(auditor):
    resp = auditor.get("/audit/export?format=jsonl")
    assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
    rows = [json.loads(line) for line in resp.get_data(as_text=True).splitlines()]
    assert {r["session_id"] for r in rows if r["kind"] == "turn"} == {CARD_SESSION, ESCALATED_SESSION}
    staff = [r["data"] for r in rows if r["kind"] == "staff"]  # the auditor's sign-in, and this export itself
    assert [(s["action"], s["actor"]) for s in staff][-2:] == [("sign_in", "auditor1"), ("export", "auditor1")]
    assert all(r["hash"] and r["prev_hash"] for r in rows) and CARD not in resp.get_data(as_text=True)
    lines = auditor.get("/audit/export?format=csv").get_data(as_text=True).splitlines()
    assert lines[0].startswith("seq,time,ts,kind") and sum(1 for line in lines if line.startswith("seq,")) == 1
    assert sum(1 for line in lines if ",turn," in line) == 2 and ",staff," in lines[-1]
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert auditor.get(f"/audit/export?format=jsonl&from={tomorrow}").get_data(as_text=True) == ""
    assert_error(auditor.get("/audit/export?format=xml"), 400, "bad_request")


def test_page_links_export_with_the_filter(auditor):
    html = auditor.get("/audit?from=2024-01-02&escalated=yes").get_data(as_text=True)
    assert 'href="/audit/export?format=jsonl&amp;from=2024-01-02&amp;escalated=yes"' in html
