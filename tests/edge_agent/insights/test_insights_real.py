"""Insights on the real stack: real Presidio guard, real Chroma with the sample KB, real e5 clustering, the
real chat path (a MockModel stands in only for generation, which insights never reads), a real HTTP server on
127.0.0.1 and Debian's Chromium. Two simulated weeks of traffic get injected timestamps."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import threading
import time as real_time
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from edge_agent import conversations
from edge_agent.auth.services import auth_services
from edge_agent.config import Settings
from edge_agent.llm.backend import MockModel
from edge_agent.services import build_services
from edge_agent.web import create_app
from tests.conftest import EDGE_AGENT, ROOT, free_port
from tests.edge_agent.auth.conftest import FAST_HASHER, PASSWORD
from tests.edge_agent.insights.conftest import DAY, Clock

pytestmark = pytest.mark.slow

RMB = "怎么开通数字人民币钱包"
FEE = "信用卡年费是多少"
GAP_A = "你们收不收古董字画做抵押"
GAP_B = "古董字画可以抵押吗"
GAP_WORD = "字画"
LONELY = "我叔叔上周在你们这里办的那个出国保函业务怎么样了"
CARD = "6222021234567892348"
FROZEN = f"我的卡号{CARD}被冻结了怎么办"
CHROMIUM = Path("/usr/bin/chromium")


class Stack:
    """A data directory with two weeks of chat traffic, its app and the filter of those weeks."""

    def __init__(self, settings: Settings, app, since: str, until: str) -> None:
        self.settings, self.app, self.since, self.until = settings, app, since, until
        self.range = {"since": since, "until": until}


def _chat(client, clock: Clock, at: float, session: str, message: str) -> dict:
    clock.now = at
    reply = client.post("/api/chat", json={"session_id": session, "message": message})
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return reply.get_json()


def _no_turns(root: Path):
    """copytree's ignore: the top directory's databases and checkpoints (Chroma's own sqlite file stays)."""
    def ignore(folder: str, names: list[str]) -> set[str]:
        if Path(folder) == root:
            return {n for n in names if ".sqlite3" in n or n.startswith("insights")}
        return {n for n in names if "checkpoints" in n}

    return ignore


@pytest.fixture(scope="module")
def source_data_dir(request) -> Path:
    """The session's real data directory (INSIGHTS_TEST_DATA_DIR may name one already ingested, to iterate)."""
    prepared = os.environ.get("INSIGHTS_TEST_DATA_DIR")
    return Path(prepared) if prepared else request.getfixturevalue("real_data_dir")


@pytest.fixture(scope="module")
def stack(source_data_dir: Path, tmp_path_factory):
    """Copy the sample KB's data directory (no turns), then replay two weeks ending three weeks ago."""
    data = tmp_path_factory.mktemp("insights-real") / "data"
    shutil.copytree(source_data_dir, data, ignore=_no_turns(source_data_dir))
    settings = Settings.from_mapping({"data_dir": data, "models_dir": ROOT / "models", "cookie_secure": False})
    services = build_services(settings, model=MockModel())
    app = create_app(services=services)
    auth = auth_services(app)
    auth.hasher = FAST_HASHER
    for name, role in (("manager1", "manager"), ("admin1", "admin")):
        auth.store.add(name, role, FAST_HASHER.hash(PASSWORD))
    until = date.today() - timedelta(days=21)
    end = datetime.combine(until + timedelta(days=1), time.min).timestamp()
    client = app.test_client()
    with pytest.MonkeyPatch.context() as mp:
        clock = Clock(end)
        mp.setattr(conversations, "time", clock)
        for week, sessions in ((2, 10), (1, 13)):  # the digital-RMB topic grows 30 % week over week
            for i in range(sessions):
                at = end - week * 7 * DAY + 9 * 3600 + i * 900
                assert _chat(client, clock, at, f"rmb-w{week}-{i:02d}", RMB)["answer_kind"] == "quoted"
                _chat(client, clock, at + 60, f"fee-w{week}-{i:02d}", FEE) if i < 6 else None
        for i in range(6):  # a gap: six sessions, two phrasings (the second by five of them)
            at = end - 3 * DAY + 14 * 3600 + i * 600
            assert _chat(client, clock, at, f"gap-session-{i:02d}", GAP_A)["answer_kind"] == "declined"
            if i:
                kind = _chat(client, clock, at + 30, f"gap-session-{i:02d}", GAP_B)["answer_kind"]
                assert kind in ("declined", "escalated")  # the second decline in a row hands over (no_answer)
            _chat(client, clock, at + 90, f"frozen-{i:02d}", FROZEN)
        _chat(client, clock, end - DAY, "lonely-0001", LONELY)
    yield Stack(settings, app, (until - timedelta(days=13)).isoformat(), until.isoformat())
    services.store.close()


def _login(client, name: str) -> None:
    from tests.edge_agent.auth.conftest import login

    assert login(client, name).status_code == 303


def test_rising_topic_gap_and_privacy_on_the_page_and_json(stack: Stack) -> None:
    client = stack.app.test_client()
    _login(client, "manager1")
    html = client.get("/insights", query_string=stack.range).get_data(as_text=True)
    report = client.get("/insights/data.json", query_string=stack.range).get_json()["report"]
    rmb = next(t for t in report["topics"] if t["label"] == RMB)
    assert (rmb["last_week"], rmb["this_week"], rmb["change_pct"]) == (10, 13, 30)
    assert [a["label"] for a in report["rising"]] == [RMB]
    assert "「\u201c怎么开通数字人民币钱包\u201d相关咨询本周比上周增加 30%」" in html
    gap = next(g for g in report["gaps"] if GAP_WORD in g["label"])  # (the guard may mask 古董 as a name)
    assert gap["sessions"] == 6 and len(gap["phrasings"]) == 2 and all(GAP_WORD in p for p in gap["phrasings"])
    assert 'data-sessions="6"' in html and gap["phrasings"][1] in html
    csvs = "".join(client.get(f"/insights/{t}.csv", query_string=stack.range).get_data(as_text=True)
                   for t in ("days", "hours", "kinds", "escalations", "entries", "topics", "rising", "gaps"))
    for output in (html, json.dumps(report, ensure_ascii=False), csvs):
        assert "叔叔" not in output and "出国保函" not in output      # one session: never shown
        assert CARD not in output and "62220212" not in output       # the planted card number
    assert "我的卡号〔银行卡号〕被冻结了怎么办" in html                     # shown as its type
    for url in ("/audit", "/audit/sessions/gap-session-00", "/audit/export", "/agent"):
        assert client.get(url).status_code == 403, url


def test_the_gap_opens_a_draft_with_its_phrasings(stack: Stack) -> None:
    client = stack.app.test_client()
    _login(client, "admin1")
    report = client.get("/insights/data.json", query_string=stack.range).get_json()["report"]
    gap = next(g for g in report["gaps"] if GAP_WORD in g["label"])
    draft = client.get("/admin/kb/draft", query_string={**stack.range, "gap": gap["id"]}).get_data(as_text=True)
    other = next(p for p in gap["phrasings"] if p != gap["label"])
    assert f'value="{gap["label"]}"' in draft and f">{other}</textarea>" in draft and "6 个会话" in draft


def test_cli_prints_the_same_figures(stack: Stack) -> None:
    out = subprocess.run([EDGE_AGENT, "--data-dir", str(stack.settings.data_dir), "--models-dir", str(ROOT / "models"),
                          "insights", "--since", stack.since, "--until", stack.until, "--json"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout)
    assert [(a["label"], a["change_pct"]) for a in report["rising"]] == [(RMB, 30)]
    assert any(g["sessions"] == 6 and len(g["phrasings"]) == 2 and GAP_WORD in g["label"] for g in report["gaps"])
    assert "叔叔" not in out.stdout and CARD not in out.stdout and CARD not in out.stderr
    text = subprocess.run([EDGE_AGENT, "--data-dir", str(stack.settings.data_dir), "--models-dir", str(ROOT / "models"),
                           "insights", "--since", stack.since,
                           "--until", stack.until], capture_output=True, text=True, timeout=300, check=True).stdout
    assert "增加 30%" in text and CARD not in text


def test_retention_purge_takes_insights_data_with_it(stack: Stack, tmp_path) -> None:
    """On a copy: purging every turn leaves no question text in the insights index."""
    data = tmp_path / "data"
    shutil.copytree(stack.settings.data_dir, data)
    store = conversations.open_store(Settings.from_mapping({"data_dir": data, "models_dir": ROOT / "models"}))
    from edge_agent.insights.index import InsightsIndex

    index = InsightsIndex(data / "insights.sqlite3", data / "edge-agent.sqlite3", 0.93)
    store.purge_hooks.append(index.prune)
    try:
        assert sqlite3.connect(data / "insights.sqlite3").execute("SELECT COUNT(*) FROM questions").fetchone()[0]
        store.purge(real_time.time() + 1)
    finally:
        store.close()
        index.close()
    conn = sqlite3.connect(data / "insights.sqlite3")
    assert conn.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM facts").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 0


# --- the page in a real browser ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server_url(stack: Stack):
    from werkzeug.serving import make_server

    port = free_port()
    server = make_server("127.0.0.1", port, stack.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.edge_agent.web.test_kiosk_browser import CHROMIUM_ARGS

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def test_insights_page_in_chromium_on_a_tablet(stack: Stack, server_url: str, browser, tmp_path) -> None:
    context = browser.new_context(viewport={"width": 1024, "height": 1366}, has_touch=True, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(f"{server_url}/login?next=/insights", wait_until="load")
        page.fill("#username", "manager1")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/insights**")
        started = real_time.monotonic()
        page.goto(f"{server_url}/insights?since={stack.since}&until={stack.until}", wait_until="load")
        load_ms = (real_time.monotonic() - started) * 1000
        alert = page.locator("#rising .alert").first
        assert "增加 30%" in alert.inner_text()
        assert page.locator("#gap-list .gap[data-sessions='6']").count() == 1
        assert page.locator("svg.chart").count() >= 7 and page.locator("table.data").count() >= 8
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1024, f"the page scrolls sideways on a tablet ({width}px)"
        body = page.inner_text("body")
        assert CARD not in body and "叔叔" not in body
        assert all(u.startswith(server_url) for u in requests), "a request left the box"
        out = Path(os.environ.get("INSIGHTS_TEST_ARTEFACTS", tmp_path))
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / "insights_page.png"), full_page=True)
        page.click("#lang-toggle")
        page.wait_for_selector("#rising h2#h-rising")
        assert "rose 30% this week" in page.inner_text("#rising")
        print(f"insights page load {load_ms:.0f} ms; screenshot {out / 'insights_page.png'}")
    finally:
        context.close()
    assert not errors, errors


def test_kiosk_feedback_in_chromium(stack: Stack, server_url: str, browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(server_url + "/", wait_until="load")
        page.wait_for_selector("body.js-ready")
        page.fill("#message", FEE)
        page.keyboard.press("Enter")
        bar = page.locator("#conversation .answer[data-state='done'] .feedback").first
        bar.wait_for(timeout=60_000)
        bar.locator(".feedback-down").click()
        bar.locator(".feedback-reason[data-reason='not_asked']").click()
        page.wait_for_function("document.querySelector('.feedback-status').textContent.includes('谢谢')")
    finally:
        context.close()
    assert not errors, errors
    row = sqlite3.connect(stack.settings.db_path).execute(
        "SELECT vote, reason FROM turn_insights WHERE vote != '' ORDER BY vote_ts DESC LIMIT 1").fetchone()
    assert row == ("down", "not_asked")
