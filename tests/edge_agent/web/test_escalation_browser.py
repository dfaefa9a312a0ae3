"""Escalation on the real service, in real browsers: a customer asks for a person at the kiosk, an agent
signs in, claims the ticket, replies — and the reply appears on the customer's screen. Nothing raw is stored."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EDGE_AGENT, start_server
from tests.pii_values import MOBILE, NAME_ZH, RESIDENT_ID, UNIONPAY_19, scan

pytestmark = pytest.mark.slow
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "queue-agent-Passw0rd-2026"
TRIGGERS = [  # (message, reason): every trigger, through the real stack
    ("转人工", "asked_for_human"),
    (f"我父亲{NAME_ZH}上周去世了，他的卡{UNIONPAY_19}怎么注销？", "distress"),
    ("My card was used abroad without my consent", "fraud_report"),
    (f"我要投诉，身份证{RESIDENT_ID}办个业务等了两个小时", "complaint"),
]


@pytest.fixture(scope="module")
def server(real_data_dir: Path, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make browser)")
    data = tmp_path_factory.mktemp("escalation") / "data"
    shutil.copytree(real_data_dir, data)
    subprocess.run([EDGE_AGENT, "--data-dir", str(data), "users", "add", "alice", "--role", "agent"],
                   input=PASSWORD + "\n", text=True, check=True, capture_output=True, timeout=120)
    live = start_server(data)
    yield live
    live.stop()


def test_agent_reply_reaches_the_kiosk(server):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            kiosk = browser.new_context().new_page()
            kiosk.goto(server.url + "/")
            kiosk.fill("#message", f"我的手机号是{MOBILE}，帮我转人工")
            kiosk.press("#message", "Enter")
            expect(kiosk.locator('.answer[data-kind="escalated"]')).to_be_visible(timeout=120_000)
            expect(kiosk.locator(".masking-notice")).to_be_visible()

            agent = browser.new_context().new_page()
            agent.goto(server.url + "/agent")  # signed out: sent to the sign-in page
            agent.fill("#username", "alice")
            agent.fill("#password", PASSWORD)
            agent.click("#sign-in")
            agent.wait_for_url("**/agent")
            ticket_button = agent.locator("#tickets button", has_text="asked_for_human").first
            expect(ticket_button).to_contain_text("<PHONE_NUMBER_1>")  # the redacted summary is listed
            colours = ticket_button.evaluate("b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]")
            assert colours[0] != colours[1], "ticket text is invisible"
            ticket_button.click()
            transcript = agent.locator("#transcript")
            expect(transcript).to_contain_text("<PHONE_NUMBER_1>")
            assert MOBILE not in transcript.inner_text()
            agent.click("#claim")
            expect(agent.locator("#reply-form")).to_be_visible()
            agent.fill("#reply", "您好，我是客服小李，已看到您的问题，马上为您处理。")
            agent.click("#send-reply")
            expect(agent.locator("#transcript")).to_contain_text("客服小李")

            staff = kiosk.locator('.answer[data-kind="staff"]')
            expect(staff).to_contain_text("客服小李", timeout=30_000)
            agent.select_option("#outcome", "resolved")
            agent.click("#close")
            expect(agent.locator("#ticket-meta")).to_contain_text("closed")
        finally:
            browser.close()


@pytest.mark.parametrize("message, reason", TRIGGERS)
def test_each_trigger_escalates_over_the_api(server, message, reason):
    import json
    import urllib.request

    sid = f"trigger-{reason.replace('_', '-')}"
    req = urllib.request.Request(server.url + "/api/chat", data=json.dumps({"session_id": sid, "message": message})
                                 .encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        body = json.loads(resp.read())
    assert body["answer_kind"] == "escalated", body


def test_nothing_raw_stored_for_tickets(server):
    files = [p for p in server.data_dir.rglob("*") if p.is_file()] + [server.stdout, server.stderr]
    assert any(p.name == "tickets.sqlite3" for p in files)
    assert scan(files, (MOBILE, NAME_ZH, RESIDENT_ID, UNIONPAY_19)) == []
