"""Staff pages in headless Chromium (Debian's, driven by Playwright) against the app served in-process.

The app runs on the fast fakes (tests/conftest.py) behind werkzeug's threaded server on a free port, so the
browser exercises real cookies (HttpOnly, SameSite=Strict), real forms with CSRF tokens and the CSP.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from edge_agent.conversations import TurnRecord
from tests.edge_agent.auth.conftest import ACCOUNTS, PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found: install Debian's 'chromium' package to run the browser tests",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
expect = sync_api.expect

pytestmark = pytest.mark.slow

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SESSION = "browser-audit-session-1"


@pytest.fixture
def base_url(app, fake_services, accounts) -> Iterator[str]:
    """The app on 127.0.0.1:<free port>, with one stored conversation."""
    fake_services.store.append(TurnRecord(
        session_id=SESSION, lang="zh", question="我的卡号<CREDIT_CARD_1>丢了", answer="请拨打挂失电话。",
        answer_kind="quoted", entities=[{"type": "CREDIT_CARD", "count": 1}], output_entities=[], sources=[],
        model_id="mock", guard_version="test", grounding="quoted"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def page(base_url: str) -> Iterator[sync_api.Page]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        problems: list[str] = []
        # Console errors (CSP violations…), except the browser's note on a 401/403 the test asserts itself.
        page.on("console", lambda msg: problems.append(msg.text)
                if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.on("request", lambda r: problems.append(f"foreign request {r.url}")
                if not r.url.startswith(base_url + "/") else None)
        try:
            yield page
        finally:
            browser.close()
        assert not problems, problems


def test_auditor_signs_in_and_sees_the_audit_page(page: sync_api.Page, base_url: str):
    page.goto(base_url + "/audit")
    expect(page).to_have_url(base_url + "/login?next=/audit")  # signed out: sent to the sign-in form
    expect(page.locator("label[for='username']")).to_contain_text("用户名")
    expect(page.locator("label[for='username']")).to_contain_text("User name")
    page.fill("#username", ACCOUNTS["auditor"])
    page.fill("#password", PASSWORD)
    page.click("#sign-in")

    expect(page).to_have_url(base_url + "/audit")
    expect(page.locator("#chain-banner")).to_have_attribute("data-state", "ok")
    expect(page.locator("#chain-banner")).to_contain_text("审计链完整")
    row = page.locator(f"#conversations tr[data-session='{SESSION}']")
    expect(row).to_contain_text("CREDIT_CARD × 1")
    font_px = float(page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)"))
    assert font_px >= 18, f"staff pages use large type, got {font_px}px"
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["edge_staff"]["httpOnly"] and cookies["edge_staff"]["sameSite"] == "Strict"
    assert page.evaluate("() => document.cookie") == "", "the session cookie is readable by scripts"

    # Filter by entity type, then open the transcript.
    page.select_option("#entity", "CREDIT_CARD")
    page.click("#apply")
    expect(page).to_have_url(base_url + "/audit?from=&to=&entity=CREDIT_CARD&escalated=")
    row.locator("a.open").click()
    expect(page.locator("#transcript .question")).to_have_text("我的卡号<CREDIT_CARD_1>丢了")

    # Export is a download of JSON lines.
    page.go_back()
    with page.expect_download() as download:
        page.click("#export-jsonl")
    assert download.value.suggested_filename.endswith(".jsonl")

    page.click("#logout")
    expect(page).to_have_url(base_url + "/login")
    page.goto(base_url + "/audit")
    expect(page).to_have_url(base_url + "/login?next=/audit")


def test_agent_cannot_open_the_audit_page(page: sync_api.Page, base_url: str):
    page.goto(base_url + "/login")
    page.fill("#username", ACCOUNTS["agent"])
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    response = page.goto(base_url + "/audit")
    assert response.status == 403


def test_wrong_password_shows_the_bilingual_error(page: sync_api.Page, base_url: str):
    page.goto(base_url + "/login")
    page.fill("#username", ACCOUNTS["admin"])
    page.fill("#password", "Not-the-password-1")
    page.click("#sign-in")
    expect(page.locator("#error")).to_contain_text("用户名或密码不正确")
    expect(page.locator("#error")).to_contain_text("Wrong user name or password")
